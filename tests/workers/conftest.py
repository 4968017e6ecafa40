"""Fixtures of the worker tests (real PostgreSQL database per module, real Redis, real worker processes)."""

from workers.workers_support import cluster, database, own_database  # noqa: F401
