"""The rules that read a table's owner from where it is written: fkmap.toml, schema, folder, file name.

:class:`PlaceRules` holds, for one inventory and config, the rules of
:func:`ownership.services.assign_services` that look only at a table's name,
schema, database and file: the ``[services.*]`` globs (evidence ``config``),
``[scan] map_by`` patterns, schema-per-service (``schema``), the migration
folder (``folder``) or catalog database name (``database``) and the migration
file name (``file-name``). Each rule returns an :class:`~model.inventory.Evidence`
or None; the order in which they are tried is the driver's business.

Examples
--------
>>> from model.inventory import Inventory, Location, Migration, Table, TableRef
>>> from ownership.config import Config
>>> db = "supabase/migrations"
>>> t = Table(TableRef(db, "auth", "users"), defined_at=Location(f"{db}/1.sql", 3))
>>> s = Table(TableRef(db, "storage", "objects"))
>>> inv = Inventory(tables=(t, s), migrations=(Migration(f"{db}/1.sql", db, 0, 0),))
>>> rules = PlaceRules(inv, Config(), UnitIndex(()))
>>> rules.schema_rule(t).detail
"schema 'auth' of 'supabase/migrations', one of its 2 schemas (auth, storage)"
>>> rules.folder_rule(t).detail, rules.set_folder(t)
("migration folder 'supabase/migrations'", 'supabase/migrations')
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fnmatch import fnmatchcase
from typing import Any

from model.inventory import Diagnostic, Evidence, Inventory, Table
from ownership.config import Config, ServiceRule
from ownership.inputs import UnitIndex
from ownership.naming import (
    FileNameServices,
    identity_aliases,
    path_matches,
    service_from_path,
    service_from_pattern,
)
from ownership.patterns import matches_table

__all__ = ["DEFAULT_SCHEMAS", "PlaceRules", "default_schema"]

#: Schemas that say nothing of a service: the default schema of each engine and the system ones.
DEFAULT_SCHEMAS = frozenset({
    "", "public", "dbo", "main", "pg_catalog", "information_schema", "pg_toast", "sys", "mysql",
    "performance_schema", "extensions",
})  # fmt: skip


def default_schema(schema: str) -> bool:
    """True for a default or system schema (``public``, ``dbo``, ``pg_catalog``, ``pg_temp_3``...).

    >>> default_schema("public"), default_schema("pg_temp_3"), default_schema("auth")
    (True, True, False)
    """
    low = schema.lower()
    return low in DEFAULT_SCHEMAS or low.startswith(("pg_temp", "pg_toast"))


def _where(t: Table) -> tuple[str, int]:
    return (t.defined_at.path, t.defined_at.line) if t.defined_at is not None else ("", 0)


class PlaceRules:
    """Rules reading the owner from a table's name, schema, database and file."""

    def __init__(self, inv: Inventory, config: Config, units: UnitIndex) -> None:
        self.config = config
        self.units = units
        self.diagnostics: list[Diagnostic] = []
        self.declared = {name.lower(): name for name in config.service_names}
        self.unit_canon = {u.name: self._declared_alias(u.name) for u in units.services}
        self.regex = {
            "database": self._compile("database_pattern"),
            "schema": self._compile("schema_pattern"),
        }
        self._cache: dict[str, dict[Any, Evidence | None]] = {}
        self._canon: dict[str, str] = {}  # name -> canon(name): asked once per table
        self.set_dir, self.set_rel = _set_folders(inv)
        self.schemas = _service_schemas(inv)
        aliases = {alias: self.canon(unit) for alias, unit in units.aliases().items()}
        for folder in self.set_dir.values():
            if name := self.folder_name(folder):
                aliases.setdefault(name, name)
        aliases.update({name: name for name in config.service_names})
        self.service_names = FileNameServices(aliases)  # a table's own name: no synonyms
        aliases.update(identity_aliases(aliases))
        self._aliases = aliases
        self.file_names = FileNameServices(aliases)

    def _declared_alias(self, unit_name: str) -> str:
        """A unit's name, or the declared service one of its aliases spells."""
        for alias, unit in self.units.aliases().items():
            if unit == unit_name and alias in self.declared:
                return self.declared[alias]
        return unit_name

    def _compile(self, key: str) -> re.Pattern[str] | None:
        pattern = getattr(self.config, key)
        try:
            return re.compile(pattern)
        except (re.error, TypeError) as exc:
            message = f"'scan.{key}' {pattern!r} is not a valid regular expression ({exc}); rule skipped"
            self.diagnostics.append(Diagnostic("error", message, self.config.path, code="config"))
            return None

    def canon(self, name: str) -> str:
        """A derived name spelled as declared (or as its unit) when it means the same service."""
        found = self._canon.get(name)
        if found is None:
            found = self._canon[name] = self._spelled(name)
        return found

    def _spelled(self, name: str) -> str:
        if found := self.declared.get(name.lower()):
            return found
        unit = self.units.unit_name(name)
        return self.unit_canon.get(unit, name) if unit else name

    def _memo(self, kind: str, key: Any, compute: Callable[[Any], Evidence | None]) -> Evidence | None:
        cache = self._cache.setdefault(kind, {})
        if key not in cache:
            cache[key] = compute(key)
        return cache[key]

    # -- rule 1: fkmap.toml --------------------------------------------------------------------------

    def _config(self, rule: ServiceRule, key: str, hit: str) -> Evidence:
        detail = f"{key} glob {hit!r} of [services.{rule.name}]"
        return Evidence("config", rule.name, detail, self.config.path, rule.line_of(key))

    def config_rule(self, t: Table) -> Evidence | None:
        """``tables``, then ``paths``, ``schemas`` and ``databases`` globs; the first service wins."""
        for rule in self.config.services:
            if hit := next((p for p in rule.tables if matches_table(p, t.ref)), None):
                return self._config(rule, "tables", hit)
        local = not t.external
        filename = t.defined_at.path if t.defined_at is not None else ""
        if local and filename and (found := self._memo("paths", filename, self._paths)):
            return found
        if found := self._memo("schemas", t.ref.schema, self._globs("schemas")):
            return found
        if local and (found := self._memo("databases", t.ref.database, self._globs("databases"))):
            return found
        return None

    def _paths(self, path: str) -> Evidence | None:
        for rule in self.config.services:
            if hit := next((p for p in rule.paths if path_matches(p, path)), None):
                return self._config(rule, "paths", hit)
        return None

    def _globs(self, key: str) -> Callable[[str], Evidence | None]:
        def rule_for(value: str) -> Evidence | None:
            for rule in self.config.services:
                if hit := next((p for p in getattr(rule, key) if fnmatchcase(value, p)), None):
                    return self._config(rule, key, hit)
            return None

        return rule_for

    # -- [scan] map_by = "database" | "schema" ---------------------------------------------------------

    def pattern_rule(self, t: Table) -> Evidence | None:
        """``schema_pattern`` (map_by schema) or ``database_pattern`` on a table's schema or database."""
        path, line = _where(t)
        if self.config.map_by == "schema":
            if name := service_from_pattern(self.regex["schema"], t.ref.schema):
                return Evidence("schema", self.canon(name), f"schema_pattern on {t.ref.schema!r}", path, line)
            return None
        if not t.external and (name := service_from_pattern(self.regex["database"], t.ref.database)):
            detail = f"database_pattern on {t.ref.database!r}"
            return Evidence("database", self.canon(name), detail, path, line)
        return None

    # -- rule 2: schema per service --------------------------------------------------------------------

    def schema_rule(self, t: Table) -> Evidence | None:
        """The schema names the service when the table's database spreads over >= 2 non-default schemas."""
        spread = self.schemas.get(t.ref.database, ())
        if t.ref.schema not in spread:
            return None
        path, line = _where(t)
        listed = ", ".join(spread)
        detail = f"schema {t.ref.schema!r} of {t.ref.database!r}, one of its {len(spread)} schemas ({listed})"
        return Evidence("schema", self.canon(t.ref.schema), detail, path, line)

    # -- rules 5 and 8: file name and folder -------------------------------------------------------------

    def set_folder(self, t: Table) -> str | None:
        """The folder (relative to the scanned root) of the migration set defining ``t``; None otherwise."""
        return self.set_rel.get(t.ref.database) if not t.external else None

    def folder_name(self, folder: str) -> str:
        """The service a folder names; with >= 2 service units only a unit's name counts."""
        name = service_from_path(folder)
        if name and len(self.units.services) >= 2:
            unit = self.units.unit_name(name)
            return self.unit_canon.get(unit, unit) if unit else ""
        return self.canon(name) if name else ""

    def folder_rule(self, t: Table) -> Evidence | None:
        """The migration set's folder name; for a catalog table, ``database_pattern`` on its database."""
        if t.external:
            return None
        path, line = _where(t)
        if t.ref.database in self.set_dir:
            folder = self.set_dir[t.ref.database]
            name = self._memo("folder", folder, lambda f: self._folder_evidence(f))
            return None if name is None else Evidence(name.kind, name.service, name.detail, path, line)
        return self.pattern_rule(t)

    def _folder_evidence(self, folder: str) -> Evidence | None:
        name = self.folder_name(folder)
        return Evidence("folder", name, f"migration folder {folder!r}") if name else None

    def file_rule(self, t: Table) -> Evidence | None:
        """A whole word of the migration file's name naming a known service or unit."""
        path, line = _where(t)
        if t.external or not path:
            return None
        found = self.file_names(path)
        if not found:
            return None
        return Evidence("file-name", self._aliases[found], f"migration file name {path!r}", path, line)

    def service_named(self, t: Table) -> Evidence | None:
        """A table whose whole name is a known service's name (``media``, ``notifications``)."""
        found = self.service_names.whole(t.ref.name)
        if not found:
            return None
        service = self._aliases[found]
        return Evidence("name-family", service, f"named like the service {service}", *_where(t))

    def file_names_only_table(self, t: Table) -> bool:
        """Whether the file name names a service only through the words of ``t``'s own name."""
        path = t.defined_at.path if t.defined_at is not None else ""
        return bool(path) and not self.file_names.beyond_table(path, t.ref.name)


