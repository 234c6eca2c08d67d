"""Reading ``fkmap.toml``: find it, parse it, validate it into :class:`~ownership.config.Config`.

:func:`load_config` and :func:`parse_config` never raise. Whatever is wrong in
the file becomes a :class:`~model.inventory.Diagnostic` (code ``config``)
naming the file, the key and, where it can be found, the line; the faulty
entry is ignored and the rest kept. The values are read through
:class:`~ownership.config_checks.ConfigChecker`, which also refuses regular
expressions that could match in exponential time.

Examples
--------
>>> cfg, diags = parse_config('''
... [services.auth]
... tables = ["users"]
... [[replicas]]
... table = "msg:users"
... owner = "auth"
... ''')
>>> [s.name for s in cfg.services], cfg.replicas[0].owner, diags
(['auth'], 'auth', [])
>>> _, diags = parse_config('[servics.auth]')
>>> diags[0].message
"unknown key 'servics' in fkmap.toml; did you mean 'services'?"
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from model.inventory import Diagnostic
from ownership.config import (
    DEFAULT_DATABASE_PATTERN,
    DEFAULT_IGNORE_TABLES,
    DEFAULT_SCHEMA_PATTERN,
    MAP_BY,
    Config,
    InferConfig,
    InferRef,
    Replica,
    ServiceRule,
)
from ownership.config_checks import ConfigChecker, Key, KeyLines, config_diagnostic, display_key, kind_of

__all__ = ["CONFIG_NAME", "find_config", "load_config", "parse_config"]

CONFIG_NAME = "fkmap.toml"


def find_config(sources: Sequence[str]) -> Path | None:
    """``fkmap.toml`` in the first source that is a local path (its directory for a file).

    DSNs and other non-paths are skipped; returns None when that directory has no file.
    """
    for source in sources:
        try:
            path = Path(source)
            if not path.exists():
                continue
            directory = path if path.is_dir() else path.parent
            candidate = directory / CONFIG_NAME
            return candidate if candidate.is_file() else None
        except (OSError, ValueError):
            continue
    return None


def load_config(path: str | Path) -> tuple[Config, list[Diagnostic]]:
    """Read ``fkmap.toml``; never raises. Unreadable or malformed => ``Config()`` + an error."""
    label = str(path)
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        why = "is not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else f"cannot be read ({exc})"
        return Config(path=label), [
            config_diagnostic("error", f"{Path(label).name} {why}; using defaults", label)
        ]
    return parse_config(text, label)


def parse_config(text: str, path: str = CONFIG_NAME) -> tuple[Config, list[Diagnostic]]:
    """Parse ``fkmap.toml`` text (``path`` only labels the diagnostics); never raises."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line = 0
        found = re.search(r"\s*\(at line (\d+), column (\d+)\)", message)
        where = ""
        if found:
            line = int(found.group(1))
            where = f" at line {line}, column {found.group(2)}"
            message = message[: found.start()] + message[found.end() :]
        excerpt = KeyLines(text).excerpt(line)
        name = Path(path).name
        msg = f"{name} is not valid TOML{where}: {message}; using defaults"
        return Config(path=path), [config_diagnostic("error", msg, path, line, excerpt)]
    except Exception as exc:  # e.g. RecursionError on absurd nesting
        msg = f"{Path(path).name} cannot be parsed ({type(exc).__name__}); using defaults"
        return Config(path=path), [config_diagnostic("error", msg, path)]
    reader = _Reader(text, path)
    try:
        config = reader.config(data)
        return config, sorted(reader.diagnostics, key=lambda d: d.line)
    except Exception as exc:  # a bug here must not stop a scan
        msg = f"{Path(path).name} could not be applied ({type(exc).__name__}: {exc}); using defaults"
        return Config(path=path), [*reader.diagnostics, config_diagnostic("error", msg, path)]


_TOP_KEYS = ("scan", "services", "replicas", "infer")
_SCAN_KEYS = (
    "dialect",
    "map_by",
    "database_pattern",
    "schema_pattern",
    "ignore_tables",
    "code",
    "follow_symlinks",
)
_SERVICE_KEYS = ("description", "paths", "tables", "databases", "schemas")
_REPLICA_KEYS = ("table", "owner", "deny")
_INFER_KEYS = ("enabled", "suffixes", "references")
_REFERENCE_KEYS = ("column", "target")


