"""Interactions: the core document every stage reads (calls, chats, e-mails)."""
