"""The first pass of the service map: rules 1-5 and 8 for one table, in order, with their evidence.

:class:`Decider` tries, for one table, the rules that need no other table's
owner (see :mod:`ownership.services` for the whole order) and returns a
:class:`Verdict`: the evidence found, decisive first when a rule decided, and
whether the table lies in a *shared* folder -- a migration set outside every
service and library unit whose folder names no service -- so that the name
family and foreign-key neighbourhood rules may still place it.

Examples
--------
>>> from model.inventory import Inventory, Location, Migration, Table, TableRef
>>> from ownership.config import Config
>>> f = "db/migrations/003_posts.sql"
>>> t = Table(TableRef("db/migrations", "public", "posts"), defined_at=Location(f, 1))
>>> inv = Inventory(tables=(t,), migrations=(Migration(f, "db/migrations", 0, 0),))
>>> v = Decider(inv, Config()).first(t)
>>> v.decided, v.shared, v.evidence
(False, True, ())
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from model.inventory import Diagnostic, Evidence, Inventory, Table
from ownership.code_usage import CodeOwner, CodeUsage
from ownership.config import Config
from ownership.inputs import TableAccess, UnitIndex, UnitLike
from ownership.modules import ModuleIndex
from ownership.naming import service_from_path
from ownership.replicas import entity_stem, named_after
from ownership.rules import PlaceRules

__all__ = ["Decider", "Verdict"]


@dataclass(frozen=True)
class Verdict:
    """The first pass's answer for one table: evidence (decisive first when ``decided``)."""

    evidence: tuple[Evidence, ...] = ()
    decided: bool = False
    shared: bool = False
    fallback: Evidence | None = None  # decides after the name family and neighbourhood rules found nothing

    @property
    def service(self) -> str:
        """The decided service, ``""`` when no rule decided."""
        return self.evidence[0].service if self.decided else ""


def _where(t: Table) -> tuple[str, int]:
    return (t.defined_at.path, t.defined_at.line) if t.defined_at is not None else ("", 0)


def _key(t: Table) -> tuple[str, ...]:
    return tuple(c.lower() for c in t.primary_key)


def _root_name(root_label: str) -> str:
    """The service a repository's root folder names: ``/src/acme-api`` -> ``acme``.

    >>> _root_name("/work/repos/kratos/src"), _root_name("acme-api"), _root_name("")
    ('kratos', 'acme-api', '')
    """
    return service_from_path(root_label) or root_label.rstrip("/").rsplit("/", 1)[-1]


def _home_of(rules: PlaceRules, units: UnitIndex, t: Table) -> str:
    """:meth:`Decider._home`."""
    folder = rules.set_folder(t)
    unit = units.containing(folder) if folder is not None and units else None
    if unit is None or unit.kind != "service" or not unit.path:
        return ""
    return rules.canon(unit.name)


def _verdict(decisive: Evidence | None, rest: tuple[Evidence, ...], *, shared: bool = False) -> Verdict:
    if decisive is None:
        return Verdict(rest, False, shared)
    return Verdict((decisive, *(e for e in rest if e != decisive)), True, shared)


