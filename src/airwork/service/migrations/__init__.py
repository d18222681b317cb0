"""Alembic migrations of the service's database (run by :mod:`airwork.service.migrate`)."""
