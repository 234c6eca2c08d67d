"""Code modules a migration file's name names: ``005_recommendation_v2_schema.sql`` creates the
tables of the ``recommendation_v2`` module, and only feed-service has a module of that name.

Authors name a migration after the feature it serves, and the code of that feature after the same
feature. :func:`module_names` collects, per service unit, the names of the folders and files of
its code below the unit (``src/services/recommendation_v2/onnx_serving.rs`` gives
``recommendation_v2`` and ``onnx_serving``; generic names such as ``src``, ``services``, ``mod``
are left out). :class:`ModuleIndex` reads a migration file's name without its version and its
generic words (``create``, ``add``, ``schema``, ``tables``...): when what is left has two words or
more and is the name of a module of exactly one service, that service is named. A single word
(``posts``) is too common to say anything; a name two services share says nothing either.

>>> idx = ModuleIndex({"feed": frozenset({"recommendation_v2", "ranking"}),
...                    "chat": frozenset({"ranking"})}, {"feed": "feed-service", "chat": "chat"})
>>> idx.service("backend/migrations/phase-7/005_recommendation_v2_schema.sql")
('feed-service', 'recommendation_v2')
>>> idx.service("003_ranking.sql"), idx.service("004_create_posts_table.sql")
(None, None)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from ownership.infer import normalise_name
from ownership.units import Unit, unit_in, unit_index

__all__ = ["GENERIC_MODULES", "ModuleIndex", "migration_key", "module_names"]

#: Folder and file names that say nothing of a feature.
GENERIC_MODULES = frozenset({
    "src", "lib", "libs", "main", "mod", "index", "app", "apps", "api", "apis", "cmd", "pkg", "internal",
    "service", "services", "handler", "handlers", "controller", "controllers", "model", "models", "db",
    "database", "repository", "repositories", "repo", "store", "storage", "util", "utils", "common", "core",
    "config", "configs", "grpc", "http", "rest", "server", "client", "clients", "types", "error", "errors",
    "domain", "infra", "infrastructure", "middleware", "routes", "jobs", "workers", "bin", "proto",
})  # fmt: skip
#: Words of a migration file's name that say what it does, not what it is for.
_NOISE = frozenset({
    "create", "add", "init", "initial", "setup", "update", "fix", "alter", "drop", "new", "schema",
    "schemas", "table", "tables", "migration", "migrations", "up", "sql", "postgres", "postgresql",
})  # fmt: skip
_VERSION = re.compile(r"^(?:v?\d+[a-z]?|\d{4,}.*)$")
_SPLIT = re.compile(r"[_\-.\s]+")
_CODE_SUFFIX = re.compile(r"\.[A-Za-z0-9]+$")


def migration_key(filename: str) -> str:
    """A migration file's name without its folder, version, suffixes and generic words.

    >>> migration_key("phase-7/005_recommendation_v2_schema.sql"), migration_key("V2__create_ab_tests.up.sql")
    ('recommendation_v2', 'ab_tests')
    """
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    words = [w for w in _SPLIT.split(normalise_name(base)) if w]
    if words and words[-1] == "sql":
        words.pop()
    while words and (_VERSION.match(words[0]) or words[0] in _NOISE):
        words.pop(0)
    while words and words[-1] in _NOISE:
        words.pop()
    return "_".join(words)


def module_names(units: Sequence[Unit], paths: Iterable[str]) -> dict[str, frozenset[str]]:
    """Service unit path -> the names of the folders and files of its code below the unit."""
    found: dict[str, set[str]] = {}
    index = unit_index(units)
    for rel in paths:
        unit = unit_in(index, rel)
        if unit is None or unit.kind != "service":
            continue
        below = rel[len(unit.path) :].strip("/") if unit.path else rel
        parts = below.split("/")
        parts[-1] = _CODE_SUFFIX.sub("", parts[-1])
        names = found.setdefault(unit.path, set())
        names.update(n for p in parts if (n := normalise_name(p.replace("-", "_"))) not in GENERIC_MODULES)
    return {path: frozenset(names) for path, names in found.items()}


class ModuleIndex:
    """Which service has a code module of a given name."""

    def __init__(self, modules: Mapping[str, frozenset[str]], services: Mapping[str, str]) -> None:
        self.by_name: dict[str, set[str]] = {}
        for unit_path, names in modules.items():
            if service := services.get(unit_path, ""):
                for name in names:
                    self.by_name.setdefault(name, set()).add(service)

    def service(self, filename: str) -> tuple[str, str] | None:
        """``(service, module)`` when the file's name names a module of one service only."""
        key = migration_key(filename)
        holders = self.by_name.get(key, set()) if "_" in key else set()
        if len(holders) != 1:
            return None
        return next(iter(holders)), key
