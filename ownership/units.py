"""Deployable units of a repository: folders with their own build manifest or container file.

A folder holding a ``Dockerfile``/``Containerfile``, ``Cargo.toml``, ``package.json``, ``go.mod``,
``go.work``, ``pom.xml``, ``build.gradle(.kts)``, ``pyproject.toml``, ``setup.py``, ``requirements.txt``,
``Gemfile``, ``*.csproj``, ``mix.exs`` or ``composer.json`` is a :class:`Unit`. Units nest: the innermost
unit owns a file (:func:`unit_of`).

Kinds:

* ``"root"``: a workspace root (Cargo ``[workspace]`` with members and no ``[package]``,
  package.json ``"workspaces"``, ``go.work``, uv ``[tool.uv.workspace]``), anywhere; and the
  repository root when a service unit sits below it. A root with a manifest and no service below
  it is a ``"service"`` (kratos: one Go service with vendored libraries and test harnesses).
* ``"tooling"``: a unit below a folder of tests, examples, tools or infrastructure
  (:data:`TOOLING_DIRS`: ``test``, ``e2e``, ``examples``, ``scripts``, ``docker``, ``k8s``...).
* ``"database"``: a unit with only a container file, ``FROM`` a database server image
  (``postgres``, ``mysql``...) or in a schema folder (``db``, ``migrations``, ``initdb``...).
* ``"library"``: a unit below ``crates/``, ``shared/`` or ``common/``; or below ``libs/``, ``lib/``,
  ``packages/`` when nothing says it is deployable (a container file, a Cargo binary target or
  ``src/main.rs``, a package.json ``start`` script or ``bin``, a Go ``main.go`` or ``cmd/``, Python
  scripts or an entry file, a Rack ``config.ru``); a non-deployable unit another unit depends on;
  and a unit inside a library or tooling unit.
* ``"service"``: every other unit. Only services own tables.

``depends_on`` lists the paths of the units a unit builds against: Cargo ``path`` and
``workspace = true`` dependencies, package.json dependencies naming an in-repo package (any spec, or
``file:``/``link:`` paths), go.mod ``replace ... => ../x`` and requires of in-repo modules, Poetry/uv
``path`` sources and uv ``workspace = true`` sources.

Vendored, generated and build folders (``node_modules``, ``target``, ``dist``, ``build``,
``vendor``, ``out``, ``.next``, ``__pycache__`` and every hidden folder) are skipped, symbolic links
are never followed and the walk stops at depth 8. Manifests are read with real parsers
(``tomllib``, ``json``, a go.mod tokenizer) and a manifest that does not parse still marks a unit.

Examples
--------
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     root = Path(tmp, "shop")
...     for rel, text in {
...         "Cargo.toml": '[workspace]\\nmembers = ["auth", "crates/db"]',
...         "auth/Cargo.toml": '[package]\\nname = "auth"\\n[dependencies]\\ndb = { path = "../crates/db" }',
...         "auth/Dockerfile": "FROM scratch",
...         "crates/db/Cargo.toml": '[package]\\nname = "db"\\n[lib]',
...     }.items():
...         Path(root, rel).parent.mkdir(parents=True, exist_ok=True)
...         _ = Path(root, rel).write_text(text)
...     units = find_units(root)
>>> [(u.name, u.path, u.kind, u.depends_on) for u in units]
[('shop', '', 'root', ()), ('auth', 'auth', 'service', ('crates/db',)), ('db', 'crates/db', 'library', ())]
>>> unit_of(units, "auth/src/main.rs").name
'auth'
>>> unit_of(units, "docs/readme.md").path
''
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ownership.manifests import Info, is_container_file, read_info, workspace_dependencies

__all__ = [
    "MAX_DEPTH",
    "SKIP_DIRS",
    "Unit",
    "UnitKind",
    "find_units",
    "is_manifest",
    "unit_in",
    "unit_index",
    "unit_of",
    "walk_tree",
]

UnitKind = Literal["service", "library", "root", "tooling", "database"]

#: Folders never descended into (hidden folders are skipped as well).
SKIP_DIRS = frozenset(
    {"node_modules", "target", "dist", "build", "vendor", "out", ".next", "__pycache__", ".git", ".venv"}
    | {"venv", "site-packages", "bower_components"}
)
#: Deepest folder level looked at (the root is level 0).
MAX_DEPTH = 8

_MANIFESTS = frozenset(
    {"Dockerfile", "Containerfile", "Cargo.toml", "package.json", "go.mod", "go.work", "pom.xml"}
    | {"build.gradle", "build.gradle.kts", "pyproject.toml", "setup.py", "requirements.txt", "Gemfile"}
    | {"mix.exs", "composer.json"}
)
_ALWAYS_LIBRARY = frozenset({"crates", "shared", "common"})
_LIBRARY_UNLESS_DEPLOYABLE = frozenset({"libs", "lib", "packages"})
#: Folders of tests, examples and tools: a unit under one never owns a table (kind ``tooling``).
TOOLING_DIRS = frozenset(
    {"test", "tests", "e2e", "testing", "__tests__", "spec", "specs", "fixtures", "testdata", "mock", "mocks"}
    | {"integrationtest", "integration-tests", "integration_tests", "examples", "example", "samples"}
    | {"sample", "docs", "doc", "benchmark", "benchmarks", "bench", "scripts", "tools", "hack"}
    | {"docker", "k8s", "kubernetes", "helm", "charts", "deploy", "deployment", "deployments", "infra"}
    | {"infrastructure", "terraform", "ops", "monitoring", "grafana", "prometheus", "nix", "ci", ".github"}
)
#: Schema folders: a unit there with only a container file holds a database, not a service.
_SCHEMA_DIRS = frozenset(
    {"migrations", "migration", "db", "database", "databases", "sql", "schema", "initdb"}
)
#: Container images of database servers: a unit that only builds one is a database, not a service.
_DATABASE_IMAGES = frozenset(
    {"postgres", "postgis", "mysql", "mariadb", "mongo", "redis", "cockroach", "timescaledb", "mssql"}
)


@dataclass(frozen=True, slots=True)
class Unit:
    """One deployable unit (or library, or the workspace root).

    ``path`` is relative to the scanned root in POSIX form, ``""`` for the root itself;
    ``manifests`` the sorted names of the manifest files found in the folder; ``depends_on`` the
    sorted paths of the in-repo units it depends on.
    """

    name: str
    path: str
    manifests: tuple[str, ...]
    kind: UnitKind
    depends_on: tuple[str, ...] = ()


def is_manifest(filename: str) -> bool:
    """Whether a file name marks its folder as a unit.

    >>> [is_manifest(n) for n in ("Cargo.toml", "api.csproj", "Dockerfile.prod", "README.md")]
    [True, True, True, False]
    """
    if filename in _MANIFESTS or filename.endswith(".csproj"):
        return True
    return filename.startswith(("Dockerfile.", "Containerfile.")) or filename.endswith(".Dockerfile")


def walk_tree(
    root: Path, *, max_depth: int = MAX_DEPTH, skip: Callable[[str], bool] = lambda name: False
) -> Iterator[tuple[str, list[os.DirEntry[str]]]]:
    """Yield ``(relative folder, its files)`` for every folder under ``root``, depth-first in name
    order, no symlinks followed, no hidden, vendored or build folder (:data:`SKIP_DIRS`) nor one
    whose name ``skip`` refuses, nothing below ``max_depth``."""
    stack: list[tuple[str, int]] = [("", 0)]
    while stack:
        rel, depth = stack.pop()
        try:
            with os.scandir(root / rel if rel else root) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        yield rel, [e for e in entries if e.is_file(follow_symlinks=False)]
        if depth >= max_depth:
            continue
        for e in reversed(entries):
            name = e.name
            hidden = name.startswith(".") or name in SKIP_DIRS
            if not hidden and e.is_dir(follow_symlinks=False) and not skip(name):
                stack.append((f"{rel}/{name}" if rel else name, depth + 1))


def _database_image(root: Path, info: Info) -> bool:
    """True when the unit's only manifest is a container file ``FROM`` a database server image."""
    if any(not is_container_file(m) for m in info.manifests):
        return False
    for name in info.manifests:
        try:
            lines = (root / info.path / name).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        for line in lines:
            words = line.split()
            if len(words) >= 2 and words[0].upper() == "FROM":
                image = words[1].rsplit("/", 1)[-1].split(":", 1)[0].split("@", 1)[0].lower()
                if any(image == db or image.startswith(db + "-") for db in _DATABASE_IMAGES):
                    return True
    return False


