"""Coaching (seed 004): feedback tied to transcript moments, sessions with action items and follow-up, the
agent quality file and ability profile."""
