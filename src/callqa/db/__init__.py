"""Persistence: engine, sessions and Alembic migrations (SQLite by default, PostgreSQL for servers)."""
