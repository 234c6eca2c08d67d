"""The service map: which service holds each table, whose data it is, and why.

:func:`assign_services` returns a copy of the inventory with ``Table.service``,
``Table.replica_of``, ``Table.owner_evidence`` (the reasons, decisive first),
``Inventory.services`` and ``Inventory.shared_access`` filled in. Run it last,
after :func:`ownership.resolve.merge` and :func:`ownership.resolve.resolve_external`.
Besides the inventory it takes the repository's code *units* and how their code
uses tables (:mod:`ownership.inputs`), both optional.

How a table gets its service
----------------------------
Rules are tried in this order; the first that gives a service wins, and every
rule that had something to say is kept as evidence (``kind`` in brackets).

0. **ignore_tables** -- tables matching a ``[scan] ignore_tables`` glob are
   removed with every foreign key touching them (one ``ignored`` info). An
   external table that :func:`~ownership.resolve.resolve_external` resolves to
   a table of another scanned database is an alias of it: it takes that table's
   service, ``replica_of`` and evidence, and no rule below applies to it.
1. **fkmap.toml** [config] -- ``tables`` globs of the ``[services.*]``, then
   ``paths`` (the file that created the table), ``schemas``, ``databases``;
   services in file order. With ``[scan] map_by = "database"`` or ``"schema"``
   only ``database_pattern``/``schema_pattern`` follow [database, schema].
2. **schema per service** [schema] -- when the tables of a database (a
   migration set or a catalog database) spread over >= 2 schemas besides the
   default and system ones (``public``, ``dbo``, ``pg_catalog``...), the schema
   names the service (``auth.users`` -> ``auth``). Skipped when ``map_by`` is set.
3. **unit** [unit, library] -- a migration set inside a unit of kind service
   belongs to it. A set inside a library belongs to the service whose code
   writes (else reads) its tables, else to the library's single dependent
   service; otherwise its tables stay unowned with a ``shared-library`` warning
   naming the dependents. In a repository with a single service unit (or no
   service unit and no other name at all) every other table is that service's.
4. **code** [code-write, code-read] -- in a *shared* folder (outside service
   and library units, and naming no service), the service whose code writes the
   table. Several writers: an ``owner-conflict`` warning names each with
   ``path:line``; most writes wins, then the first by name. Also decides
   external tables no database defines. [entity-home] A service that defines
   a table of the same name and key in its own unit's migrations and writes
   the name more often takes it, unless the writer is named after the entity.
5. **file name** [file-name] -- in a shared folder, a whole word of the
   migration file's name naming a known service (declared, read from another
   set's folder, or a unit): ``018_messaging_schema.sql`` -> ``messaging``.
   Then the single service whose code reads the table [code-read]. A file name
   that names a service only through the table's own name
   (``023_message_search_index.sql`` -> ``search``) decides last, after rule 7;
   so do, after it, a file name naming a code module of one service only
   (``005_recommendation_v2_schema.sql``: :mod:`ownership.modules`) and a
   table named like a service (``media`` -> ``media-service``) [name-family].
6. **name family** [name-family] -- ``story_views`` goes with ``stories``.
7. **fk neighbourhood** [fk-neighbourhood] -- all foreign keys out of the
   table point into one service's tables, ignoring hub tables (referenced from
   >= 2 other services, ``users``). Rules 6 and 7: :mod:`ownership.neighbours`.
   Then [same-file]: the table's migration file creates tables of one service
   only (among those placed): it goes with them.
8. **folder** [folder, database] -- the migration set's folder
   (:func:`ownership.naming.service_from_path`: ``services/<name>``,
   ``<name>-service``, the innermost folder that is not generic; stage, tool,
   engine and library folders such as ``phase-7b``, ``hatchet-migrate``,
   ``cockroachdb`` or ``libs/<lib>`` never name a service, and with >= 2
   service units only a unit's name counts); a catalog table's database through
   ``database_pattern``. A folder that names a service is not shared, so for its
   tables this rule comes right after rule 3.
9. **nothing** -- the table keeps the service it already had [kept] (an
   inventory loaded from JSON), or stays ``""`` with one ``unowned`` warning.

An external table that no scanned database defines skips the rules that look
at where a table is defined (``paths``, ``databases``, units, folders).

Whose data: ``replica_of``
--------------------------
:mod:`ownership.replicas`: ``[[replicas]]`` entries declare (``owner``) or
deny (``deny = true``) copies; otherwise a table named like an entity another
service holds more strongly, with the same key, is a suspected copy of it.

Shared access
-------------
Every service other than the owner whose code reads or writes a table gives one
:class:`~model.inventory.SharedAccess` per access kind (the first place).
Without code evidence the inventory's entries are kept, re-pointed at the
current owner.

Examples
--------
>>> from model.inventory import Inventory, Location, Migration, Table, TableRef
>>> t = Table(TableRef("services/auth/migrations", "public", "users"),
...           defined_at=Location("services/auth/migrations/001_init.sql", 1))
>>> m = Migration("services/auth/migrations/001_init.sql", "services/auth/migrations", 0, 0)
>>> inv = assign_services(Inventory(tables=(t,), migrations=(m,)), Config())
>>> inv.tables[0].service, [s.name for s in inv.services], str(inv.tables[0].owner_evidence[0])
('auth', ['auth'], "folder: auth: migration folder 'services/auth/migrations'")
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from operator import attrgetter

from model.inventory import Diagnostic, Evidence, Inventory, Location, Service, SharedAccess, Table, TableRef
from ownership.config import Config
from ownership.decide import Decider, Verdict
from ownership.inputs import TableAccess, UnitIndex, UnitLike
from ownership.neighbours import Neighbours, same_file
from ownership.patterns import any_table
from ownership.replicas import Replicas
from ownership.resolve import resolve_external

__all__ = ["Assignment", "assign_services", "explain_services"]

#: Diagnostics recomputed on every run; ``ignored`` notes stay (the tables are gone).
_OWN_CODES = ("unowned", "owner-conflict", "shared-library")


@dataclass(frozen=True)
class Assignment:
    """A table's service, replica owner, the deciding rule in words, and every piece of evidence.

    ``evidence`` is what :attr:`model.inventory.Table.owner_evidence` receives
    (the replica evidence first for a copy); it takes no part in equality.
    """

    service: str
    replica_of: str
    rule: str
    evidence: tuple[Evidence, ...] = field(default=(), compare=False)


def explain_services(
    inv: Inventory,
    config: Config,
    *,
    units: Iterable[UnitLike] = (),
    access: TableAccess | None = None,
    root_label: str = "",
    modules: Mapping[str, frozenset[str]] | None = None,
) -> dict[TableRef, Assignment]:
    """The service, replica owner, deciding rule and evidence of every table that is not ignored.

    A table no rule places keeps the service it had (rule ``kept from the loaded
    inventory``) or gets ``""`` with rule ``""``; its evidence then holds what was
    found without deciding (two reading services, a library used by several).
    """
    prepared, _, _ = _prepare(inv, config)
    decider = Decider(prepared, config, UnitIndex(units), access, root_label, modules)
    return _explain(decider, prepared)


def _prepare(inv: Inventory, config: Config) -> tuple[Inventory, set[TableRef], int]:
    """Resolve, drop ignored tables (and aliases of them) with their FKs, resolve again.

    Returns the inventory, the ignored refs and the number of dropped FKs.
    """
    inv = resolve_external(inv, config=config)
    ignore = any_table(config.ignore_tables)
    ignored = {t.ref for t in inv.tables if ignore(t.ref)}
    ignored |= {t.ref for t in inv.tables if t.resolved_to is not None and t.resolved_to in ignored}
    if not ignored:
        return inv, ignored, 0
    tables = tuple(t for t in inv.tables if t.ref not in ignored)
    fks = tuple(fk for fk in inv.foreign_keys if fk.table not in ignored and fk.ref_table not in ignored)
    kept = replace(inv, tables=tuple(tables), foreign_keys=fks)
    return resolve_external(kept, config=config), ignored, len(inv.foreign_keys) - len(fks)


def _aliases(inv: Inventory) -> dict[TableRef, Table]:
    """External tables resolved to a defining table -> that table."""
    by_ref = {t.ref: t for t in inv.tables}
    out = {}
    for t in inv.tables:
        target = by_ref.get(t.resolved_to) if t.resolved_to is not None else None
        if target is not None and target.resolved_to is None and target.ref != t.ref:
            out[t.ref] = target
    return out


def _verdicts(decider: Decider, inv: Inventory, aliases: dict[TableRef, Table]) -> dict[TableRef, Verdict]:
    """Rules 1-8 for every table that is not an alias."""
    verdicts = {t.ref: decider.first(t) for t in inv.tables if t.ref not in aliases}
    owners = {ref: v.service for ref, v in verdicts.items() if v.decided}
    pending = [ref for ref, v in verdicts.items() if v.shared and not v.decided]
    if pending:
        effective = {ref: target.ref for ref, target in aliases.items()}
        found = Neighbours(inv.tables, inv.foreign_keys, effective).resolve(owners, pending)
        for ref, evidence in found.items():
            verdicts[ref] = Verdict((evidence, *verdicts[ref].evidence), True, True)
        owners.update((ref, e.service) for ref, e in found.items())
        rest = [ref for ref in pending if ref not in found]
        for ref, evidence in same_file(inv.tables, owners, rest).items():
            verdicts[ref] = Verdict((evidence, *verdicts[ref].evidence), True, True)
    for ref, v in verdicts.items():
        if not v.decided and v.fallback is not None:
            verdicts[ref] = Verdict((v.fallback, *v.evidence), True, True)
    return verdicts


def _explain(decider: Decider, inv: Inventory) -> dict[TableRef, Assignment]:
    aliases = _aliases(inv)
    verdicts = _verdicts(decider, inv, aliases)
    services: dict[TableRef, tuple[str, tuple[Evidence, ...]]] = {}
    for t in inv.tables:
        if t.ref not in aliases:
            v = verdicts[t.ref]
            if not v.decided and t.service:
                kept = Evidence("kept", t.service, "kept from the loaded inventory")
                services[t.ref] = (t.service, (kept, *v.evidence))
            else:
                services[t.ref] = (v.service, v.evidence)
    held = [t for t in inv.tables if t.ref in services]  # their services not written into them yet
    decided = {ref: service for ref, (service, _) in services.items()}
    replicas = Replicas(held, decider.config, decider.code if decider.code.given else None, decided)
    out: dict[TableRef, Assignment] = {}
    for t in held:
        replica_of, why = replicas.decide(t)
        if not replica_of and t.replica_of and not replicas.denies(t.ref, t.replica_of):
            replica_of = t.replica_of
            why = Evidence("kept", replica_of, "replica_of kept from the loaded inventory")
        service, evidence = services[t.ref]
        rule = evidence[0].detail if service else ""
        out[t.ref] = Assignment(service, replica_of, rule, ((why,) if why else ()) + evidence)
    for ref, target in aliases.items():
        found = out[target.ref]
        out[ref] = Assignment(found.service, found.replica_of, f"resolved to {target.ref}", found.evidence)
    return out


_TABLE_FIELDS = tuple(f.name for f in fields(Table))
_TABLE_VALUES = attrgetter(*_TABLE_FIELDS)
_SERVICE, _REPLICA_OF, _EVIDENCE = (
    _TABLE_FIELDS.index(n) for n in ("service", "replica_of", "owner_evidence")
)


def _assigned(t: Table, service: str, replica_of: str, evidence: tuple[Evidence, ...]) -> Table:
    """``replace(t, service=, replica_of=, owner_evidence=)``, built positionally: once per table."""
    values = list(_TABLE_VALUES(t))
    values[_SERVICE], values[_REPLICA_OF], values[_EVIDENCE] = service, replica_of, evidence
    return Table(*values)


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


def assign_services(
    inv: Inventory,
    config: Config,
    *,
    units: Iterable[UnitLike] = (),
    access: TableAccess | None = None,
    root_label: str = "",
    modules: Mapping[str, frozenset[str]] | None = None,
) -> Inventory:
    """Return ``inv`` with services, replicas, evidence and shared access by this module's rules.

    Parameters
    ----------
    inv, config
        The merged inventory and the service map's config.
    units
        The repository's units (:class:`~ownership.inputs.UnitLike`): name, path
        relative to the scanned root, kind, paths of the units it depends on.
    access
        Table name -> {unit path -> :class:`~ownership.inputs.AccessLike`}: how
        each unit's code reads and writes the table. None: no code evidence (the
        inventory's ``shared_access`` is kept).
    root_label
        The scanned root folder's name: names the service of a one-service repository.
    modules
        Service unit path -> the names of its code's folders and files
        (:func:`ownership.modules.module_names`): a shared migration file named after a module of
        one service only is that service's (rule 5, decided last).

    External tables are first re-resolved with the config, so that a copy
    declared in ``[[replicas]]`` gives way to the original, and again once the
    ignored tables are gone. Earlier ``unowned``, ``owner-conflict`` and
    ``shared-library`` diagnostics are replaced, so running it twice gives the
    same inventory.
    """
    inv, ignored, dropped = _prepare(inv, config)
    decider = Decider(inv, config, UnitIndex(units), access, root_label, modules)
    found = _explain(decider, inv)
    diagnostics = [d for d in inv.diagnostics if d.code not in _OWN_CODES]
    diagnostics += decider.rules.diagnostics + decider.diagnostics
    tables = []
    first_refs: dict[TableRef, Location] | None = None  # counted once a table needs it
    for t in inv.tables:
        a = found[t.ref]
        tables.append(_assigned(t, a.service, a.replica_of, a.evidence))
        if not a.service:
            if t.defined_at is None and first_refs is None:
                first_refs = _first_references(inv)
            where = t.defined_at if t.defined_at is not None else (first_refs or {}).get(t.ref)
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
    if decider.code.given:
        shared = decider.code.shared_access(t for t in tables if t.resolved_to is None)
    else:
        shared = _kept_access(inv.shared_access, tables)
    return replace(
        inv,
        tables=tuple(tables),
        diagnostics=tuple(sorted(set(diagnostics), key=_diag_key)),
        services=_services(inv, config, tables),
        shared_access=shared,
    )


def _kept_access(entries: Iterable[SharedAccess], tables: list[Table]) -> tuple[SharedAccess, ...]:
    """Loaded shared-access entries whose table is still there, re-pointed at its current owner."""
    by_ref = {t.ref: t for t in tables}
    out = []
    for a in entries:
        t = by_ref.get(a.table)
        if t is not None and t.owner and t.owner != a.service:
            out.append(replace(a, owner=t.owner))
    return tuple(sorted(set(out), key=lambda a: (a.table, a.service, a.access, a.path, a.line)))


def _services(inv: Inventory, config: Config, tables: list[Table]) -> tuple[Service, ...]:
    described = {s.name: s.description for s in inv.services}
    described.update({r.name: r.description or described.get(r.name, "") for r in config.services})
    names = set(described) | {t.service for t in tables} | {t.replica_of for t in tables}
    return tuple(Service(n, described.get(n, "")) for n in sorted(names - {""}))
