"""The service map: which service holds each table, and whose data it is.

:func:`assign_services` returns a copy of the inventory with ``Table.service``,
``Table.replica_of`` and ``Inventory.services`` filled in. Run it last, after
:func:`ownership.resolve.merge` and :func:`ownership.resolve.resolve_external`.

How a table gets its service
----------------------------
Rules are tried in this order; the first that gives a service wins.

0. **ignore_tables** -- tables matching a ``[scan] ignore_tables`` glob are
   removed, with every foreign key into or out of them (one ``info``
   diagnostic, code ``ignored``, gives the counts). The default list holds
   migration tools' bookkeeping tables (``schema_migrations``,
   ``flyway_schema_history``, ``_prisma_migrations``...); setting the key
   replaces it (``ignore_tables = []`` keeps everything).
   An external table that :func:`~ownership.resolve.resolve_external` resolves to a
   table of another scanned database is an alias of it: it takes that table's
   service and ``replica_of``, and no rule below applies to it. (Resolution is
   re-run here with the config: when several databases define the table, the
   copies declared in ``[[replicas]]`` give way to the original.)
1. **replicas** -- the first ``[[replicas]]`` entry whose ``table`` glob
   matches sets ``replica_of = owner`` (the table holds a copy of the owner's
   entity, so foreign keys into it are coupling to the owner). It does not
   decide the table's own service: that comes from the rules below.
2. **tables** -- the ``tables`` globs of the ``[services.*]`` tables, services
   in file order: the first service with a matching glob wins.
3. **paths** -- the ``paths`` globs, matched against the file that created the
   table, first service wins. ``*`` stays within a folder, ``**`` crosses
   folders, a pattern without ``/`` matches a file name at any depth, and a
   folder pattern covers everything below it (``services/auth``).
4. **schemas, then databases** -- ``schemas`` globs against the table's schema,
   then ``databases`` globs against its database (the migration set's folder,
   or the real database name of a catalog); in each, the first service wins.
   A schema is the finer grain, so it wins over a database.
5. **map_by default** (``[scan] map_by``):

   * ``path`` (default) -- the service is read from the migration set's folder
     (:mod:`ownership.naming`):
     ``services/<name>/...`` (also ``apps/``, ``packages/``, ``svc/``),
     ``<name>-service``, ``<name>_service``, ``<name>-svc``, ``<name>-db``,
     or else the innermost folder that is not a generic name (``migrations``,
     ``migrate``, ``db``, ``database``, ``sql``, ``schema``, ``prisma``,
     ``src``, ``deploy``, ``backend``, ``server``, ``resources``, ``main``,
     ``priv``, ``repo``, ``structure``, ``legacy``, ``shared``, ``common``,
     version folders like ``v2``...), so ``billing/migrations`` is
     ``billing``. A shared folder that names no service (``db/migrations``,
     ``legacy/migrations``, the root) takes the service from the name of the
     migration file that created the table, when a whole word of it (words
     split on ``_ - .``) names a known service -- one declared in fkmap.toml
     or read from another set's folder -- in singular or plural:
     ``018_messaging_schema.sql`` -> ``messaging``; the leftmost match wins.
     Tables read from a live catalog use the ``database`` default instead.
   * ``database`` -- ``database_pattern`` on the database name
     (default ``^(?P<service>.+?)(_db|_database)?$``: ``billing_db`` -> ``billing``).
   * ``schema`` -- ``schema_pattern`` on the schema name.

   For a pattern the service is its ``service`` group, else its first group,
   else the whole match.
6. **nothing matched** -- the table keeps the service it already had (an
   inventory loaded from JSON), or stays ``""`` and yields one ``unowned``
   warning naming it and the file and line that created it. It is never dropped.

An external table that no scanned database defines skips the rules that look
at where a table is defined (``paths``, ``databases`` and the ``path`` and
``database`` defaults): the folder that references it says nothing of its
owner. ``tables``, ``schemas`` and ``map_by = "schema"`` still apply, so
``tables = ["users"]`` under ``[services.auth]`` claims it; otherwise its
``unowned`` warning points at its first reference.

Examples
--------
>>> from model.inventory import Inventory, Location, Migration, Table, TableRef
>>> t = Table(TableRef("services/auth/migrations", "public", "users"),
...           defined_at=Location("services/auth/migrations/001_init.sql", 1))
>>> m = Migration("services/auth/migrations/001_init.sql", "services/auth/migrations", 0, 0)
>>> inv = assign_services(Inventory(tables=(t,), migrations=(m,)), Config())
>>> inv.tables[0].service, [s.name for s in inv.services]
('auth', ['auth'])
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from typing import Any

from model.inventory import Diagnostic, Inventory, Location, Service, Table, TableRef
from ownership.config import Config
from ownership.naming import FileNameServices, path_matches, service_from_path, service_from_pattern
from ownership.patterns import matches_table
from ownership.resolve import resolve_external

__all__ = ["Assignment", "assign_services", "explain_services"]

_OWN_CODES = ("unowned",)  # recomputed on every run; "ignored" notes stay (the tables are gone)


@dataclass(frozen=True)
class Assignment:
    """Why a table got its service: ``rule`` is a short human-readable reason."""

    service: str
    replica_of: str
    rule: str


class _Assigner:
    def __init__(self, inv: Inventory, config: Config) -> None:
        self.config = config
        self.diagnostics: list[Diagnostic] = []
        self.declared = {name.lower(): name for name in config.service_names}
        self.regex = {
            "database": self._compile("database_pattern"),
            "schema": self._compile("schema_pattern"),
        }
        self.set_dbs = {m.database for m in inv.migrations}
        files = {m.path for m in inv.migrations}
        labels = [s.label for s in inv.sources if s.kind == "migrations"]
        self.set_dir: dict[str, str] = {}
        for db in self.set_dbs:
            folder = db
            if db in files:  # a single-file set is labelled with the file's path
                folder = db.rsplit("/", 1)[0] if "/" in db else "."
            if folder in ("", ".") and len(labels) == 1:
                folder = labels[0]  # a set at the root of the one scanned folder
            self.set_dir[db] = folder
        self.known = set(self.declared.values())
        self.known |= {self.canon(service_from_path(d)) for d in self.set_dir.values()} - {""}
        self._cache: dict[str, dict[Any, tuple[str, str]]] = {}
        self.file_names = FileNameServices(self.known)

    def _compile(self, key: str) -> re.Pattern[str] | None:
        pattern = getattr(self.config, key)
        try:
            return re.compile(pattern)
        except (re.error, TypeError) as exc:
            self.diagnostics.append(
                Diagnostic(
                    "error",
                    f"'scan.{key}' {pattern!r} is not a valid regular expression ({exc}); rule skipped",
                    self.config.path,
                    code="config",
                )
            )
            return None

    def canon(self, name: str) -> str:
        """A derived name spelled as declared when it differs only in case."""
        return self.declared.get(name.lower(), name)

    def replica(self, ref: TableRef) -> str:
        return next((r.owner for r in self.config.replicas if matches_table(r.table, ref)), "")

    def service(self, t: Table) -> tuple[str, str]:
        """(service, rule) by rules 2-5; ("", "") when none gives one."""
        local = not t.external
        rules = self.config.services
        for rule in rules:
            if hit := next((p for p in rule.tables if matches_table(p, t.ref)), None):
                return rule.name, f"tables glob {hit!r} of [services.{rule.name}]"
        filename = t.defined_at.path if t.defined_at is not None else ""
        if local and filename and (found := self._memo("paths", filename, self._paths_rule))[0]:
            return found
        if (found := self._memo("schemas", t.ref.schema, self._schemas_rule))[0]:
            return found
        if local and (found := self._memo("databases", t.ref.database, self._databases_rule))[0]:
            return found
        return self._memo("default", (t.ref.database, t.ref.schema, local, filename), self._default)

    def _memo(self, kind: str, key: Any, compute: Callable[[Any], tuple[str, str]]) -> tuple[str, str]:
        cache = self._cache.setdefault(kind, {})
        if key not in cache:
            cache[key] = compute(key)
        return cache[key]

    def _paths_rule(self, path: str) -> tuple[str, str]:
        for rule in self.config.services:
            if hit := next((p for p in rule.paths if path_matches(p, path)), None):
                return rule.name, f"paths glob {hit!r} of [services.{rule.name}]"
        return "", ""

    def _schemas_rule(self, schema: str) -> tuple[str, str]:
        for rule in self.config.services:
            if hit := next((p for p in rule.schemas if fnmatchcase(schema, p)), None):
                return rule.name, f"schemas glob {hit!r} of [services.{rule.name}]"
        return "", ""

    def _databases_rule(self, database: str) -> tuple[str, str]:
        for rule in self.config.services:
            if hit := next((p for p in rule.databases if fnmatchcase(database, p)), None):
                return rule.name, f"databases glob {hit!r} of [services.{rule.name}]"
        return "", ""

    def _default(self, key: tuple[str, str, bool, str]) -> tuple[str, str]:
        database, schema, local, filename = key
        map_by = self.config.map_by
        if map_by == "path" and local and database in self.set_dir:
            folder = self.set_dir[database]
            if name := service_from_path(folder):
                return self.canon(name), f"migration folder {folder!r}"
            if name := self.file_names(filename):
                return name, f"migration file name {filename!r}"
        elif map_by == "schema":
            if name := service_from_pattern(self.regex["schema"], schema):
                return self.canon(name), f"schema_pattern on {schema!r}"
        elif local and (name := service_from_pattern(self.regex["database"], database)):
            # map_by "database", or "path" for a table read from a catalog
            return self.canon(name), f"database_pattern on {database!r}"
        return "", ""


def explain_services(inv: Inventory, config: Config) -> dict[TableRef, Assignment]:
    """The service, replica owner and deciding rule of every table that is not ignored.

    Tables that no rule places get ``Assignment(previous service or "", replica_of, "")``.
    """
    prepared, _, _ = _prepare(inv, config)
    return _explain(_Assigner(prepared, config), prepared)


def _prepare(inv: Inventory, config: Config) -> tuple[Inventory, set[TableRef], int]:
    """Resolve, drop ignored tables (and aliases of them) with their FKs, resolve again.

    Returns the inventory, the ignored refs and the number of dropped FKs.
    """
    inv = resolve_external(inv, config=config)
    ignored = {t.ref for t in inv.tables if any(matches_table(p, t.ref) for p in config.ignore_tables)}
    ignored |= {t.ref for t in inv.tables if t.resolved_to is not None and t.resolved_to in ignored}
    if not ignored:
        return inv, ignored, 0
    tables = tuple(t for t in inv.tables if t.ref not in ignored)
    fks = tuple(fk for fk in inv.foreign_keys if fk.table not in ignored and fk.ref_table not in ignored)
    kept = replace(inv, tables=tables, foreign_keys=fks)
    return resolve_external(kept, config=config), ignored, len(inv.foreign_keys) - len(fks)


def _explain(assigner: _Assigner, inv: Inventory) -> dict[TableRef, Assignment]:
    by_ref = {t.ref: t for t in inv.tables}
    out: dict[TableRef, Assignment] = {}
    aliases = []
    for t in inv.tables:
        target = by_ref.get(t.resolved_to) if t.resolved_to is not None else None
        if target is not None and target.resolved_to is None and target.ref != t.ref:
            aliases.append((t, target))
            continue
        service, rule = assigner.service(t)
        if not service and t.service:
            service, rule = t.service, "kept from the loaded inventory"
        out[t.ref] = Assignment(service, assigner.replica(t.ref) or t.replica_of, rule)
    for t, target in aliases:
        found = out[target.ref]
        out[t.ref] = Assignment(found.service, found.replica_of, f"resolved to {target.ref}")
    return out


def _diag_key(d: Diagnostic) -> tuple[str, int, int, str, str, str]:
    rank = {"error": 0, "warning": 1, "info": 2}.get(d.severity, 3)
    return (d.path, d.line, rank, d.code, d.message, d.excerpt)


def _first_references(inv: Inventory) -> dict[TableRef, Location]:
    """Where each referenced table is first referenced (the earliest FK location)."""
    first: dict[TableRef, Location] = {}
    for fk in inv.foreign_keys:
        loc = fk.added_at
        if loc is not None and (fk.ref_table not in first or loc < first[fk.ref_table]):
            first[fk.ref_table] = loc
    return first


def _unowned(t: Table, where: Location | None, map_by: str) -> Diagnostic:
    if t.external:
        at = f" (referenced at {where})" if where else ""
        why = "is defined in no scanned database and no rule of fkmap.toml names its service"
    else:
        at = f" (created at {where})" if where else ""
        why = f"has no service: no rule of fkmap.toml matches it and the map_by={map_by!r} default gives none"
    return Diagnostic(
        "warning",
        f"table {t.ref}{at} {why}; add it to a service's 'tables' or 'paths' in fkmap.toml",
        where.path if where else "",
        where.line if where else 0,
        t.ref.qualified,
        "unowned",
    )


def assign_services(inv: Inventory, config: Config) -> Inventory:
    """Return ``inv`` with services assigned by the rules in this module's docstring.

    External tables are first re-resolved with the config
    (:func:`ownership.resolve.resolve_external` with ``config``), so that a copy
    declared in ``[[replicas]]`` gives way to the original, and again once the
    ignored tables are gone. Earlier ``unowned`` diagnostics are replaced, so
    running it twice gives the same inventory.
    """
    inv, ignored, dropped = _prepare(inv, config)
    assigner = _Assigner(inv, config)
    found = _explain(assigner, inv)
    diagnostics = [d for d in inv.diagnostics if d.code not in _OWN_CODES]
    diagnostics += assigner.diagnostics
    tables = []
    first_refs = _first_references(inv)
    for t in inv.tables:
        a = found[t.ref]
        tables.append(replace(t, service=a.service, replica_of=a.replica_of))
        if not a.service:
            where = t.defined_at if t.defined_at is not None else first_refs.get(t.ref)
            diagnostics.append(_unowned(t, where, config.map_by))
    if ignored:
        names = ", ".join(sorted({r.qualified for r in ignored})[:5]) + (", ..." if len(ignored) > 5 else "")
        diagnostics.append(
            Diagnostic(
                "info",
                f"ignored {len(ignored)} table(s) matching scan.ignore_tables ({names}) and "
                f"{dropped} foreign key(s) touching them",
                config.path,
                code="ignored",
            )
        )
    return replace(
        inv,
        tables=tuple(tables),
        diagnostics=tuple(sorted(set(diagnostics), key=_diag_key)),
        services=_services(inv, config, tables),
    )


def _services(inv: Inventory, config: Config, tables: list[Table]) -> tuple[Service, ...]:
    described = {s.name: s.description for s in inv.services}
    described.update({r.name: r.description or described.get(r.name, "") for r in config.services})
    names = set(described) | {t.service for t in tables} | {t.replica_of for t in tables}
    return tuple(Service(n, described.get(n, "")) for n in sorted(names - {""}))
