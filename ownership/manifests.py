"""What a folder's manifests say: package names, in-repo dependencies, workspace roots, deployability.

:func:`read_info` fills an :class:`Info` from the manifests found in one folder
(Cargo.toml, package.json, go.mod/go.work, pyproject.toml, Python entry files,
Gemfile with config.ru, container files); :mod:`ownership.units` turns the
infos of a tree into units.
"""

from __future__ import annotations

import json
import posixpath
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Info", "is_container_file", "read_info", "workspace_dependencies"]

_PY_ENTRY_FILES = ("__main__.py", "manage.py", "main.py", "app.py", "wsgi.py", "asgi.py")


def is_container_file(filename: str) -> bool:
    return filename.startswith(("Dockerfile", "Containerfile")) or filename.endswith(".Dockerfile")


@dataclass
class Info:
    """What the manifests of one folder say."""

    path: str
    manifests: tuple[str, ...]
    names: set[tuple[str, str]] = field(default_factory=set)  # (ecosystem, package name)
    dep_paths: set[str] = field(default_factory=set)
    dep_names: set[tuple[str, str]] = field(default_factory=set)
    workspace: bool = False
    deployable: bool = False


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


def _read_cargo(info: Info, root: Path, workspace_deps: Mapping[str, Any]) -> None:
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


def _read_package_json(info: Info, root: Path) -> None:
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


def _read_go(info: Info, root: Path, filename: str) -> None:
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


def _read_pyproject(info: Info, root: Path) -> None:
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


def read_info(info: Info, root: Path, workspace_deps: Mapping[str, Any]) -> None:
    manifests = set(info.manifests)
    info.deployable = any(is_container_file(m) for m in manifests)
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


def workspace_dependencies(root: Path) -> dict[str, Any]:
    """The ``[workspace.dependencies]`` of the root ``Cargo.toml`` (members refer to them)."""
    return _table(_load(root / "Cargo.toml"), "workspace", "dependencies")
