"""The scan document: fkmap's stable JSON machine contract (``format_version`` 1).

It is the ``json`` format (:func:`write_scan_json`): ``fkmap scan --format json``
and ``fkmap export --format json`` print :func:`scan_document`; CI jobs and other
tools read it. :func:`ingest.saved.load_document` reads a saved document back into an
:class:`~model.inventory.Inventory`, so a scan file is itself a source.

Format
------

A JSON object. Every list is sorted, so two scans of the same input give
identical text. Fields may be *added* within format version 1; none is
renamed or removed without raising `format_version`.

A *table reference* is `{"database": str, "schema": str, "name": str}`. For
migrations `database` is the migration folder relative to the scanned root
(`services/auth/migrations`); for catalogs it is the real database name.
A *location* is `{"path": str, "line": int}` (`line` is 1-based, 0 when the
place is a whole database) or `null` when unknown.

Top-level keys:

- `format_version` (int): `1` for this layout.
- `sources` (list): what was scanned, sorted by `kind` then `label`:
  `kind` (str) is `migrations`, `catalog` or `inventory`; `label` (str) is the
  path or the DSN without its password.
- `services` (list): sorted by `name` (str); `description` (str) comes from
  the config; `tables` (int) counts the defined, not dropped tables the
  service holds. Every service named by the config or by a table is listed.
- `tables` (list): every table, dropped and external ones included, sorted by
  reference (fields below).
- `foreign_keys` (list): every FK ever added, present and dropped, declared
  and inferred, sorted by table, name and `added_at` (fields below).
- `shared_access` (list): coupling without a foreign key -- a service other
  than a table's owner reads or writes it in its code -- sorted by table,
  service, access, path and line (fields below).
- `diagnostics` (list): problems met while reading, sorted by path, line,
  then severity (errors first) (fields below).
- `summary` (object): headline figures (below).

Each entry of `tables`:

- `database`, `schema`, `name` (str): the table's reference.
- `service` (str): the service that holds the table; `""` when no rule of the
  service map matched.
- `replica_of` (str): for a local copy of another service's entity, the
  service that owns the entity; else `""`.
- `external` (bool): referenced in this database but created by none of its
  statements.
- `resolved_to` (table reference or `null`): for an external table that another
  scanned database defines, that table.
- `provided_by` (str): for an external table that something outside the scan
  creates before the migrations referencing it run (`Django app auth`: an app
  the migrations declare a dependency on), what creates it; else `""`. Foreign
  keys into such a table do not fail on a fresh database.
- `defined_at` (location): the `CREATE TABLE`.
- `dropped_at` (location): the `DROP TABLE`; `null` while the table exists.
- `columns` (list): `{"name": str, "type": str, "nullable": bool}` in table
  order; `type` as written, lower-case.
- `primary_key` (list of str): primary-key columns in key order.
- `owner_evidence` (list): why the table has its service (and `replica_of`),
  decisive reason first: `{"kind": str, "service": str, "detail": str,
  "path": str, "line": int}`. `kind` is the rule that spoke (`config`,
  `schema`, `unit`, `library`, `code-write`, `entity-home`, `code-read`, `file-name`,
  `name-family`, `fk-neighbourhood`, `same-file`, `folder`, `database`, `replica-of`,
  `kept`); `service` the service it points at (`""` for a `[[replicas]]`
  entry that denies a copy); `detail` a sentence for people; `path`/`line`
  where it was read (a file of the repository, a line of `fkmap.toml`; `""`
  and `0` when there is no such place). An unowned table keeps the evidence
  that did not decide (two services reading it, say); `[]` when there was none.

Each entry of `foreign_keys`:

- `name` (str): the constraint name (PostgreSQL's default name when the DDL
  gave none).
- `table` (table reference): the dependent (referencing) table.
- `columns` (list of str): referencing columns, in key order.
- `referenced_table` (table reference): the referenced table as written, in
  the FK's own database.
- `resolved_table` (table reference or `null`): when `referenced_table` is
  external and another scanned database defines it, that table.
- `referenced_columns` (list of str): referenced columns, in key order.
- `on_delete`, `on_update` (str): `NO ACTION`, `RESTRICT`, `CASCADE`,
  `SET NULL` or `SET DEFAULT`.
- `on_delete_columns` (list of str): the column list of
  `ON DELETE SET NULL (...)` / `SET DEFAULT (...)`, else `[]`.
- `on_delete_enforced_by` (str): `database`, or `application` when the
  application's ORM carries out `on_delete` and the constraint has `NO ACTION`
  (Django's `on_delete=CASCADE`).
- `deferrable`, `initially_deferred` (bool): `DEFERRABLE`,
  `INITIALLY DEFERRED`.
- `validated` (bool): `false` for `NOT VALID` (existing rows never checked).
- `origin` (str): `declared` (a real constraint) or `inferred` (from column
  naming, `--infer`).
- `service` (str): the service of the dependent table.
- `referenced_service` (str): the owner of the referenced (resolved) table:
  its `replica_of`, else its `service`.
- `cross_service` (bool): `service` and `referenced_service` are both known
  and differ.
- `fresh_db_failure` (bool): a declared FK whose statement fails when its own
  database's migrations are replayed on an empty server: a table the
  statement names is created only later (a forward reference), or never
  (the referenced table, or the table the FK is added to); every FK of such a
  statement has it. A `forward-reference` or `unknown-table` diagnostic names
  the table.
- `state` (str): `present`, or `dropped` once a later migration dropped it.
  An FK counts as present from the statement that declares it until a later
  statement drops it (or its table, column or referenced key), also when
  that statement fails on an empty server (then `fresh_db_failure` is true).
- `added_at` (location): the statement that added the FK.
- `dropped_at` (location): the statement that dropped it; `null` while present.

Each entry of `shared_access`:

- `table` (table reference): the table used.
- `owner` (str): the service that owns it.
- `service` (str): the other service, whose code uses it.
- `access` (str): `read` or `write`.
- `path` (str), `line` (int): the first place in that service's code doing so.

Each entry of `diagnostics`:

- `path` (str), `line` (int, 0 when unknown): where.
- `severity` (str): `error`, `warning` or `info`.
- `code` (str): a stable slug such as `parse-error`, `unknown-table`,
  `unsupported`, `config`, `connect`, `source-failed`.
- `message` (str): what is wrong and how to fix it.
- `excerpt` (str): a short single-line piece of the input; may be `""`.

`summary` (all present FKs unless said otherwise):

- `services` (int): services known to the scan.
- `tables` (int): defined, not dropped tables.
- `foreign_keys` (int): present declared FKs (inferred references are counted
  apart, in `inferred_references`).
- `cross_service_fks` (int): present declared cross-service FKs (real
  constraints; inferred references are counted apart).
- `inferred_references` (int): present cross-service references inferred
  from column names (`--infer`): no constraint to drop, so never in the
  other cross-service figures.
- `services_coupled` (int): services at either end of a present declared
  cross-service FK.
- `service_dependencies` (int): dependent -> owner service pairs of those FKs.
- `cross_service_cascades` (int): present declared cross-service
  `ON DELETE CASCADE` FKs.
- `fresh_db_failures` (int): present FKs with `fresh_db_failure`.
- `service_cycles` (int): groups of services that depend on each other.
- `cross_service_dropped` (int): declared cross-service FKs dropped so far.
- `share_remediated` (number or `null`): `cross_service_dropped /
  (cross_service_fks + cross_service_dropped)`, rounded to 4 places; `null`
  when there never was a cross-service FK.
- `unowned_tables` (int): defined or external, not dropped tables that no
  service owns (an external table resolved to another database's table is
  that table, not one more).
- `fks_into_unowned` (int): present FKs whose referenced (resolved) table no
  service owns: whether they cross services is unknown until those tables
  get an owner (`fkmap init`).
- `shared_tables` (int): tables that a service other than their owner reads
  or writes (the distinct tables of `shared_access`).
- `diagnostics` (object): `{"error": int, "warning": int, "info": int}`.

Examples
--------
>>> from model.inventory import ForeignKey, Inventory, Table, TableRef
>>> p, u = TableRef("db", "public", "posts"), TableRef("db", "public", "users")
>>> inv = Inventory(
...     tables=(Table(p, service="content"), Table(u, service="auth")),
...     foreign_keys=(ForeignKey("posts_user_id_fkey", p, ("user_id",), u, ("id",)),),
... )
>>> doc = scan_document(inv)
>>> doc["foreign_keys"][0]["cross_service"], doc["summary"]["cross_service_fks"]
(True, 1)
>>> from ingest.saved import load_document
>>> load_document(doc).foreign_keys == inv.foreign_keys
True
"""

