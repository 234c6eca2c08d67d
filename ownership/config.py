"""``fkmap.toml``: the user's service map, read into frozen dataclasses.

:func:`load_config` never raises. Whatever is wrong in the file becomes a
:class:`~model.inventory.Diagnostic` (code ``config``) naming the file, the key and,
where it can be found, the line; the faulty entry is ignored and the rest kept.

Table globs are written ``[database:][schema.]name`` and matched with
:func:`fnmatch.fnmatchcase` (case-sensitive; ``*`` also matches ``/``, so
``services/*:users`` covers every migration set under ``services/``). Without a
database part any database matches, without a schema part any schema. The
database part ends at the first ``:``, the schema part at the first ``.`` after
it; write ``*:`` before a name that contains ``:`` and ``*.`` before a name
that contains ``.`` (or put the character in brackets: ``my[.]schema.t``).

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
import fnmatch
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from model.inventory import Diagnostic, Severity, TableRef

__all__ = [
    "CONFIG_NAME",
    "DEFAULT_DATABASE_PATTERN",
    "DEFAULT_IGNORE_TABLES",
    "DEFAULT_SCHEMA_PATTERN",
    "MAP_BY",
    "Config",
    "InferConfig",
    "InferRef",
    "Replica",
    "ServiceRule",
    "find_config",
    "load_config",
    "matches_table",
    "nested_repeat",
    "parse_config",
]

CONFIG_NAME = "fkmap.toml"
MAP_BY = ("path", "database", "schema")
DEFAULT_DATABASE_PATTERN = r"^(?P<service>.+?)(_db|_database)?$"
DEFAULT_SCHEMA_PATTERN = r"^(?P<service>.+)$"
#: Bookkeeping tables of migration tools; they hold no foreign keys worth mapping.
DEFAULT_IGNORE_TABLES: tuple[str, ...] = (
    "schema_migrations",
    "flyway_schema_history",
    "__diesel_schema_migrations",
    "_prisma_migrations",
    "_sqlx_migrations",
    "alembic_version",
    "goose_db_version",
    "knex_migrations",
    "knex_migrations_lock",
    "SequelizeMeta",
    "ar_internal_metadata",
    "databasechangelog",
    "databasechangeloglock",
)


@dataclass(frozen=True)
class ServiceRule:
    """One ``[services.<name>]`` table: globs that claim tables for the service."""

    name: str
    description: str = ""
    paths: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()
    databases: tuple[str, ...] = ()
    schemas: tuple[str, ...] = ()


@dataclass(frozen=True)
class Replica:
    """One ``[[replicas]]`` entry: tables matching ``table`` copy ``owner``'s entity."""

    table: str
    owner: str


@dataclass(frozen=True)
class InferRef:
    """One ``[[infer.references]]``: columns matching ``column`` point at ``target``.

    >>> ref = InferRef("*.sender_id", "auth:users")
    >>> ref.target_service, ref.target_table
    ('auth', 'users')
    >>> ref.matches(TableRef("msg", "public", "messages"), "sender_id")
    True
    """

    column: str
    target: str

    @property
    def target_service(self) -> str:
        """The service part of ``service:table``."""
        return self.target.partition(":")[0]

    @property
    def target_table(self) -> str:
        """The table glob part of ``service:table``."""
        return self.target.partition(":")[2]

    def matches(self, table: TableRef, column: str) -> bool:
        """True when ``table.column`` matches the ``[database:][schema.]table.column`` glob."""
        table_pattern, dot, column_pattern = self.column.rpartition(".")
        if not dot:
            table_pattern = "*"
        return fnmatchcase(column, column_pattern) and matches_table(table_pattern, table)


@dataclass(frozen=True)
class InferConfig:
    """``[infer]``: naming-based references, used only when enabled (``--infer``)."""

    enabled: bool = False
    suffixes: tuple[str, ...] = ("_id", "Id")
    references: tuple[InferRef, ...] = ()


@dataclass(frozen=True)
class Config:
    """The whole ``fkmap.toml``; ``Config()`` is the behaviour without a file."""

    dialect: str | None = None
    map_by: Literal["path", "database", "schema"] = "path"
    database_pattern: str = DEFAULT_DATABASE_PATTERN
    schema_pattern: str = DEFAULT_SCHEMA_PATTERN
    ignore_tables: tuple[str, ...] = DEFAULT_IGNORE_TABLES
    services: tuple[ServiceRule, ...] = ()
    replicas: tuple[Replica, ...] = ()
    infer: InferConfig = field(default_factory=InferConfig)
    path: str = ""

    @property
    def service_names(self) -> tuple[str, ...]:
        """Declared service names in file order."""
        return tuple(s.name for s in self.services)

    def service(self, name: str) -> ServiceRule | None:
        """The declared service called ``name``, or None."""
        return next((s for s in self.services if s.name == name), None)


