"""Deployable units of a repository: folders with their own build manifest or container file.

A folder holding a ``Dockerfile``/``Containerfile``, ``Cargo.toml``, ``package.json``, ``go.mod``,
``go.work``, ``pom.xml``, ``build.gradle(.kts)``, ``pyproject.toml``, ``setup.py``, ``requirements.txt``,
``Gemfile``, ``*.csproj``, ``mix.exs`` or ``composer.json`` is a :class:`Unit`. Units nest: the innermost
unit owns a file (:func:`unit_of`).

Kinds:

* ``"root"``: the repository root when it has a manifest and is a workspace root (Cargo
  ``[workspace]``, package.json ``"workspaces"``, ``go.work``, uv ``[tool.uv.workspace]``) or has
  other units below it. A root with a manifest and nothing below it is a ``"service"``.
* ``"library"``: a unit below ``crates/``, ``shared/`` or ``common/``; or below ``libs/``, ``lib/``,
  ``packages/`` when nothing says it is deployable (a container file, a Cargo binary target or
  ``src/main.rs``, a package.json ``start`` script or ``bin``, a Go ``main.go`` or ``cmd/``, Python
  scripts or an entry file, a Rack ``config.ru``).
* ``"service"``: every other unit.

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
import json
import os
import posixpath
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

__all__ = ["MAX_DEPTH", "SKIP_DIRS", "Unit", "UnitKind", "find_units", "is_manifest", "unit_of"]

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
_PY_ENTRY_FILES = ("__main__.py", "manage.py", "main.py", "app.py", "wsgi.py", "asgi.py")
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


def _is_container_file(filename: str) -> bool:
    return filename.startswith(("Dockerfile", "Containerfile")) or filename.endswith(".Dockerfile")


@dataclass
class _Info:
    """What the manifests of one folder say."""

    path: str
    manifests: tuple[str, ...]
    names: set[tuple[str, str]] = field(default_factory=set)  # (ecosystem, package name)
    dep_paths: set[str] = field(default_factory=set)
    dep_names: set[tuple[str, str]] = field(default_factory=set)
    workspace: bool = False
    deployable: bool = False


def _walk(root: Path) -> Iterator[tuple[str, list[str]]]:
    """Yield ``(relative folder, file names)`` for every folder, depth-first, no symlinks."""
    stack: list[tuple[str, int]] = [("", 0)]
    while stack:
        rel, depth = stack.pop()
        try:
            with os.scandir(root / rel if rel else root) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        files = [e.name for e in entries if e.is_file(follow_symlinks=False)]
        yield rel, files
        if depth >= MAX_DEPTH:
            continue
        for e in reversed(entries):
            if e.is_dir(follow_symlinks=False) and not e.name.startswith(".") and e.name not in SKIP_DIRS:
                stack.append((f"{rel}/{e.name}" if rel else e.name, depth + 1))


def _load(path: Path) -> Any:
    """Parsed TOML/JSON content, or ``None`` when unreadable."""
    try:
        if path.suffix == ".toml":
            with path.open("rb") as fh:
                return tomllib.load(fh)
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def _table(data: Any, *keys: str) -> dict[str, Any]:
    """``data[k1][k2]...`` when every step is a table, else ``{}``."""
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def _rel_join(base: str, target: str) -> str | None:
    """``base/target`` normalized, ``None`` when it leaves the root or is absolute."""
    if target.startswith("/"):
        return None
    joined = posixpath.normpath(posixpath.join(base, target))
    if joined == ".." or joined.startswith("../"):
        return None
    return "" if joined == "." else joined


def _cargo_dep_tables(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    kinds = ("dependencies", "dev-dependencies", "build-dependencies")
    yield from (_table(data, k) for k in kinds)
    for target in _table(data, "target").values():
        yield from (_table(target, k) for k in kinds)


def _read_cargo(info: _Info, root: Path, workspace_deps: Mapping[str, Any]) -> None:
    data = _load(root / info.path / "Cargo.toml")
    if not isinstance(data, dict):
        return
    workspace = data.get("workspace")  # a workspace root; not a package that is also one (members ["."])
    info.workspace |= isinstance(workspace, dict) and bool(workspace.get("members")) and "package" not in data
    for deps in _cargo_dep_tables(data):
        for name, spec in deps.items():
            if isinstance(spec, dict) and spec.get("workspace") is True:
                spec, base = workspace_deps.get(name), ""
            else:
                base = info.path
            path = spec.get("path") if isinstance(spec, dict) else None
            if isinstance(path, str) and (target := _rel_join(base, path)) is not None:
                info.dep_paths.add(target)
    src = root / info.path / "src"
    info.deployable |= "bin" in data or (src / "main.rs").is_file() or (src / "bin").is_dir()


def _read_package_json(info: _Info, root: Path) -> None:
    data = _load(root / info.path / "package.json")
    if not isinstance(data, dict):
        return
    if isinstance(data.get("name"), str):
        info.names.add(("npm", data["name"]))
    info.workspace |= bool(data.get("workspaces")) or (root / info.path / "pnpm-workspace.yaml").is_file()
    for key in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
        for name, spec in _table(data, key).items():
            info.dep_names.add(("npm", name))
            local = isinstance(spec, str) and spec.startswith(("file:", "link:"))
            if local and (target := _rel_join(info.path, str(spec).split(":", 1)[1])) is not None:
                info.dep_paths.add(target)
    info.deployable |= "bin" in data or "start" in _table(data, "scripts")


def _go_directives(text: str) -> Iterator[tuple[str, list[str]]]:
    """``(verb, tokens)`` per go.mod/go.work directive, block forms ``verb ( ... )`` unrolled."""
    block = ""
    for raw in text.splitlines():
        tokens = raw.split("//", 1)[0].split()
        if not tokens:
            continue
        if block:
            if tokens == [")"]:
                block = ""
            else:
                yield block, tokens
        elif tokens[1:] == ["("]:
            block = tokens[0]
        else:
            yield tokens[0], tokens[1:]


def _read_go(info: _Info, root: Path, filename: str) -> None:
    try:
        text = (root / info.path / filename).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return
    for verb, args in _go_directives(text):
        if verb == "module" and args:
            info.names.add(("go", args[0].strip('"')))
        elif verb == "require" and args:
            info.dep_names.add(("go", args[0].strip('"')))
        elif verb == "replace" and "=>" in args[:-1]:
            target = args[args.index("=>") + 1]
            if target.startswith(".") and (joined := _rel_join(info.path, target)) is not None:
                info.dep_paths.add(joined)
    if filename == "go.work":
        info.workspace = True
    directory = root / info.path
    info.deployable |= (directory / "main.go").is_file() or (directory / "cmd").is_dir()


def _py_name(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _read_pyproject(info: _Info, root: Path) -> None:
    data = _load(root / info.path / "pyproject.toml")
    if not isinstance(data, dict):
        return
    if isinstance(name := _table(data, "project").get("name"), str):
        info.names.add(("py", _py_name(name)))
    info.workspace |= bool(_table(data, "tool", "uv", "workspace"))
    sources = [_table(data, "tool", "uv", "sources"), _table(data, "tool", "poetry", "dependencies")]
    sources += [_table(g, "dependencies") for g in _table(data, "tool", "poetry", "group").values()]
    for deps in sources:
        for dep, spec in deps.items():
            if isinstance(spec, dict) and isinstance(spec.get("path"), str):
                if (target := _rel_join(info.path, spec["path"])) is not None:
                    info.dep_paths.add(target)
            elif isinstance(spec, dict) and spec.get("workspace") is True:
                info.dep_names.add(("py", _py_name(dep)))
    scripts = _table(data, "project", "scripts") or _table(data, "tool", "poetry", "scripts")
    info.deployable |= bool(scripts)


def _read_info(info: _Info, root: Path, workspace_deps: Mapping[str, Any]) -> None:
    manifests = set(info.manifests)
    info.deployable = any(_is_container_file(m) for m in manifests)
    if "Cargo.toml" in manifests:
        _read_cargo(info, root, workspace_deps)
    if "package.json" in manifests:
        _read_package_json(info, root)
    for go_file in ("go.mod", "go.work"):
        if go_file in manifests:
            _read_go(info, root, go_file)
    if "pyproject.toml" in manifests:
        _read_pyproject(info, root)
    if manifests & {"pyproject.toml", "setup.py", "requirements.txt"}:
        info.deployable |= any((root / info.path / f).is_file() for f in _PY_ENTRY_FILES)
    if "Gemfile" in manifests:
        info.deployable |= (root / info.path / "config.ru").is_file()


def _database_image(root: Path, info: _Info) -> bool:
    """True when the unit's only manifest is a container file ``FROM`` a database server image."""
    if any(not _is_container_file(m) for m in info.manifests):
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