from __future__ import annotations

import io
from collections import Counter
from typing import TYPE_CHECKING, Any, TextIO

import msgspec

from exports._common import whole_scan
from exports.json_text import Entries, materialize, write_json
from graph.build import table_edges
from graph.figures import headline_figures
from graph.scope import Scope
from ingest.saved import FORMAT_VERSION
from model.inventory import (
    Diagnostic,
    ForeignKey,
    Inventory,
    SharedAccess,
    Table,
    TableRef,
)
from ownership.summary import unowned_summary

if TYPE_CHECKING:  # networkx is imported where a graph is built or walked
    import networkx as nx

__all__ = ["render_json", "scan_document", "write_scan_json"]

_SEVERITY = {"error": 0, "warning": 1, "info": 2}


def _ref(ref: TableRef | None) -> dict[str, str] | None:
    return None if ref is None else {"database": ref.database, "schema": ref.schema, "name": ref.name}


def _table_order(t: Table) -> tuple[str, str, str]:
    return (t.ref.database, t.ref.schema, t.ref.name)


def _fk_order(item: tuple[ForeignKey, TableRef, dict[str, Any]]) -> tuple[Any, ...]:
    """An FK's place in the document: table, name, where it was added (none first), then its key.

    The refs are compared field by field, as their dataclass order does, without building tuples per
    comparison."""
    fk = item[0]
    t, at = fk.table, fk.added_at
    where = (0, "", 0) if at is None else (1, at.path, at.line)
    return (t.database, t.schema, t.name, fk.name, *where, fk.key)