def _kind(info: Info, has_members: bool, used: bool, root: Path) -> UnitKind:
    """``root`` for a workspace, ``tooling`` under tests/examples/tools, ``database`` for a database
    image, ``library`` for shared code (a library folder, or a non-deployable unit another one uses)."""
    if info.path == "":
        return "root" if info.workspace or has_members else "service"
    segments = info.path.split("/")
    if info.workspace:
        return "root"
    if any(s.lower() in TOOLING_DIRS for s in segments):
        return "tooling"
    only_containers = all(is_container_file(m) for m in info.manifests)
    if only_containers and (segments[-1].lower() in _SCHEMA_DIRS or _database_image(root, info)):
        return "database"
    if used and not info.deployable:
        return "library"
    if any(s in _ALWAYS_LIBRARY for s in segments):
        return "library"
    if any(s in _LIBRARY_UNLESS_DEPLOYABLE for s in segments) and not info.deployable:
        return "library"
    return "service"


def find_units(root: Path) -> tuple[Unit, ...]:
    """All units under ``root``, the root first, then by path (see the module docstring)."""
    root = Path(root)
    infos = []
    for rel, entries in walk_tree(root):
        manifests = tuple(sorted(e.name for e in entries if is_manifest(e.name)))
        if manifests:
            infos.append(Info(rel, manifests))
    infos.sort(key=lambda i: (i.path != "", i.path))
    workspace_deps = workspace_dependencies(root) if infos and infos[0].path == "" else {}
    for info in infos:
        read_info(info, root, workspace_deps)
    by_name = {name: info.path for info in infos for name in info.names}
    paths = [info.path for info in infos]
    deps_of: dict[str, tuple[str, ...]] = {}
    for info in infos:
        deps = {p for p in (_owner(paths, d) for d in info.dep_paths) if p is not None}
        deps |= {by_name[n] for n in info.dep_names if n in by_name}
        deps.discard(info.path)
        deps_of[info.path] = tuple(sorted(deps))
    used = {d for deps in deps_of.values() for d in deps}
    kinds: dict[str, UnitKind] = {}
    for info in infos:  # by path: an outer unit before the units inside it
        if info.path:
            kind = _kind(info, False, info.path in used, root)
            outer = _owner(paths, info.path.rsplit("/", 1)[0]) if "/" in info.path else None
            if outer is not None and kinds[outer] in ("library", "tooling") and kind == "service":
                kind = kinds[outer]  # a unit inside a library or a test harness is part of it
            kinds[info.path] = kind
    if infos and infos[0].path == "":  # the root is a workspace when a service sits below it
        kinds[""] = _kind(infos[0], "service" in kinds.values(), False, root)
    units = []
    for info in infos:
        name = info.path.rsplit("/", 1)[-1] if info.path else root.resolve().name
        units.append(Unit(name, info.path, info.manifests, kinds[info.path], deps_of[info.path]))
    return tuple(units)


def _owner(paths: Sequence[str], target: str) -> str | None:
    """The unit path equal to ``target`` or innermost above it (not the root: a path dep is a folder)."""
    best = None
    for p in paths:
        if p and (target == p or target.startswith(p + "/")) and (best is None or len(p) > len(best)):
            best = p
    return best


@functools.lru_cache(maxsize=32)
def _index(units: tuple[Unit, ...]) -> dict[str, Unit]:
    return unit_index(units)


def unit_index(units: Iterable[Unit]) -> dict[str, Unit]:
    """The units by path, for :func:`unit_in`: built once for many look-ups (:func:`unit_of` hashes
    every unit at each call)."""
    return {u.path: u for u in units}


def unit_of(units: Sequence[Unit], relpath: str) -> Unit | None:
    """The innermost unit containing ``relpath`` (a relative POSIX file or folder path), if any."""
    return unit_in(_index(tuple(units)), relpath)


def unit_in(index: Mapping[str, Unit], relpath: str) -> Unit | None:
    """:func:`unit_of` over a :func:`unit_index`."""
    path = relpath.strip("/")
    while True:
        if path in index:
            return index[path]
        if not path:
            return None
        path = path.rsplit("/", 1)[0] if "/" in path else ""