def _kind(info: _Info, has_members: bool, used: bool, root: Path) -> UnitKind:
    """``root`` for a workspace, ``tooling`` under tests/examples/tools, ``database`` for a database
    image, ``library`` for shared code (a library folder, or a non-deployable unit another one uses)."""
    if info.path == "":
        return "root" if info.workspace or has_members else "service"
    segments = info.path.split("/")
    if info.workspace:
        return "root"
    if any(s.lower() in TOOLING_DIRS for s in segments):
        return "tooling"
    only_containers = all(_is_container_file(m) for m in info.manifests)
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
    infos = [
        _Info(rel, tuple(sorted(f for f in files if is_manifest(f))))
        for rel, files in _walk(root)
        if any(is_manifest(f) for f in files)
    ]
    infos.sort(key=lambda i: (i.path != "", i.path))
    root_cargo = _load(root / "Cargo.toml") if infos and infos[0].path == "" else None
    workspace_deps = _table(root_cargo, "workspace", "dependencies")
    for info in infos:
        _read_info(info, root, workspace_deps)
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
    return {u.path: u for u in units}


def unit_of(units: Sequence[Unit], relpath: str) -> Unit | None:
    """The innermost unit containing ``relpath`` (a relative POSIX file or folder path), if any."""
    index = _index(tuple(units))
    path = relpath.strip("/")
    while True:
        if path in index:
            return index[path]
        if not path:
            return None
        path = path.rsplit("/", 1)[0] if "/" in path else ""
