"""One JavaScript/TypeScript project's schema: its migrations replayed, then its models.

A *project* (:mod:`ingest.orm.js_projects` finds them) is one logical database. Its migration
files -- files whose ``up`` function makes schema calls -- are replayed in file-name order (the
order of :func:`ingest.migrations.files.order_key`: ``20240101120000-create-user.js``, TypeORM's
``1700000000000-Init.ts``) by the same :class:`~ingest.migrations.replay.Replayer` as SQL
migrations, so drops, renames and default constraint names behave alike. Then the Sequelize
models and TypeORM entities of every other file (:mod:`ingest.orm.js_models`): a model adds its
table and keys unless migrations create that table -- the project's own, or SQL migrations of the
scan (in the project's folder, else the only set that creates a table of that name): they carry the
history, and the model maps onto their table.

Every file that gave something is one :class:`~model.inventory.Migration` (migrations first, in
replay order, then the model files that added a table or key, by path), so the service map sees
the project's folder. A project with no migration file that adds no table adds nothing.

Migration folders kept once per engine (TypeORM's ``migrations/mysql`` beside
``migrations/sqlite``; Wiki.js's ``db/migrations`` beside ``db/migrations-sqlite``) are
alternatives, as for SQL sets: one is replayed -- the engine of ``--dialect``, else of the
project's configured dialect, else by the same preference
(:func:`ingest.migrations.alternatives.engine_folders`) -- and one ``engine-choice`` info says
which.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from tree_sitter import Node

from ingest.migrations.alternatives import engine_folders
from ingest.migrations.files import order_key, parse_name
from ingest.migrations.ops import Op
from ingest.migrations.replay import Replayer
from ingest.orm import sequelize, typeorm
from ingest.orm.common_js import JsFile, up_bodies
from ingest.orm.js_migrations import migration_ops
from ingest.orm.js_models import ModelDef, ModelIndex, model_ops
from model.inventory import Diagnostic, Inventory, Migration, Source

__all__ = ["replay_project"]


def _syntax(f: JsFile) -> list[Diagnostic]:
    if not f.root.has_error:
        return []
    node = f.root
    while not (node.is_error or node.is_missing):
        child = next((c for c in node.children if c.has_error or c.is_missing), None)
        if child is None:
            break
        node = child
    message = "syntax error; declarations around it may be missed"
    return [Diagnostic("warning", message, f.rel, node.start_point.row + 1, code="parse-error")]


_HOW = (
    "--dialect or [scan] dialect, else the dialect the project's configuration states "
    "(Knex client, TypeORM type), chooses another engine"
)


def _one_engine(files: list[JsFile], dialect: str | None) -> tuple[set[str], list[Diagnostic]]:
    """The migration files (``rel``) of per-engine folders that are not replayed, and a note per choice."""
    folders = {str(p) for f in files for p in PurePosixPath(f.rel).parents}
    skipped: set[str] = set()
    notes: list[Diagnostic] = []
    for group in engine_folders(folders, dialect):
        others = group.others
        if not others:
            continue
        skipped.update(f.rel for f in files if any(f.rel.startswith(o + "/") for o in others))
        notes.append(group.note(group.name, _HOW))
    return skipped, notes


def _steps(ups: list[JsFile], dialect: str | None) -> list[tuple[JsFile, list[Op], list[Diagnostic]]]:
    """The migration files that give something (or are named as migrations), in replay order."""
    steps = []
    for f in ups:
        ops, diags = migration_ops(f, dialect)
        if ops or diags or parse_name(PurePosixPath(f.rel).name)[0]:
            steps.append((f, ops, diags))
    steps.sort(key=lambda s: (order_key(PurePosixPath(s[0].rel).name), s[0].rel))
    return steps


def _migration(rel: str, label: str, ordinal: int) -> Migration:
    name = PurePosixPath(rel).name
    version, title, timestamp = parse_name(name.rsplit(".", 1)[0])
    return Migration(rel, label, ordinal, 0, version, title, timestamp)


def _models(files: list[JsFile], snake: bool) -> ModelIndex:
    """Every model of the project's files (associations and join tables applied)."""
    defaults: dict[str, Node] = {}
    for f in files:
        defaults.update(sequelize.define_defaults(f))
    models: list[ModelDef] = []
    assocs: list[sequelize.Assoc] = []
    entities: list[ModelDef] = []
    junctions: list[typeorm.Junction] = []
    for f in files:
        found, stated = sequelize.read_models(f, defaults)
        models += found
        assocs += stated
        more, joins = typeorm.read_entities(f, snake)
        entities += more
        junctions += joins
    models += sequelize.associate(models, assocs)
    models += typeorm.inherit(entities)
    index = ModelIndex(models)
    joined = typeorm.join_tables(index, junctions)
    if joined:
        index = ModelIndex([*models, *joined])
    return index


Keys = dict[str, set[tuple[tuple[str, ...], str]]]


def replay_project(
    label: str,
    files: list[JsFile],
    dialect: str | None,
    snake: bool = False,
    elsewhere: Keys | None = None,
    engine: str | None = None,
) -> Inventory:
    """The tables, keys, migrations and diagnostics of one project (empty when it declares nothing).

    ``elsewhere`` maps the tables SQL migrations of the scan create for this project (by name, to
    their keys: ``(columns, referenced table)``): a model of such a table adds nothing either.
    ``engine`` (the configured dialect) chooses among per-engine folders before ``dialect``."""
    r = Replayer(label)
    kind = dialect or "postgres"
    migrations: list[Migration] = []
    ups = [f for f in files if up_bodies(f)]
    skipped, engine_notes = _one_engine(ups, engine or dialect)
    for d in engine_notes:
        r.add_diagnostic(d)
    steps = _steps([f for f in ups if f.rel not in skipped], dialect)
    has_up = {f.rel for f in ups}
    others = [f for f in files if f.rel not in has_up]
    for f, ops, diags in steps:
        r.begin_file(f.rel, dialect=kind)
        for d in [*_syntax(f), *diags]:
            r.add_diagnostic(d)
        for op in ops:
            r.apply(op)
        migrations.append(_migration(f.rel, label, len(migrations)))
    created: Keys = dict(elsewhere or {})
    for (schema, name), t in r.live.items():
        if not t.external:
            keys = {(k.columns, k.ref.name) for k in t.fks.values() if k.dropped_at is None}
            created[name] = created[f"{schema}.{name}"] = keys
    index = _models(others, snake)
    ops_of_models, notes = model_ops(index, created)
    model_files = {path for path, _ in ops_of_models}
    for path, op in ops_of_models:
        r.begin_file(path, dialect=kind)
        r.apply(op)
    for d in notes:
        r.add_diagnostic(d)
    for f in others:
        if f.rel in model_files:
            for d in _syntax(f):
                r.add_diagnostic(d)
            migrations.append(_migration(f.rel, label, len(migrations)))
    tables, fks, diagnostics = r.result()
    if not steps and not tables:
        return Inventory()
    return Inventory(
        tables=tables,
        foreign_keys=fks,
        diagnostics=diagnostics,
        migrations=tuple(migrations),
        sources=(Source("migrations", label),),
    )
