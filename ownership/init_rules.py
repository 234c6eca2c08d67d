"""The rules ``fkmap init`` writes: the most compact ``[services.*]`` globs that give every table its owner.

:func:`plan_rules` turns an inventory whose services are assigned into one
:class:`ServicePlan` per service. Every rule it writes claims tables of that
service only -- checked against every table the service map places (all but
the aliases of tables defined elsewhere, which follow their table) -- so the
order of services and keys in the file does not matter, and a table no service
owns matches no rule. In this order, each for what is not yet covered:

1. ``paths = ["<folder>/**"]``: the highest folder holding the files of a
   migration set whose every table, and every table created by a file below
   that folder, is the service's (not the root, nor a folder of services such
   as ``services/``: it would claim the services added later);
2. ``databases = ["<set or catalog database>"]``: a database whose every
   defined table is the service's;
3. ``schemas = ["<schema>"]``: a schema, other than the default and system
   ones, whose every table in any database is the service's;
4. ``tables = [...]``: the table by name, else ``schema.name``, else
   ``database:name``, else ``database:schema.name`` -- the first form that
   matches no table of another service or none.

Names are written as literal globs (``*``, ``?``, ``[`` and the ``:``/``.``
separators inside a part put in brackets).

Examples
--------
>>> from model.inventory import Inventory, Location, Migration, Table, TableRef
>>> def t(db, name, service):
...     return Table(TableRef(db, "public", name), defined_at=Location(f"{db}/001.sql", 1), service=service)
>>> auth, shared = "services/auth/migrations", "db/migrations"
>>> inv = Inventory(
...     tables=(t(auth, "users", "auth"), t(shared, "posts", "content"), t(shared, "users", "")),
...     migrations=(Migration(f"{auth}/001.sql", auth, 0, 0), Migration(f"{shared}/001.sql", shared, 0, 1)),
... )
>>> [(p.name, [r.pattern for r in p.rules]) for p in plan_rules(inv)]
[('auth', ['services/auth/**']), ('content', ['posts'])]
>>> table_glob(TableRef("db", "public", "odd.name*"), "name")
'odd[.]name[*]'
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from model.inventory import Inventory, Table, TableRef
from ownership.config import Config, Replica
from ownership.naming import MARKER_DIRS
from ownership.patterns import matches_table
from ownership.resolve import resolve_external
from ownership.rules import default_schema

__all__ = [
    "ReplicaPlan",
    "Rule",
    "RuleKey",
    "ServicePlan",
    "glob_escape",
    "placed_tables",
    "plan_replicas",
    "plan_rules",
    "table_glob",
]

RuleKey = Literal["paths", "databases", "schemas", "tables"]
#: Characters that are not themselves in a glob.
_GLOB = "*?["


@dataclass(frozen=True)
class Rule:
    """One glob of a ``[services.<name>]`` key and the tables it claims (for the comments)."""

    key: RuleKey
    pattern: str
    tables: tuple[Table, ...]


@dataclass
class ServicePlan:
    """What ``fkmap init`` writes for one service."""

    name: str
    description: str = ""
    rules: list[Rule] = field(default_factory=list)

    def of(self, key: RuleKey) -> list[Rule]:
        """The rules of one key, in the order they were found."""
        return [r for r in self.rules if r.key == key]


def glob_escape(text: str, specials: str = "") -> str:
    """``text`` as a glob matching only itself: glob characters and ``specials`` in brackets.

    >>> glob_escape("a*b[c]?"), glob_escape("x.y:z", ".:")
    ('a[*]b[[]c][?]', 'x[.]y[:]z')

    A lone surrogate (no TOML string can hold one) becomes ``?``.
    """
    return "".join(
        "?" if _surrogate(ch) else f"[{ch}]" if ch in _GLOB or ch in specials else ch for ch in text
    )


def table_glob(ref: TableRef, form: str) -> str:
    """A literal ``tables`` glob for ``ref``: ``name``, ``schema.name``, ``database:name`` or ``full``."""
    name = glob_escape(ref.name, ":.")
    schema = glob_escape(ref.schema, ":.")
    database = glob_escape(ref.database, ":")
    return {
        "name": name,
        "schema.name": f"{schema}.{name}",
        "database:name": f"{database}:{name}",
        "full": f"{database}:{schema}.{name}",
    }[form]


def placed_tables(inv: Inventory) -> list[Table]:
    """The tables the service map places itself: all but external tables resolved to a defined one."""
    by_ref = inv.tables_by_ref()
    out = []
    for t in inv.tables:
        target = by_ref.get(t.resolved_to) if t.resolved_to is not None else None
        if target is None or target.resolved_to is not None or target.ref == t.ref:
            out.append(t)
    return out


def _folders(path: str) -> list[str]:
    """The folders holding a file, innermost first: ``a/b/c.sql`` -> ``a/b``, ``a``."""
    parts = [p for p in path.replace("\\", "/").split("/") if p and p != "."]
    return ["/".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)]


class _Planner:
    """Chooses the rules for the tables of one inventory."""

    def __init__(self, inv: Inventory) -> None:
        self.tables = placed_tables(inv)
        self.set_dbs = {m.database for m in inv.migrations}
        self.under: dict[str, set[str]] = defaultdict(set)
        self.by_name: dict[str, list[Table]] = defaultdict(list)
        self.by_schema: dict[str, set[str]] = defaultdict(set)
        for t in self.tables:
            self.by_name[t.ref.name].append(t)
            self.by_schema[t.ref.schema].add(t.service)
            if not t.external and t.defined_at is not None:
                for folder in _folders(t.defined_at.path):
                    self.under[folder].add(t.service)
        self.covered: set[TableRef] = set()
        self.plans: dict[str, ServicePlan] = {}

    def add(self, service: str, key: RuleKey, pattern: str, tables: Iterable[Table]) -> None:
        claimed = tuple(t for t in tables if t.ref not in self.covered)
        self.covered.update(t.ref for t in claimed)
        self.plans.setdefault(service, ServicePlan(service)).rules.append(Rule(key, pattern, claimed))

    def databases(self) -> None:
        """Rules 1 and 2: whole migration sets by folder, whole databases by name."""
        local: dict[str, list[Table]] = defaultdict(list)
        for t in self.tables:
            if not t.external:
                local[t.ref.database].append(t)
        by_folder: dict[tuple[str, str], list[Table]] = {}
        for database, tables in sorted(local.items()):
            services = {t.service for t in tables}
            if len(services) != 1 or "" in services:
                continue
            service = services.pop()
            folder = self._folder(database, tables, service)
            if folder:
                by_folder.setdefault((service, folder), []).extend(tables)
            else:
                self.add(service, "databases", glob_escape(database), tables)
        for (service, folder), tables in sorted(by_folder.items()):
            self.add(service, "paths", f"{folder}/**", tables)

    def _folder(self, database: str, tables: Sequence[Table], service: str) -> str:
        """The highest folder holding all of ``tables`` and only ``service``'s tables; ``""`` for none."""
        if database not in self.set_dbs or any(t.defined_at is None for t in tables):
            return ""
        common: list[str] | None = None
        for t in tables:
            assert t.defined_at is not None
            folders = _folders(t.defined_at.path)
            common = folders if common is None else [f for f in common if f in folders]
        best = ""
        for folder in common or ():  # innermost first
            if self.under.get(folder) != {service} or any(ch in folder for ch in "*?[]"):
                break
            if folder.rsplit("/", 1)[-1].lower() in MARKER_DIRS:
                break  # services/, apps/: a folder of services, present and future
            best = folder
        return best

    def schemas(self) -> None:
        """Rule 3: a non-default schema all of whose tables one service holds."""
        rest: dict[str, list[Table]] = defaultdict(list)
        for t in self.tables:
            if t.service and t.ref not in self.covered and not default_schema(t.ref.schema):
                rest[t.ref.schema].append(t)
        for schema, tables in sorted(rest.items()):
            services = self.by_schema[schema]
            if len(services) == 1 and "" not in services:
                self.add(tables[0].service, "schemas", glob_escape(schema), tables)

    def tables_by_name(self) -> None:
        """Rule 4: each remaining table by the shortest literal glob that claims only its service's tables."""
        for t in sorted(self.tables, key=lambda t: t.ref):
            if t.service and t.ref not in self.covered:
                self.add(t.service, "tables", self._glob(t), (t,))

    def _glob(self, t: Table) -> str:
        forms = (
            ("name", "schema.name", "database:name", "full") if t.ref.schema else ("name", "database:name")
        )
        same = self.by_name[t.ref.name]
        for form in forms:
            pattern = table_glob(t.ref, form)
            if _literal(t.ref):
                matched = [o for o in same if _form_matches(form, t.ref, o.ref)]
            else:  # a name that cannot be written literally: match for real
                matched = [o for o in self.tables if matches_table(pattern, o.ref)]
            if all(o.service == t.service for o in matched):
                return pattern
        return table_glob(t.ref, "full")