class Decider:
    """Rules 1-5 and 8 of the service map for the tables of one inventory."""

    def __init__(
        self,
        inv: Inventory,
        config: Config,
        units: UnitIndex | None = None,
        access: TableAccess | None = None,
        root_label: str = "",
        modules: Mapping[str, frozenset[str]] | None = None,
    ) -> None:
        self.config = config
        self.units = units if units is not None else UnitIndex(())
        self.rules = PlaceRules(inv, config, self.units)
        self.homes: dict[str, list[tuple[str, Table]]] = {}  # name -> (service, table) of own-unit tables
        # the code's view of homes is no method of this Decider: no reference cycle keeps it (and the
        # tables it holds) alive past the scan until a full collection
        home = functools.partial(_home_of, self.rules, self.units)
        self.code = CodeUsage(access, self.units, self.rules.canon, self._held(inv), home)
        self.diagnostics: list[Diagnostic] = []
        self.single = self._single_service(root_label)
        services = {u.path: self.rules.canon(u.name) for u in self.units.services}
        self.modules = ModuleIndex(modules or {}, services)

    def _held(self, inv: Inventory) -> dict[str, set[str]]:
        """Table name (lower-case) -> the services whose own unit's migrations define a table of that name.

        Such a service writing that name writes its own table (a copy), which says
        nothing of who owns the shared folder's table of the same name.
        """
        held: dict[str, set[str]] = {}
        for t in inv.tables:
            if (home := self._home(t)) and t.dropped_at is None:
                held.setdefault(t.ref.name.lower(), set()).add(home)
                self.homes.setdefault(t.ref.name.lower(), []).append((home, t))
        return held

    def _home(self, t: Table) -> str:
        """The service whose own unit (not the root) holds the migration set defining ``t``; ``""`` else."""
        return _home_of(self.rules, self.units, t)

    def _single_service(self, root_label: str) -> Evidence | None:
        """The one service of a repository with a single service unit, or with nothing else named.

        Without service units, no declared service and no folder naming one, the
        whole repository is one service named after ``root_label`` (its root folder).
        """
        units = self.units
        if len(units.services) == 1:
            unit = units.services[0]
            name = unit.name or _root_name(root_label)
            detail = f"{name!r} ({unit.path or 'the root'}) is the repository's only service unit"
            return Evidence("unit", self.rules.canon(name), detail, unit.path)
        root = units.by_path.get("")
        if units.services or self.config.service_names or (units and root is None):
            return None
        if any(self.rules.folder_name(f) for f in self.rules.set_dir.values()):
            return None
        name = _root_name(root_label) or (root.name if root is not None else "")
        if not name:
            return None
        return Evidence("unit", self.rules.canon(name), f"the repository {name!r} names no other service")

    def first(self, t: Table) -> Verdict:
        """Rules 1 (config), map_by patterns, 2 (schema), then by where the table is defined."""
        if (found := self.rules.config_rule(t)) is not None:
            return _verdict(found, self._support(t))
        if self.config.map_by != "path":
            return _verdict(self.rules.pattern_rule(t), ())
        if not self.config.map_by_explicit and (found := self.rules.schema_rule(t)) is not None:
            return _verdict(found, self._support(t))
        folder = self.rules.set_folder(t)
        code = self.code.owner(t)
        if folder is None:  # a catalog table, or an external one
            if t.external:
                return self._written(t, code, shared=False)
            return _verdict(self.rules.folder_rule(t), code.evidence)
        unit = self.units.containing(folder) if self.units else None
        if unit is not None and unit.kind == "service":
            path, line = _where(t)
            where = unit.path or "the root"
            detail = f"migration set {folder!r} lies in service unit {unit.name!r} ({where})"
            return _verdict(Evidence("unit", self.rules.canon(unit.name), detail, path, line), code.evidence)
        if unit is not None and unit.kind == "library":
            return self._library(t, folder, unit, code)
        if (found := self.rules.folder_rule(t)) is not None:
            return _verdict(found, code.evidence)
        if self.single is not None:
            return _verdict(self.single, code.evidence)
        return self._shared(t, code)

    def _shared(self, t: Table, code: CodeOwner) -> Verdict:
        """A table of a shared folder: its writers, the file name, its single reader, in that order.

        A file name that names a service only through the table's own name
        (``023_message_search_index.sql`` -> ``search``) says no more than the
        name family does: it decides only if the name family and neighbourhood
        rules find nothing; so do a file named after one service's code module and
        a table named like a service (``media`` -> media-service), in that order.
        """
        if code.decisive is not None and code.decisive.kind == "code-write":
            return self._written(t, code, shared=True)
        found = self.rules.file_rule(t)
        if found is not None and not self.rules.file_names_only_table(t):
            return _verdict(found, code.evidence, shared=True)
        if code.decisive is not None:
            return self._by_code(t, code, (), shared=True)
        fallback = found or self._module(t) or self.rules.service_named(t)
        return Verdict(code.evidence, False, True, fallback=fallback)

    def _module(self, t: Table) -> Evidence | None:
        """A shared migration file named after a code module of one service only (decides last)."""
        path, line = _where(t)
        found = self.modules.service(path) if path and not t.external else None
        if found is None:
            return None
        service, module = found
        detail = f"migration file name {path!r} names {service}'s code module {module!r}"
        return Evidence("file-name", service, detail, path, line)

    def _written(self, t: Table, code: CodeOwner, *, shared: bool) -> Verdict:
        """Rule 4 by code, unless another unit's own table of that entity is written more [entity-home]."""
        writer = (
            code.decisive.service if code.decisive is not None and code.decisive.kind == "code-write" else ""
        )
        if writer and (home := self._entity_home(t, writer)) is not None:
            return _verdict(home, code.evidence, shared=shared)
        return self._by_code(t, code, (), shared=shared)

    def _entity_home(self, t: Table, writer: str) -> Evidence | None:
        """The service whose own unit defines ``t``'s entity and whose code writes it more than ``writer``.

        A monolith's shared ``posts`` that content-service also defines in its own
        migrations (same name and key) and writes in many places is content-service's
        entity, not the service that updates a column of it once. A writer named after
        the entity (auth, identity for ``users``) keeps it: the other service's table is
        its local copy.
        """
        stem = entity_stem(t.ref.name)[0]
        if named_after(writer, stem):
            return None  # auth writing the shared users: a copy's writer never displaces it
        uses = self.code.uses.get(self.code.name_of(t.ref), {})
        least = uses[writer].writes if writer in uses else 0
        found = [
            (uses[s].writes, s, home)
            for s, home in self.homes.get(t.ref.name.lower(), ())
            if s != writer and s in uses and uses[s].writes > least and (t.external or _key(home) == _key(t))
        ]
        if not found:
            return None
        writes, service, home = max(found, key=lambda f: (f[0], f[1]))
        path, line = _where(t)
        same = "same name" if t.external else "same name and key"
        detail = (
            f"{service} defines the same entity in its own migrations ({home.ref}: {same}) "
            f"and its code writes it most ({writes} writes, {writer} {least})"
        )
        return Evidence("entity-home", service, detail, path, line)

    def _support(self, t: Table) -> tuple[Evidence, ...]:
        """Evidence that did not decide: the folder's name and what code does with the table."""
        folder = self.rules.folder_rule(t) if self.config.map_by == "path" else None
        return (*((folder,) if folder is not None else ()), *self.code.owner(t).evidence)

    def _by_code(
        self, t: Table, code: CodeOwner, rest: tuple[Evidence, ...], *, shared: bool = False
    ) -> Verdict:
        """Rule 4: the writing (else the single reading) service; a conflict is a warning."""
        if code.conflict:
            path, line = _where(t)
            self.diagnostics.append(
                Diagnostic("warning", code.conflict, path, line, t.ref.qualified, "owner-conflict")
            )
        return _verdict(code.decisive, (*code.evidence, *rest), shared=shared)

    def _library(self, t: Table, folder: str, unit: UnitLike, code: CodeOwner) -> Verdict:
        """Rule 3 for a set inside a library: code evidence, else the single dependent service."""
        path, line = _where(t)
        dependents = sorted(self.rules.canon(u.name) for u in self.units.dependents(unit.path))
        lies = f"migration set {folder!r} lies in library unit {unit.name!r} ({unit.path})"
        if code.decisive is not None:
            found = self._by_code(t, code, ())
            library = Evidence(
                "library", code.decisive.service, f"{lies}; {code.decisive.detail}", path, line
            )
            return Verdict((library, *found.evidence), True)
        if len(dependents) == 1:
            detail = f"{lies}, used only by {dependents[0]}"
            return _verdict(Evidence("library", dependents[0], detail, path, line), code.evidence)
        used = f"used by {', '.join(dependents)}" if dependents else "used by no service unit"
        message = (
            f"shared-library tables: {lies}, {used}; no code evidence says which service owns its tables: "
            "name their service in fkmap.toml"
        )
        self.diagnostics.append(Diagnostic("warning", message, folder, 0, unit.path, "shared-library"))
        return Verdict(code.evidence, False)
