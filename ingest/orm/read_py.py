"""The reader (:mod:`ingest.registry`) of Rails, Django, Alembic and SQLAlchemy sources.

A folder is read whole, as every folder is (:func:`ingest.migrations.sets.read`: SQL migration
sets, Prisma schemas and the schemas declared in code), so a folder gives the same inventory
whichever reader recognised it; a file (``schema.rb``, a Rails migration, ``models.py``, an
Alembic revision, ``alembic.ini``, ``manage.py``) is read on its own
(:func:`ingest.orm.scan_py.read_code`).
"""

from __future__ import annotations

from pathlib import Path

from ingest.migrations import sets
from ingest.orm.scan_py import read_code
from model.inventory import Inventory

__all__ = ["read"]


def read(source: str, *, dialect: str | None = None) -> Inventory:
    """Read a folder whole, a file on its own."""
    if Path(source).is_dir():
        return sets.read(source, dialect=dialect)
    return read_code(source)
