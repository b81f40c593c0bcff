"""Adapters for the ports that keep state: the SQL message store (SQLAlchemy Core,
Alembic migrations; SQLite embedded or PostgreSQL) and the filesystem payload store."""
