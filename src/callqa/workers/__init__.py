"""Work beyond one process: Celery workers over a Redis broker, PostgreSQL as the shared store."""