def _set_folders(inv: Inventory) -> tuple[dict[str, str], dict[str, str]]:
    """Per migration set: the folder naming it (the source label for a root set) and its relative folder."""
    files = {m.path for m in inv.migrations}
    labels = [s.label for s in inv.sources if s.kind == "migrations"]
    named: dict[str, str] = {}
    relative: dict[str, str] = {}
    for db in {m.database for m in inv.migrations}:
        folder = db
        if db in files:  # a single-file set is labelled with the file's path
            folder = db.rsplit("/", 1)[0] if "/" in db else "."
        relative[db] = "" if folder in ("", ".") else folder
        if folder in ("", ".") and len(labels) == 1:
            folder = labels[0]  # a set at the root of the one scanned folder
        named[db] = folder
    return named, relative


def _service_schemas(inv: Inventory) -> dict[str, tuple[str, ...]]:
    """Databases whose tables (defined or referenced) spread over >= 2 non-default schemas: those schemas."""
    by_db: dict[str, set[str]] = {}
    for t in inv.tables:
        if t.resolved_to is None and not default_schema(t.ref.schema):
            by_db.setdefault(t.ref.database, set()).add(t.ref.schema)
    return {db: tuple(sorted(schemas)) for db, schemas in by_db.items() if len(schemas) >= 2}