def _literal(ref: TableRef) -> bool:
    """True when :func:`table_glob` can spell ``ref`` exactly (no lone surrogate turned into ``?``)."""
    return not any(_surrogate(ch) for ch in ref.database + ref.schema + ref.name)


def _surrogate(ch: str) -> bool:
    return 0xD800 <= ord(ch) <= 0xDFFF


def _form_matches(form: str, ref: TableRef, other: TableRef) -> bool:
    if form == "name":
        return True
    if form == "schema.name":
        return other.schema == ref.schema
    if form == "database:name":
        return other.database == ref.database
    return other == ref


def plan_rules(inv: Inventory, descriptions: dict[str, str] | None = None) -> list[ServicePlan]:
    """One :class:`ServicePlan` per service of ``inv`` (sorted by name), its rules as described above.

    ``descriptions`` (service -> text) default to the inventory's. Services that
    hold no table (a copy's owner known from code only) get a plan without rules.
    """
    planner = _Planner(inv)
    planner.databases()
    planner.schemas()
    planner.tables_by_name()
    described = {s.name: s.description for s in inv.services} | (descriptions or {})
    names = (
        set(planner.plans) | {n for n in described if n} | {t.replica_of for t in inv.tables if t.replica_of}
    )
    out = []
    for name in sorted(names - {""}):
        plan = planner.plans.get(name) or ServicePlan(name)
        plan.description = described.get(name, "")
        out.append(plan)
    return out


