"""Whether a source is a Rails, Django, Alembic or SQLAlchemy one: the ``matches`` of :mod:`ingest.registry`.

Cheap on purpose (the registry imports this module for every run): a few path checks, and
for a ``.py`` file its first 64 KiB.

* Rails: a folder holding ``db/schema.rb`` or ``db/migrate/``, a ``db`` folder holding
  ``schema.rb`` or ``migrate/``, a ``migrate`` folder of ``.rb`` files, or a ``schema.rb`` /
  ``*_schema.rb`` file or a ``.rb`` file in a ``migrate`` folder;
* Django: a folder holding ``manage.py``, or an app (``models.py`` or ``models/`` with a
  ``migrations/`` folder); a ``manage.py`` file, or a ``.py`` models or migration file that
  imports Django;
* Alembic: a folder holding ``alembic.ini``, a script folder (``env.py`` and ``versions/``) or
  a ``versions`` folder; an ``alembic.ini`` file or a revision file (``down_revision``);
* SQLAlchemy: a ``.py`` file importing SQLAlchemy (or SQLModel) and declaring a table.

>>> is_rails_source("/nonexistent/app"), is_django_source("postgresql://db/x")
(False, False)
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["is_alembic_source", "is_django_source", "is_rails_source", "is_sqlalchemy_source"]

_SCHEMA = re.compile(r"^(?:\w+_)?schema\.rb$")
_MIGRATE = re.compile(r"^(?:\w+_)?migrate$")


def _head(path: Path) -> str:
    try:
        with path.open("rb") as f:
            return f.read(64 * 1024).decode("utf-8", "replace")
    except OSError:
        return ""


def _has(path: Path, *names: str) -> bool:
    return any((path / name).exists() for name in names)


def is_rails_source(source: str) -> bool:
    """A Rails application, ``db`` folder, migration folder, ``schema.rb`` or migration file."""
    p = Path(source)
    if p.is_file():
        return p.suffix == ".rb" and (bool(_SCHEMA.match(p.name)) or bool(_MIGRATE.match(p.parent.name)))
    if not p.is_dir():
        return False
    if _has(p, "db/schema.rb", "db/migrate", "schema.rb") or (p.name == "db" and _has(p, "migrate")):
        return True
    return bool(_MIGRATE.match(p.name)) and any(p.glob("*.rb"))


def is_django_source(source: str) -> bool:
    """A Django project or app folder, ``manage.py``, or a models or migration file."""
    p = Path(source)
    if p.is_file():
        if p.name == "manage.py":
            return True
        models = p.name == "models.py" or p.parent.name in ("models", "migrations")
        return p.suffix == ".py" and models and "django" in _head(p)
    if not p.is_dir():
        return False
    return _has(p, "manage.py") or (_has(p, "models.py", "models/__init__.py") and _has(p, "migrations"))


def is_alembic_source(source: str) -> bool:
    """An Alembic project, script or ``versions`` folder, ``alembic.ini`` or a revision file."""
    p = Path(source)
    if p.is_file():
        return p.name == "alembic.ini" or (p.suffix == ".py" and "down_revision" in _head(p))
    if not p.is_dir():
        return False
    return _has(p, "alembic.ini") or (_has(p, "env.py") and _has(p, "versions")) or p.name == "versions"


def is_sqlalchemy_source(source: str) -> bool:
    """A ``.py`` file that imports SQLAlchemy or SQLModel and declares a table."""
    p = Path(source)
    if not (p.suffix == ".py" and p.is_file()):
        return False
    head = _head(p)
    library = "sqlalchemy" in head or "sqlmodel" in head
    return library and any(d in head for d in ("__tablename__", "Table(", "table=True"))
