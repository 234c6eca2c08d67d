"""Migration folders -> one raw :class:`~model.inventory.Inventory`.

:func:`ingest_path` discovers the migration sets under a path
(:mod:`ingest.migrations.layout`), replays each set into its own logical database — the
set's label (``services/auth/migrations``, or a single file's name) is
``TableRef.database`` — and returns tables, foreign keys with their history,
one :class:`~model.inventory.Migration` per replayed file and every diagnostic.
Services are not assigned here. :func:`read`, the reader of every source no other reader
takes (:mod:`ingest.registry`), adds the Prisma schemas of a folder
(:func:`ingest.prisma.read.add_prisma`: tables from migrations win over a schema's; a
hand-written migration set beside a schema starts from the schema's tables,
:func:`ingest.prisma.read.prisma_seeds`), then the schemas declared in code: Sequelize, TypeORM,
Knex and Liquibase (:func:`ingest.orm.code_schemas.add_code_schemas`), Rails, Django, SQLAlchemy
and Alembic (:func:`ingest.orm.scan_py.add_orm_py`).

Each file is read in its dialect (:mod:`ingest.migrations.parse`: the ``dialect`` argument,
else detected from the text) into :mod:`ingest.migrations.ops` that
:mod:`ingest.migrations.replay` applies. Nothing raises: unexpected failures become
``internal`` diagnostics.

Large scans use both a parse cache (:mod:`ingest.migrations.cache`: a re-scan of an unchanged
tree parses and replays nothing) and every core (:mod:`ingest.migrations.parallel`: files are
parsed by a process pool, replayed here in order); :mod:`ingest.migrations.pipeline` drives
them. The result is the same either way.

Examples
--------
>>> inv = ingest_text("CREATE TABLE users (id int PRIMARY KEY);\\n"
...                   "CREATE TABLE posts (id int, user_id int REFERENCES users);", path="001.sql")
>>> [(fk.name, str(fk.table), fk.ref_columns, str(fk.added_at)) for fk in inv.foreign_keys]
[('posts_user_id_fkey', 'inline:public.posts', ('id',), '001.sql:2')]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ingest.gc_pause import gc_paused
from ingest.migrations.layout import MigrationSet, discover
from ingest.migrations.parse import normalize_dialect, parse_file
from ingest.migrations.pipeline import Seeder, replay_parsed, replay_sets
from ingest.migrations.replay import Replayer
from model.inventory import Diagnostic, Inventory, Migration, Source
from model.timings import stage

__all__ = ["ingest_path", "ingest_text", "read"]


def ingest_path(
    path: str | Path,
    *,
    dialect: str | None = None,
    cache: bool | None = None,
    workers: int | None = None,
    follow_symlinks: bool = False,
    seeds: Callable[[Sequence[MigrationSet]], dict[str, Seeder]] | None = None,
) -> Inventory:
    """Replay every migration set under ``path`` (a directory or one ``.sql`` file).

    ``dialect`` is the dialect of files that do not say theirs, and the engine replayed where
    scripts are kept once per engine (default: detected per file; PostgreSQL's scripts).
    ``follow_symlinks`` follows symbolic links out of ``path`` (:mod:`ingest.migrations.walk`).
    ``seeds`` gives, for the sets found, the seeders of those that start from known tables.

    ``cache`` forces the parse cache (:mod:`ingest.migrations.cache`) on or off; by default it is
    used for large scans unless ``FKMAP_CACHE=0``. ``workers`` sets the number of parsing
    processes (:mod:`ingest.migrations.parallel`; 1 = parse in this process, N > 1 also cuts a large
    PostgreSQL file into parts); by default one per CPU for scans of many large files.
    Neither changes the result (:mod:`ingest.migrations.pipeline`).
    """
    source = Source("migrations", str(path))
    with gc_paused():
        try:
            return _ingest_path(path, dialect, source, cache, workers, follow_symlinks, seeds)
        except Exception as exc:
            message = f"internal error reading migrations: {type(exc).__name__}: {exc}"
            return Inventory(
                diagnostics=(Diagnostic("error", message, str(path), code="internal"),), sources=(source,)
            )


def _ingest_path(
    path: str | Path,
    dialect: str | None,
    source: Source,
    cache: bool | None,
    workers: int | None,
    follow_symlinks: bool,
    seeds: Callable[[Sequence[MigrationSet]], dict[str, Seeder]] | None,
) -> Inventory:
    diagnostics: list[Diagnostic] = []
    if dialect is not None:
        dialect, problem = normalize_dialect(dialect)
        if problem:
            diagnostics.append(
                Diagnostic("error", problem + "; detecting per file instead", str(path), code="config")
            )
    sets, layout_diags = discover(path, dialect=dialect, follow_symlinks=follow_symlinks)
    diagnostics += layout_diags
    seeders = seeds(sets) if seeds is not None else None
    tables, fks, set_diags, migrations = replay_sets(
        path, sets, dialect, cache=cache, workers=workers, seeds=seeders
    )
    # No global sort: each set's tables and FKs come sorted (Replayer.result, by the set's own
    # replay order, which is the global one restricted to the set) and sets come in label order,
    # which is the order of TableRef.database; so the concatenation is in the documented order:
    # tables by (database, schema, name), FKs by fk_sort_key over the global file order.
    return Inventory(
        tables=tuple(tables),
        foreign_keys=tuple(fks),
        diagnostics=(*diagnostics, *set_diags),
        migrations=tuple(migrations),
        sources=(source,),
    )


def ingest_text(
    text: str, *, path: str = "inline.sql", database: str = "inline", dialect: str | None = None
) -> Inventory:
    """Replay one script as a migration set of one file (handy in tests and notebooks)."""
    with gc_paused():
        r = Replayer(database)
        name, problem = normalize_dialect(dialect) if dialect else (None, "")
        if problem:
            r.add_diagnostic(
                Diagnostic("error", problem + "; detected from the text instead", path, code="config")
            )
        replay_parsed(r, path, parse_file(text, path, name))
        tables, fks, diags = r.result()
    return Inventory(
        tables=tables,
        foreign_keys=fks,
        diagnostics=diags,
        migrations=(Migration(path, database, 0, 0),),
        sources=(Source("migrations", path),),
    )


def read(source: str, *, dialect: str | None = None, follow_symlinks: bool = False) -> Inventory:
    """The reader of migration folders and ``.sql`` files (:mod:`ingest.registry`): :func:`ingest_path`,
    plus the Prisma schemas and the schemas declared in code (Sequelize, TypeORM, Knex, Liquibase,
    Rails, Django, SQLAlchemy, Alembic) of a folder."""
    path = Path(source)
    if not path.is_dir():
        return ingest_path(path, dialect=dialect, follow_symlinks=follow_symlinks)
    # the readers of schemas in code and Prisma: only for a folder (a dump needs none of them)
    from ingest.orm.code_schemas import add_code_schemas
    from ingest.orm.scan_py import add_orm_py
    from ingest.prisma.read import add_prisma, discover_schemas, prisma_seeds

    with stage("orm"):
        schemas = discover_schemas(path)
        seeds = prisma_seeds(schemas) if schemas else None
    inv = ingest_path(path, dialect=dialect, follow_symlinks=follow_symlinks, seeds=seeds)
    engine = normalize_dialect(dialect)[0] if dialect else None
    with stage("orm"):
        return add_orm_py(
            add_code_schemas(add_prisma(inv, path, schemas), path, follow_symlinks, engine), path
        )