def _table(t: Table) -> dict[str, Any]:
    """A table's entry. Its references, locations, columns and evidence are the model's dataclasses:
    msgspec writes a dataclass as the object of its fields in order, which is their layout here
    (:func:`scan_document` turns them into dicts)."""
    ref = t.ref
    return {
        "database": ref.database,
        "schema": ref.schema,
        "name": ref.name,
        "service": t.service,
        "replica_of": t.replica_of,
        "external": t.external,
        "resolved_to": t.resolved_to,
        "provided_by": t.provided_by,
        "defined_at": t.defined_at,
        "dropped_at": t.dropped_at,
        "columns": list(t.columns),
        "primary_key": list(t.primary_key),
        "owner_evidence": list(t.owner_evidence),
    }


def _access_key(a: SharedAccess) -> tuple[Any, ...]:
    return (a.table, a.service, a.access, a.path, a.line, a.owner)


def _shared_access(a: SharedAccess) -> dict[str, Any]:
    return {
        "table": _ref(a.table),
        "owner": a.owner,
        "service": a.service,
        "access": a.access,
        "path": a.path,
        "line": a.line,
    }


def _foreign_key(fk: ForeignKey, target: TableRef, data: dict[str, Any]) -> dict[str, Any]:
    """A key's entry; its references and locations are the model's dataclasses, as in :func:`_table`."""
    return {
        "name": fk.name,
        "table": fk.table,
        "columns": list(fk.columns),
        "referenced_table": fk.ref_table,
        "resolved_table": target if target != fk.ref_table else None,
        "referenced_columns": list(fk.ref_columns),
        "on_delete": fk.on_delete,
        "on_update": fk.on_update,
        "on_delete_columns": list(fk.on_delete_columns),
        "on_delete_enforced_by": fk.on_delete_enforced_by,
        "deferrable": fk.deferrable,
        "initially_deferred": fk.initially_deferred,
        "validated": fk.validated,
        "origin": fk.origin,
        "service": data["service"],
        "referenced_service": data["ref_service"],
        "cross_service": data["cross_service"],
        "fresh_db_failure": data["fresh_db_failure"],
        "state": fk.state,
        "added_at": fk.added_at,
        "dropped_at": fk.dropped_at,
    }