class _Reader(ConfigChecker):
    """Walks the parsed TOML section by section, validating as it goes and collecting diagnostics."""

    def config(self, data: dict[str, Any]) -> Config:
        self.known_keys(data, _TOP_KEYS, ())
        kwargs: dict[str, Any] = {"path": self.path}
        scan = self.table(data["scan"], ("scan",)) if "scan" in data else None
        if scan is not None:
            kwargs.update(self.scan(scan))
        services = self.table(data["services"], ("services",)) if "services" in data else None
        rules = self.services(services) if services is not None else ()
        kwargs["services"] = rules
        declared = {r.name for r in rules}
        kwargs["replicas"] = self.replicas(data["replicas"], declared) if "replicas" in data else ()
        infer = self.table(data["infer"], ("infer",)) if "infer" in data else None
        if infer is not None:
            kwargs["infer"] = self.infer(infer, declared)
        return Config(**kwargs)

    def scan(self, data: dict[str, Any]) -> dict[str, Any]:
        self.known_keys(data, _SCAN_KEYS, ("scan",))
        out: dict[str, Any] = {}
        if "dialect" in data:
            dialect = self.string(data, ("scan", "dialect"))
            out["dialect"] = dialect.lower() or None
        if "map_by" in data:
            map_by = self.string(data, ("scan", "map_by"), "path")
            if map_by not in MAP_BY:
                close = difflib.get_close_matches(map_by.lower(), MAP_BY, n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                self.report(
                    "error",
                    f"'scan.map_by' is {map_by!r}; {hint}use one of {', '.join(MAP_BY)}; using 'path'",
                    ("scan", "map_by"),
                )
                map_by = "path"
            else:
                out["map_by_set"] = True
            out["map_by"] = map_by
        for name, default in (
            ("database_pattern", DEFAULT_DATABASE_PATTERN),
            ("schema_pattern", DEFAULT_SCHEMA_PATTERN),
        ):
            if name in data:
                out[name] = self.regex(data, ("scan", name), default)
        if "ignore_tables" in data:
            out["ignore_tables"] = self.strings(data, ("scan", "ignore_tables"), DEFAULT_IGNORE_TABLES)
        if "code" in data:
            out["code"] = self.boolean(data, ("scan", "code"))
        if "follow_symlinks" in data:
            follow = data["follow_symlinks"]
            if not isinstance(follow, bool):
                message = f"'scan.follow_symlinks' must be true or false, not {kind_of(follow)}; using false"
                self.report("error", message, ("scan", "follow_symlinks"))
            out["follow_symlinks"] = follow is True
        return out

    def services(self, data: dict[str, Any]) -> tuple[ServiceRule, ...]:
        rules = []
        for name, body in data.items():
            key: Key = ("services", name)
            if not name.strip():
                self.report("error", "a service name must not be empty; entry ignored", key)
                continue
            if not isinstance(body, dict):
                close = difflib.get_close_matches(name.lower(), _TOP_KEYS + _SERVICE_KEYS, n=1)
                hint = f" ('{name}' looks like a key, not a service name: did you mean [{close[0]}]?)"
                self.report(
                    "error",
                    f"'services.{name}' must be a table ([services.{name}]), not "
                    f"{kind_of(body)}; ignored{hint if close else ''}",
                    key,
                )
                continue
            self.known_keys(body, _SERVICE_KEYS, key)
            lines: tuple[tuple[str, int], ...] = (("", self.where.line_of(key)),)
            lines += tuple((k, self.where.line_of((*key, k))) for k in _SERVICE_KEYS if k in body)
            rules.append(
                ServiceRule(
                    name=name,
                    description=self.string(body, (*key, "description")),
                    paths=self.strings(body, (*key, "paths")),
                    tables=self.strings(body, (*key, "tables")),
                    databases=self.strings(body, (*key, "databases")),
                    schemas=self.strings(body, (*key, "schemas")),
                    lines=lines,
                )
            )
        return tuple(rules)

    def replicas(self, value: Any, declared: set[str]) -> tuple[Replica, ...]:
        if not isinstance(value, list):
            self.report(
                "error",
                f"'replicas' must be an array of tables ([[replicas]]), not {kind_of(value)}; ignored",
                ("replicas",),
            )
            return ()
        out = []
        for i, item in enumerate(value):
            key: Key = ("replicas", i)
            body = self.table(item, key)
            if body is None:
                continue
            self.known_keys(body, _REPLICA_KEYS, key)
            deny = self.boolean(body, (*key, "deny"))
            table = self.string(body, (*key, "table"), required=True)
            owner = self.string(body, (*key, "owner"), required=not deny)
            if not (table and (owner or deny)):
                continue
            if owner and owner not in declared:
                self.report(
                    "warning",
                    self._undeclared(owner, declared, f"'{display_key((*key, 'owner'))}'"),
                    (*key, "owner"),
                )
            out.append(Replica(table, owner, deny, self.where.line_of(key)))
        return tuple(out)

    def infer(self, data: dict[str, Any], declared: set[str]) -> InferConfig:
        self.known_keys(data, _INFER_KEYS, ("infer",))
        enabled = self.boolean(data, ("infer", "enabled"))
        suffixes = self.strings(data, ("infer", "suffixes"), InferConfig.suffixes)
        refs: list[InferRef] = []
        value = data.get("references", [])
        if not isinstance(value, list):
            self.report(
                "error",
                "'infer.references' must be an array of tables ([[infer.references]]), "
                f"not {kind_of(value)}; ignored",
                ("infer", "references"),
            )
            value = []
        for i, item in enumerate(value):
            key: Key = ("infer", "references", i)
            body = self.table(item, key)
            if body is None:
                continue
            self.known_keys(body, _REFERENCE_KEYS, key)
            column = self.string(body, (*key, "column"), required=True)
            target = self.string(body, (*key, "target"), required=True)
            if not (column and target):
                continue
            service, colon, table = target.partition(":")
            if not (colon and service and table):
                self.report(
                    "error",
                    f"'{display_key((*key, 'target'))}' is {target!r}; write it as "
                    "'service:table' (e.g. 'auth:users'); entry ignored",
                    (*key, "target"),
                )
                continue
            if service not in declared:
                self.report(
                    "warning",
                    self._undeclared(service, declared, f"the service of '{display_key((*key, 'target'))}'"),
                    (*key, "target"),
                )
            refs.append(InferRef(column, target))
        return InferConfig(enabled=enabled, suffixes=suffixes, references=tuple(refs))

    def _undeclared(self, name: str, declared: set[str], what: str) -> str:
        close = difflib.get_close_matches(name, sorted(declared), n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return (
            f"{what} names service {name!r}, which no [services.{name}] declares; {hint}"
            f"declare it so its description and rules apply"
        )