@dataclass(frozen=True)
class ReplicaPlan:
    """One ``[[replicas]]`` entry ``fkmap init`` writes: a table that copies ``owner``'s entity.

    ``active`` is False when declaring it would change how an external table of
    another database resolves (the copy would give way to the original); the
    entry is then written as a comment, to be turned on after review.
    """

    table: Table
    owner: str
    active: bool = True


def plan_replicas(inv: Inventory, config: Config) -> list[ReplicaPlan]:
    """An exact ``[[replicas]]`` entry for every placed table with a ``replica_of``, sorted by table.

    ``config``'s ``deny`` entries are kept by the caller (they follow these). An
    entry is left inactive when, together with the active ones and ``config``'s
    declared copies, it would resolve an external table differently than ``inv``
    does.
    """
    plans = [
        ReplicaPlan(t, t.replica_of) for t in sorted(placed_tables(inv), key=lambda t: t.ref) if t.replica_of
    ]
    resolved = {t.ref: t.resolved_to for t in inv.tables if t.external}
    for _ in range(len(plans) + 1):
        changed = _resolution_changes(inv, config, plans, resolved)
        if not changed:
            break
        names = {(ref.name, ref.database) for ref in changed}
        plans = [
            ReplicaPlan(p.table, p.owner, False)
            if p.active and any(p.table.ref.name == n and p.table.ref.database != db for n, db in names)
            else p
            for p in plans
        ]
    return plans


def _resolution_changes(
    inv: Inventory, config: Config, plans: Sequence[ReplicaPlan], resolved: dict[TableRef, TableRef | None]
) -> list[TableRef]:
    """External tables that resolve differently with the active entries declared."""
    copies = tuple(Replica(table_glob(p.table.ref, "full"), p.owner) for p in plans if p.active)
    trial = replace(config, replicas=(*copies, *config.copies))
    again = resolve_external(inv, config=trial)
    return [t.ref for t in again.tables if t.external and t.resolved_to != resolved.get(t.ref)]
