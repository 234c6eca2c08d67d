"""The kinds of source fkmap reads, and the one place a source string is given to its reader.

:data:`READERS` holds one :class:`Reader` per kind of source, in the order they are tried:
:func:`read_source` gives a source to the first whose ``matches`` accepts it.

* ``postgres``: a ``postgresql://`` or ``postgres://`` URL, or a libpq ``key=value``
  string that is no existing path -- read by :mod:`ingest.catalogs.postgres`;
* ``mysql``: a ``mysql://`` or ``mariadb://`` URL -- :mod:`ingest.catalogs.mysql`;
* ``sqlite``: a ``sqlite:`` URL -- :mod:`ingest.catalogs.sqlite`;
* ``other-url``: any other ``scheme://`` URL, never a path: one ``unsupported`` error naming
  it without its password -- :mod:`ingest.catalogs.other_url`;
* ``saved``: an existing ``.json`` file, a saved scan -- :mod:`ingest.saved`;
* ``prisma``: an existing ``.prisma`` file -- :mod:`ingest.prisma.read`;
* ``js-orm``: an existing ``.js``/``.ts`` file, Sequelize/TypeORM models or a Sequelize/TypeORM/Knex
  migration -- :mod:`ingest.orm.js_projects`;
* ``liquibase``: an existing ``.xml``/``.yaml`` file, a Liquibase changelog -- :mod:`ingest.orm.liquibase`;
* ``rails``, ``django``, ``alembic``, ``sqlalchemy``: schemas declared in code
  (:mod:`ingest.orm.detect_py` recognises them) -- :mod:`ingest.orm.read_py`, a folder read whole;
* ``migrations``: anything else, a migration folder or ``.sql`` file --
  :mod:`ingest.migrations.sets` (with the Prisma schemas and the schemas in code of a folder).

Options beyond ``dialect`` go to the readers that name them in ``options``:
``follow_symlinks`` (follow symbolic links out of a scanned folder) to ``migrations``.

``matches`` looks at the string (and at most asks whether a path exists) and imports no
reader: a reader's module -- with its driver, pglast or sqlglot -- is imported when a
source of its kind is first read. A reader module that cannot be imported fails its own
sources (one ``error``, code ``unsupported``), never the others.

Adding a kind of source
    Write its module with ``read(source, *, dialect=None) -> Inventory`` (never raising:
    problems are diagnostics; ``dialect`` is the SQL dialect asked for, if it matters), and,
    when a source of that kind can name one database of a server, ``server_source(source)
    -> str`` naming every database of it (``--all-databases``). Then add one line to
    :data:`READERS`, before ``migrations``, which takes everything; its ``matches`` is
    :func:`existing_file` for a file suffix, else a predicate from a module that is cheap to
    import (as :func:`ingest.catalogs.mysql_dsn.is_mysql_dsn`).

Examples
--------
>>> print(*(r.name for r in READERS))
postgres mysql sqlite other-url saved prisma js-orm liquibase rails django alembic sqlalchemy migrations
>>> reader_for("mariadb://app@db/shop").name, reader_for("services/auth/migrations").name
('mysql', 'migrations')
>>> [(d.severity, d.code) for d in read_source("/nonexistent/fkmap/source").diagnostics]
[('error', 'io-error')]
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType

from ingest.catalogs.mysql_dsn import is_mysql_dsn
from ingest.catalogs.sqlite_url import is_sqlite_url
from ingest.diagnostics import cap_per_file
from ingest.dsn import is_postgres_source, is_url, mask_dsn
from ingest.orm.detect_py import is_alembic_source, is_django_source, is_rails_source, is_sqlalchemy_source
from ingest.orm.kinds import is_changelog_file, is_js_file
from model.inventory import Diagnostic, Inventory, Source

__all__ = [
    "READERS",
    "Reader",
    "existing_file",
    "is_dsn_source",
    "read_source",
    "reader_for",
    "server_source",
]


@dataclass(frozen=True)
class Reader:
    """One kind of source: its ``name``, whether a source string is of this kind (``matches``),
    and the ``module`` that reads it (imported when first used). ``database`` is true for
    kinds whose sources name live databases (DSNs) rather than paths; ``options`` the keyword
    options besides ``dialect`` that the module's ``read`` takes."""

    name: str
    matches: Callable[[str], bool]
    module: str
    database: bool = False
    options: tuple[str, ...] = ()

    def _module(self) -> ModuleType:
        return importlib.import_module(self.module)

    def read(self, source: str, *, dialect: str | None = None, **options: object) -> Inventory:
        """``source`` read by the module's ``read`` (with the ``options`` it takes); an unimportable
        module gives one error."""
        try:
            module = self._module()
        except ImportError as exc:
            label = mask_dsn(source) if self.database else source
            message = f"{self.name} sources cannot be read: {exc}"
            return Inventory(
                diagnostics=(Diagnostic("error", message, label, code="unsupported"),),
                sources=(Source("catalog" if self.database else "unknown", label),),
            )
        taken = {k: v for k, v in options.items() if k in self.options}
        result: Inventory = module.read(source, dialect=dialect, **taken)
        return result

    def server_source(self, source: str) -> str:
        """The module's ``server_source(source)``; ``source`` itself when it has none."""
        try:
            server: Callable[[str], str] | None = getattr(self._module(), "server_source", None)
        except ImportError:
            return source  # reading it reports the problem
        return source if server is None else server(source)