def _split_outside_brackets(text: str, sep: str) -> tuple[str, str] | None:
    depth = False
    for i, ch in enumerate(text):
        if ch == "[":
            depth = True
        elif ch == "]":
            depth = False
        elif ch == sep and not depth:
            return text[:i], text[i + 1 :]
    return None


def matches_table(pattern: str, ref: TableRef) -> bool:
    """Match a ``[database:][schema.]name`` glob against a table (case-sensitive).

    >>> users = TableRef("services/auth/migrations", "public", "users")
    >>> matches_table("users", users), matches_table("public.user*", users)
    (True, True)
    >>> matches_table("auth.users", users), matches_table("Users", users)
    (False, False)
    >>> matches_table("services/*:users", users)
    True
    >>> matches_table("services/messaging/migrations:public.users", users)
    False
    >>> matches_table("*.a.b", TableRef("db", "public", "a.b"))
    True
    >>> matches_table("*:odd:name", TableRef("db", "public", "odd:name"))
    True
    """
    database, schema, name = _table_pattern(pattern)
    if database is not None and not database.match(ref.database):
        return False
    if schema is not None and not schema.match(ref.schema):
        return False
    return bool(name.match(ref.name))


_Compiled = tuple[re.Pattern[str] | None, re.Pattern[str] | None, re.Pattern[str]]


@lru_cache(maxsize=4096)
def _table_pattern(pattern: str) -> _Compiled:
    """Split a table glob into compiled database, schema and name parts (None = any)."""
    database = schema = None
    rest = pattern
    split = _split_outside_brackets(rest, ":")
    if split is not None:
        database, rest = split
    split = _split_outside_brackets(rest, ".")
    if split is not None:
        schema, rest = split

    def compile_glob(glob: str | None) -> re.Pattern[str] | None:
        return None if glob is None else re.compile(fnmatch.translate(glob))

    return compile_glob(database), compile_glob(schema), re.compile(fnmatch.translate(rest))


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


def nested_repeat(pattern: str) -> bool:
    """True when ``pattern`` repeats (``*``, ``+``, ``{n,}``) something that itself repeats.

    Such patterns (``(a+)+``, ``(\\w+\\s?)*``) backtrack exponentially on a near miss, and
    ``fkmap.toml`` is read from the scanned repository: they are refused. Possessive
    repeats and atomic groups never backtrack and are allowed.

    >>> nested_repeat(r"^(a+)+$"), nested_repeat(DEFAULT_DATABASE_PATTERN), nested_repeat(r"(?>a+)+")
    (True, False, False)
    """
    try:
        import importlib

        c: Any = importlib.import_module("re._constants")  # the parser the re module itself uses
        tree = importlib.import_module("re._parser").parse(pattern)
    except Exception:
        return False
    repeats = (c.MAX_REPEAT, c.MIN_REPEAT)

    def walk(items: Any, inside: bool) -> bool:
        for op, av in items:
            if op in repeats:
                _low, high, sub = av
                many = high == c.MAXREPEAT or high > 16
                if many and inside:
                    return True
                if walk(sub, inside or many):
                    return True
            elif (
                (op == c.SUBPATTERN and walk(av[-1], inside))
                or (op == c.BRANCH and any(walk(branch, inside) for branch in av[1]))
                or (op in (c.ASSERT, c.ASSERT_NOT) and walk(av[1], inside))
            ):
                return True
        return False

    return walk(tree, False)


def load_config(path: str | Path) -> tuple[Config, list[Diagnostic]]:
    """Read ``fkmap.toml``; never raises. Unreadable or malformed => ``Config()`` + an error."""
    label = str(path)
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        why = "is not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else f"cannot be read ({exc})"
        return Config(path=label), [_diag("error", f"{Path(label).name} {why}; using defaults", label)]
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
        lines = text.splitlines()
        excerpt = lines[line - 1].strip()[:120] if 0 < line <= len(lines) else ""
        name = Path(path).name
        msg = f"{name} is not valid TOML{where}: {message}; using defaults"
        return Config(path=path), [_diag("error", msg, path, line, excerpt)]
    except Exception as exc:  # e.g. RecursionError on absurd nesting
        msg = f"{Path(path).name} cannot be parsed ({type(exc).__name__}); using defaults"
        return Config(path=path), [_diag("error", msg, path)]
    reader = _Reader(text, path)
    try:
        config = reader.config(data)
        return config, sorted(reader.diagnostics, key=lambda d: d.line)
    except Exception as exc:  # a bug here must not stop a scan
        msg = f"{Path(path).name} could not be applied ({type(exc).__name__}: {exc}); using defaults"
        return Config(path=path), [*reader.diagnostics, _diag("error", msg, path)]


