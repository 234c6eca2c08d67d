"""Prisma schemas as models and tables: what :mod:`ingest.prisma.read` turns into an inventory.

:func:`discover_schemas` finds every directory holding ``.prisma`` files (hidden
directories and ``node_modules`` skipped) and :func:`read_schema` reads one such
directory as one schema: its datasource ``provider`` and ``relationMode``, enum,
view and composite type names, and one :class:`Model` per ``model`` block with
its table (``@@map``), schema (``@@schema``, else ``public`` for PostgreSQL and
CockroachDB, ``''`` for the other providers), columns (scalar and enum fields,
``@map``) and primary key (``@id``/``@@id``). A schema without a datasource block
is read as PostgreSQL (``info`` diagnostic, code ``prisma-provider``).

>>> s = read_schema("db", [])
>>> s.label, s.models
('db', {})
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ingest.migrations.layout import SKIP_DIRS
from ingest.prisma.nodes import Block, Ident, PrismaField, Value
from ingest.prisma.parse import parse_text
from model.inventory import Diagnostic, Severity

__all__ = [
    "Model",
    "PrismaSchema",
    "column_type",
    "diag",
    "discover_schemas",
    "names_of",
    "pk_type",
    "read_schema",
    "relation_has_fields",
    "relation_name",
    "text_of",
]

_DEFAULT_SCHEMA = {"postgresql": "public", "postgres": "public", "cockroachdb": "public"}
_PG_TYPES = {
    "String": "text",
    "Boolean": "boolean",
    "Int": "integer",
    "BigInt": "bigint",
    "Float": "double precision",
    "Decimal": "decimal(65,30)",
    "DateTime": "timestamp(3)",
    "Json": "jsonb",
    "Bytes": "bytea",
}
_TYPES = {
    "mysql": {
        **_PG_TYPES,
        "String": "varchar(191)",
        "Boolean": "tinyint(1)",
        "Int": "int",
        "Float": "double",
        "DateTime": "datetime(3)",
        "Json": "json",
        "Bytes": "longblob",
    },
    "sqlite": {**_PG_TYPES, "Float": "real", "Decimal": "decimal", "DateTime": "datetime", "Bytes": "blob"},
}


@dataclass(frozen=True)
class Model:
    """A model as a table: ``columns`` maps field names to column names (scalar fields only)."""

    name: str
    table: str
    schema: str
    block: Block
    columns: dict[str, str] = field(hash=False, compare=False)
    primary_key: tuple[str, ...] = ()


@dataclass
class PrismaSchema:
    """Every ``.prisma`` file of one directory."""

    label: str
    files: tuple[str, ...]
    provider: str = ""
    relation_mode: str = ""
    models: dict[str, Model] = field(default_factory=dict)
    enums: set[str] = field(default_factory=set)
    others: set[str] = field(default_factory=set)  # views and composite types
    diagnostics: list[Diagnostic] = field(default_factory=list)


def text_of(value: Value | None) -> str:
    if isinstance(value, str):
        return value
    return value.name if isinstance(value, Ident) else ""


def names_of(value: Value | None) -> list[str]:
    if isinstance(value, tuple):
        return [text_of(v) for v in value]
    return [text_of(value)] if value is not None else []


def column_type(f: PrismaField, provider: str) -> str:
    native = next((a for a in f.attributes if a.name.startswith("db.")), None)
    if f.unsupported:
        base = f.unsupported
    elif native is not None:
        kind = native.name[3:]
        base = "double precision" if kind == "DoublePrecision" else kind.lower()
        if native.args:
            base += "(" + ",".join(text_of(v) for _, v in native.args) + ")"
    else:
        base = _TYPES.get(provider, _PG_TYPES).get(f.type, f.type)
    return base + ("[]" if f.is_list else "")


def diag(severity: Severity, message: str, path: str, line: int, code: str) -> Diagnostic:
    """A diagnostic without excerpt (shorthand)."""
    return Diagnostic(severity, message, path, line, code=code)


def read_schema(label: str, files: list[tuple[str, str]]) -> PrismaSchema:
    """Read the ``.prisma`` files ``[(path to open, path to show), ...]`` of one schema. Never raises."""
    schema = PrismaSchema(label, tuple(rel for _, rel in files))
    blocks: list[Block] = []
    for path, rel in files:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            schema.diagnostics.append(
                diag("error", f"cannot read: {exc.strerror or exc}", rel, 0, "io-error")
            )
            continue
        text = data.decode("utf-8", errors="replace")
        if "\ufffd" in text and b"\xef\xbf\xbd" not in data:
            schema.diagnostics.append(
                diag("warning", "not valid UTF-8; bad bytes replaced", rel, 0, "encoding")
            )
        parsed = parse_text(text, rel)
        schema.diagnostics.extend(parsed.diagnostics)
        blocks.extend(parsed.blocks)
    if blocks and not any(b.kind == "datasource" for b in blocks):
        message = 'no datasource block; assuming provider "postgresql" (schema public)'
        schema.diagnostics.append(diag("info", message, schema.files[0], 0, "prisma-provider"))
        schema.provider = "postgresql"
    for b in blocks:
        if b.kind == "datasource" and not schema.provider:
            schema.provider = text_of(b.setting("provider")).lower()
            schema.relation_mode = text_of(b.setting("relationMode") or b.setting("referentialIntegrity"))
        elif b.kind == "enum":
            schema.enums.add(b.name)
        elif b.kind in ("view", "type"):
            schema.others.add(b.name)
    names = {b.name for b in blocks if b.kind == "model"}
    for b in blocks:
        if b.kind != "model":
            continue
        if b.name in schema.models:
            first = schema.models[b.name].block
            message = f"model {b.name} is defined again (first at {first.path}:{first.line}); ignored"
            schema.diagnostics.append(diag("error", message, b.path, b.line, "parse-error"))
            continue
        schema.models[b.name] = _model(b, schema, names)
    return schema


def _mapped(attributes: Block | PrismaField) -> str:
    """The ``@map``/``@@map`` name, or ``''``."""
    found = attributes.attribute("map")
    return text_of(found.first()) if found is not None else ""


def _model(b: Block, schema: PrismaSchema, models: set[str]) -> Model:
    columns = {
        f.name: _mapped(f) or f.name for f in b.fields if f.type not in models and f.type not in schema.others
    }
    pk = tuple(columns[f.name] for f in b.fields if f.attribute("id") is not None and f.name in columns)
    block_id = b.attribute("id")
    if block_id is not None:
        pk = tuple(columns.get(n, n) for n in names_of(block_id.arg("fields", 0)))
    where = b.attribute("schema")
    db_schema = text_of(where.first()) if where is not None else _DEFAULT_SCHEMA.get(schema.provider, "")
    return Model(b.name, _mapped(b) or b.name, db_schema, b, columns, pk)


def _schema_label(root: str, directory: str) -> str:
    rel = PurePosixPath(Path(os.path.relpath(directory, root))).as_posix()
    return (os.path.basename(root) or ".") if rel == "." else rel


def discover_schemas(root: str | Path) -> list[PrismaSchema]:
    """Every Prisma schema under ``root`` (a directory), sorted by label. Never raises."""
    top = os.path.abspath(os.fspath(root))
    found: list[PrismaSchema] = []
    for directory, dirs, files in os.walk(top, onerror=lambda _: None):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS)
        names = sorted(f for f in files if f.lower().endswith(".prisma") and not f.startswith("."))
        if names:
            paths = [os.path.join(directory, n) for n in names]
            label = _schema_label(top, directory)
            found.append(read_schema(label, [(p, _schema_label(top, p)) for p in paths]))
    return sorted(found, key=lambda s: s.label)


def pk_type(m: Model, provider: str) -> str:
    f = next(f for f in m.block.fields if m.columns.get(f.name) == m.primary_key[0])
    return column_type(f, provider)


def relation_name(f: PrismaField) -> str:
    rel = f.attribute("relation")
    return text_of(rel.arg("name", 0)) if rel is not None else ""


def relation_has_fields(f: PrismaField) -> bool:
    rel = f.attribute("relation")
    return rel is not None and rel.arg("fields") is not None