def _diagnostic_key(d: Diagnostic) -> tuple[Any, ...]:
    return (d.path, d.line, _SEVERITY.get(d.severity, 3), d.code, d.message, d.excerpt)


def scan_document(inv: Inventory) -> dict[str, Any]:
    """The JSON-ready scan document of an inventory (see the module docstring).

    Parameters
    ----------
    inv : Inventory
        A scan with services assigned (it is not modified).

    Returns
    -------
    dict
        Plain lists, dicts, strings, numbers, booleans and ``None``; dump it
        with :func:`json.dumps`.
    """
    return msgspec.to_builtins(materialize(_document(inv)))  # type: ignore[no-any-return]


def _document(inv: Inventory) -> dict[str, Any]:
    """:func:`scan_document` with its tables and foreign keys as :class:`~exports.json_text.Entries`."""
    found = table_edges(inv, include_dropped=True)
    fks = [(data["fk"], v, data) for _, v, data in found.edges]
    fks.sort(key=_fk_order)
    services = {s.name: s.description for s in inv.services}
    for t in inv.tables:
        for name in (t.service, t.replica_of):
            if name:
                services.setdefault(name, "")
    counts = Counter(t.service for t in inv.tables if not t.external and t.dropped_at is None)
    severities = Counter(d.severity for d in inv.diagnostics)
    unowned, into_unowned = unowned_summary(inv)
    return {
        "format_version": FORMAT_VERSION,
        "sources": [
            {"kind": s.kind, "label": s.label}
            for s in sorted(set(inv.sources), key=lambda s: (s.kind, s.label))
        ],
        "services": [
            {"name": name, "description": services[name], "tables": counts[name]} for name in sorted(services)
        ],
        "tables": Entries(sorted(inv.tables, key=_table_order), _table),
        "foreign_keys": Entries(fks, lambda item: _foreign_key(*item)),
        "shared_access": [_shared_access(a) for a in sorted(set(inv.shared_access), key=_access_key)],
        "diagnostics": [
            {
                "path": d.path,
                "line": d.line,
                "severity": d.severity,
                "code": d.code,
                "message": d.message,
                "excerpt": d.excerpt,
            }
            for d in sorted(inv.diagnostics, key=_diagnostic_key)
        ],
        "summary": {
            **headline_figures(found),
            "unowned_tables": unowned,
            "fks_into_unowned": into_unowned,
            "shared_tables": len({a.table for a in inv.shared_access}),
            "diagnostics": {k: severities[k] for k in ("error", "warning", "info")},
        },
    }


def render_json(inv: Inventory) -> str:
    """:func:`scan_document` as indented JSON text ending in a newline: ``json.dumps(doc, indent=2,
    ensure_ascii=False)``, byte for byte (:mod:`exports.json_text`)."""
    out = io.StringIO()
    write_json(_document(inv), out, end="\n")
    return out.getvalue()


def write_scan_json(
    source: Inventory | nx.MultiDiGraph, stream: TextIO, *, scope: Scope | None = None
) -> None:
    """Write :func:`render_json` of a scan, a table or key at a time; ``scope`` must select nothing
    (the document covers it all)."""
    write_json(_document(whole_scan(source, scope, "json")), stream, end="\n")


# -- reading a saved document back ---------------------------------------------------------------