def _diag(severity: Severity, message: str, path: str, line: int = 0, excerpt: str = "") -> Diagnostic:
    return Diagnostic(severity, message, path, line, excerpt, "config")


_TOP_KEYS = ("scan", "services", "replicas", "infer")
_SCAN_KEYS = ("dialect", "map_by", "database_pattern", "schema_pattern", "ignore_tables")
_SERVICE_KEYS = ("description", "paths", "tables", "databases", "schemas")
_REPLICA_KEYS = ("table", "owner")
_INFER_KEYS = ("enabled", "suffixes", "references")
_REFERENCE_KEYS = ("column", "target")
_KIND = {
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a float",
    list: "an array",
    dict: "a table",
}

Key = tuple[str | int, ...]


def _display(key: Key) -> str:
    out = ""
    for part in key:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _kind(value: Any) -> str:
    return _KIND.get(type(value), f"a {type(value).__name__}")


class _Reader:
    """Walks the parsed TOML, validating as it goes and collecting diagnostics."""

    def __init__(self, text: str, path: str) -> None:
        self.lines = text.splitlines()
        self.path = path
        self.name = Path(path).name
        self.diagnostics: list[Diagnostic] = []
        self._index: list[tuple[str, bool, int]] | None = None

    def report(self, severity: Severity, message: str, key: Key) -> None:
        line = self.line_of(key)
        excerpt = self.lines[line - 1].strip()[:120] if line else ""
        self.diagnostics.append(_diag(severity, message, self.path, line, excerpt))

    def line_of(self, key: Key) -> int:
        """Best-effort line of a key (tomllib keeps no positions); 0 when not found."""
        if self._index is None:
            self._index = self._build_index()
        target = ".".join(str(k) for k in key)
        fallback = 0
        for dotted, is_header, no in self._index:
            if dotted == target or dotted.startswith(target + "."):
                return no
            if not is_header and not fallback and target.startswith(dotted + "."):
                fallback = no  # an inline table or array holding the key
        return fallback

    def _build_index(self) -> list[tuple[str, bool, int]]:
        index: list[tuple[str, bool, int]] = []
        header, counts = "", dict[str, int]()
        for no, raw in enumerate(self.lines, 1):
            text = raw.strip()
            head = re.match(r"\[(\[?)([^\]]*)\]", text)
            if head:
                name = _norm_key(head.group(2))
                if head.group(1):
                    counts[name] = counts.get(name, -1) + 1
                    name = f"{name}.{counts[name]}"
                header = name
                index.append((header, True, no))
                continue
            pair = re.match(r"""([A-Za-z0-9_\-."' ]+?)\s*=""", text)
            if pair:
                key = _norm_key(pair.group(1))
                index.append((f"{header}.{key}" if header else key, False, no))
        return index

    # -- validation helpers -------------------------------------------------------------------
    def table(self, value: Any, key: Key) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.report("error", f"'{_display(key)}' must be a table, not {_kind(value)}; ignored", key)
        return None

    def known_keys(self, data: dict[str, Any], valid: Sequence[str], prefix: Key) -> None:
        for key in data:
            if key in valid:
                continue
            shown = _display((*prefix, key))
            close = difflib.get_close_matches(key.lower(), valid, n=1, cutoff=0.6)
            if close:
                hint = f"did you mean '{_display((*prefix, close[0]))}'?"
            else:
                hint = "valid keys here: " + ", ".join(valid)
            self.report("warning", f"unknown key '{shown}' in {self.name}; {hint}", (*prefix, key))

    def string(self, data: dict[str, Any], key: Key, default: str = "", *, required: bool = False) -> str:
        name = str(key[-1])
        if name not in data:
            if required:
                self.report("error", f"'{_display(key)}' is missing; entry ignored", key[:-1])
            return default
        value = data[name]
        if isinstance(value, str) and (value or not required):
            return value
        what = "an empty string" if isinstance(value, str) else _kind(value)
        tail = "entry ignored" if required else "ignored"
        self.report("error", f"'{_display(key)}' must be a non-empty string, not {what}; {tail}", key)
        return default

    def strings(self, data: dict[str, Any], key: Key, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        name = str(key[-1])
        if name not in data:
            return default
        value = data[name]
        if not isinstance(value, list):
            shown = _display(key)
            example = f'{name} = ["{value}"]' if isinstance(value, str) else f"{name} = [...]"
            msg = f"'{shown}' must be an array of strings (write {example}), not {_kind(value)}; ignored"
            self.report("error", msg, key)
            return default
        good = tuple(v for v in value if isinstance(v, str) and v)
        if len(good) != len(value):
            bad = ", ".join(repr(v) for v in value if not (isinstance(v, str) and v))
            self.report(
                "error",
                f"'{_display(key)}' holds items that are not non-empty strings ({bad}); "
                "those items are ignored",
                key,
            )
        return good

    def regex(self, data: dict[str, Any], key: Key, default: str) -> str:
        pattern = self.string(data, key, default)
        try:
            re.compile(pattern)
        except re.error as exc:
            self.report(
                "error",
                f"'{_display(key)}' is not a valid regular expression ({exc}); using the default {default!r}",
                key,
            )
            return default
        if nested_repeat(pattern):
            self.report(
                "error",
                f"'{_display(key)}' repeats a group that itself repeats ({pattern!r}): matching it can take "
                f"exponential time; write it without nested repeats; using the default {default!r}",
                key,
            )
            return default
        return pattern

    # -- sections -------------------------------------------------------------------------------
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
            out["map_by"] = map_by
        for name, default in (
            ("database_pattern", DEFAULT_DATABASE_PATTERN),
            ("schema_pattern", DEFAULT_SCHEMA_PATTERN),
        ):
            if name in data:
                out[name] = self.regex(data, ("scan", name), default)
        if "ignore_tables" in data:
            out["ignore_tables"] = self.strings(data, ("scan", "ignore_tables"), DEFAULT_IGNORE_TABLES)
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
                    f"{_kind(body)}; ignored{hint if close else ''}",
                    key,
                )
                continue
            self.known_keys(body, _SERVICE_KEYS, key)
            rules.append(
                ServiceRule(
                    name=name,
                    description=self.string(body, (*key, "description")),
                    paths=self.strings(body, (*key, "paths")),
                    tables=self.strings(body, (*key, "tables")),
                    databases=self.strings(body, (*key, "databases")),
                    schemas=self.strings(body, (*key, "schemas")),
                )
            )
        return tuple(rules)

    def replicas(self, value: Any, declared: set[str]) -> tuple[Replica, ...]:
        if not isinstance(value, list):
            self.report(
                "error",
                f"'replicas' must be an array of tables ([[replicas]]), not {_kind(value)}; ignored",
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
            table = self.string(body, (*key, "table"), required=True)
            owner = self.string(body, (*key, "owner"), required=True)
            if not (table and owner):
                continue
            if owner not in declared:
                self.report(
                    "warning",
                    self._undeclared(owner, declared, f"'{_display((*key, 'owner'))}'"),
                    (*key, "owner"),
                )
            out.append(Replica(table, owner))
        return tuple(out)

    def infer(self, data: dict[str, Any], declared: set[str]) -> InferConfig:
        self.known_keys(data, _INFER_KEYS, ("infer",))
        enabled = data.get("enabled", False)
        if not isinstance(enabled, bool):
            self.report(
                "error",
                f"'infer.enabled' must be true or false, not {_kind(enabled)}; using false",
                ("infer", "enabled"),
            )
            enabled = False
        suffixes = self.strings(data, ("infer", "suffixes"), InferConfig.suffixes)
        refs: list[InferRef] = []
        value = data.get("references", [])
        if not isinstance(value, list):
            self.report(
                "error",
                "'infer.references' must be an array of tables ([[infer.references]]), "
                f"not {_kind(value)}; ignored",
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
                    f"'{_display((*key, 'target'))}' is {target!r}; write it as "
                    "'service:table' (e.g. 'auth:users'); entry ignored",
                    (*key, "target"),
                )
                continue
            if service not in declared:
                self.report(
                    "warning",
                    self._undeclared(service, declared, f"the service of '{_display((*key, 'target'))}'"),
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


def _norm_key(text: str) -> str:
    """``services . "auth"`` -> ``services.auth`` (best effort, for line lookup only)."""
    return re.sub(r"\s*\.\s*", ".", text.strip()).replace('"', "").replace("'", "")