def existing_file(suffix: str) -> Callable[[str], bool]:
    """``matches`` of sources that are existing files named ``*<suffix>`` (any case).

    >>> existing_file(".json")("/nonexistent/scan.json")
    False
    """

    def matches(source: str) -> bool:
        path = Path(source)
        return path.suffix.lower() == suffix and path.is_file()

    matches.__name__ = matches.__qualname__ = f"existing_{suffix.lstrip('.')}_file"
    return matches


def _any_path(source: str) -> bool:
    """Every other source is a path (a missing one is reported by its reader)."""
    return True


#: The readers, in the order they are tried (see the module docstring).
READERS: tuple[Reader, ...] = (
    Reader("postgres", is_postgres_source, "ingest.catalogs.postgres", database=True),
    Reader("mysql", is_mysql_dsn, "ingest.catalogs.mysql", database=True),
    Reader("sqlite", is_sqlite_url, "ingest.catalogs.sqlite", database=True),
    Reader("other-url", is_url, "ingest.catalogs.other_url", database=True),
    Reader("saved", existing_file(".json"), "ingest.saved"),
    Reader("prisma", existing_file(".prisma"), "ingest.prisma.read"),
    Reader("js-orm", is_js_file, "ingest.orm.js_projects"),
    Reader("liquibase", is_changelog_file, "ingest.orm.liquibase"),
    Reader("rails", is_rails_source, "ingest.orm.read_py"),
    Reader("django", is_django_source, "ingest.orm.read_py"),
    Reader("alembic", is_alembic_source, "ingest.orm.read_py"),
    Reader("sqlalchemy", is_sqlalchemy_source, "ingest.orm.read_py"),
    Reader("migrations", _any_path, "ingest.migrations.sets", options=("follow_symlinks",)),
)


def reader_for(source: str) -> Reader:
    """The first reader of :data:`READERS` whose ``matches`` accepts ``source``."""
    return next(r for r in READERS if r.matches(source))


def read_source(source: str, *, dialect: str | None = None, follow_symlinks: bool = False) -> Inventory:
    """Read one source (see the module docstring for the kinds) into an inventory; never raises
    for a bad source: what cannot be read becomes ``error`` diagnostics.

    ``dialect`` is the SQL dialect of ``.sql`` files (default: detected per file);
    ``follow_symlinks`` follows symbolic links out of a scanned folder (default: reported, not followed).
    At most :data:`~ingest.diagnostics.MAX_PER_FILE` diagnostics per file are kept, whatever the reader.
    A local folder or file read before with the same content and options comes from the reading
    cache (:mod:`ingest.read_cache`).
    """
    reader = reader_for(source)

    def read() -> Inventory:
        inv = reader.read(source, dialect=dialect, follow_symlinks=follow_symlinks)
        capped = tuple(cap_per_file(inv.diagnostics))
        return inv if capped == inv.diagnostics else replace(inv, diagnostics=capped)

    if reader.database or reader.name == "saved":
        return read()
    from ingest.read_cache import cached_read

    return cached_read(reader.name, source, dialect, follow_symlinks, read)


def is_dsn_source(source: str) -> bool:
    """True when ``source`` names a live database (a DSN) rather than a path, as :func:`read_source`
    decides.

    >>> [is_dsn_source(s) for s in ("mariadb://app@db/shop", "sqlite:///app.db", "db/migrations")]
    [True, True, False]
    >>> is_dsn_source("host=db dbname=shop")
    True
    """
    return reader_for(source).database


def server_source(source: str) -> str:
    """``source`` naming every database of its server (``--all-databases``); a source of a
    kind without that notion comes back as it is.

    >>> server_source("postgresql://app@db:5432/shop"), server_source("db/migrations")
    ('postgresql://app@db:5432/', 'db/migrations')
    """
    return reader_for(source).server_source(source)
