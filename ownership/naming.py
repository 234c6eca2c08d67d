"""Service names read from where a table was written: folder names, file names, path globs.

The ``path`` default of :func:`ownership.services.assign_services` reads the
service from the migration set's folder (:func:`service_from_path`) and, in a
shared folder, from the words of the migration file's name
(:func:`service_from_filename`); ``paths`` globs of ``fkmap.toml`` are matched
by :func:`path_matches`; ``database_pattern`` and ``schema_pattern`` name a
service through :func:`service_from_pattern`.

Examples
--------
>>> service_from_path("services/auth/migrations"), service_from_path("db/migrations")
('auth', '')
>>> service_from_filename("018_messaging_schema.sql", {"messaging", "auth"})
'messaging'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

__all__ = [
    "GENERIC_DIRS",
    "IDENTITY_WORDS",
    "LIBRARY_DIRS",
    "MARKER_DIRS",
    "FileNameServices",
    "identity_aliases",
    "path_matches",
    "service_from_filename",
    "service_from_path",
    "service_from_pattern",
    "word_forms",
]

#: Folder names that never name a service.
GENERIC_DIRS = frozenset({
    "migrations", "migration", "migrate", "db", "database", "databases", "sql", "schema", "schemas",
    "prisma", "src", "deploy", "backend", "server", "resources", "main", "priv", "repo", "structure",
    "legacy", "shared", "common", "ddl", "scripts", "flyway", "liquibase", "alembic", "versions",
    "changelog", "changelogs", "sqitch", "dbmate", "goose", "internal", "pkg", "infra", "postgres",
    "postgresql", "mysql", "up",
    # folders that hold a stage, a tool or an engine of the schema, never a service
    "pending_review", "pending-review", "persistence", "versioned", "repeatable", "init-scripts",
    "init_scripts", "initdb", "init", "docker-entrypoint-initdb.d", "config", "configs", "configuration",
    "sqlite", "sqlite3", "mssql", "sqlserver", "clickhouse", "cockroachdb", "cockroach", "mariadb",
    "oracle", "pg", "duckdb", "tidb", "timescaledb", "snowflake", "redshift", "bigquery", "seed", "seeds",
    "fixtures", "test", "tests", "testdata", "docker", "tools", "bin", "dist", "build", "lib", "libs",
    "data", "dbs", "model", "models", "entities", "sql-migrations", "db-migrations",
})  # fmt: skip
#: Folders whose child folder is a service (``services/<name>``).
MARKER_DIRS = frozenset({"services", "service", "apps", "packages", "svc", "microservices"})
#: Folders whose child folder is a library, never a service (``libs/<lib>``).
LIBRARY_DIRS = frozenset({"libs", "lib", "libraries", "shared-libs", "shared_libs"})
_SUFFIXED = re.compile(r"^(?P<name>.+?)[-_](?:service|svc|db|database|migrations)$", re.IGNORECASE)
_VERSION_DIR = re.compile(r"^v?\d+(?:[._-]\d+)*$", re.IGNORECASE)
#: Stage folders: ``phase-7``, ``phase-7b``, ``phase7``, ``stage_2``, ``step-3a``...
_PHASE_DIR = re.compile(r"^(?:phase|stage|step|wave|sprint|batch|part|round)[-_]?\d+[a-z]?$", re.IGNORECASE)
#: Migration tools living in their own folder: ``hatchet-migrate``, ``db_migrator``...
_TOOL_DIR = re.compile(r"^.+[-_](?:migrate|migrator|migration|migrations-tool)$", re.IGNORECASE)
_WORD_SPLIT = re.compile(r"[_\-.\s]+")


def _generic(segment: str) -> bool:
    low = segment.lower()
    return (
        low in GENERIC_DIRS
        or low in MARKER_DIRS
        or segment.startswith(".")
        or bool(_VERSION_DIR.match(low) or _PHASE_DIR.match(low) or _TOOL_DIR.match(low))
    )


def _non_unit(segments: list[str], i: int) -> bool:
    """True when folder ``segments[i]`` can never name a service (generic, or a ``libs/<lib>``)."""
    return _generic(segments[i]) or (i > 0 and segments[i - 1].lower() in LIBRARY_DIRS)


def service_from_path(path: str) -> str:
    """The service a folder path names, or ``""`` for a shared folder.

    >>> service_from_path("services/auth/migrations")
    'auth'
    >>> service_from_path("backend/messaging-service/db/migrations")
    'messaging'
    >>> service_from_path("accounting_service/migrations"), service_from_path("billing/migrations")
    ('accounting', 'billing')
    >>> service_from_path("apps/user-svc/prisma/migrations/v2")
    'user'
    >>> service_from_path("legacy/migrations"), service_from_path("db/migrations"), service_from_path(".")
    ('', '', '')

    Stage, tool, engine and library folders name nothing:

    >>> [service_from_path(p) for p in ("backend/migrations/phase-7b", "db/pending_review",
    ...     "tools/hatchet-migrate/migrations", "libs/storage/migrations", "deploy/init-scripts/cockroachdb")]
    ['', '', '', '', '']
    """
    segments = [s for s in path.replace("\\", "/").split("/") if s and s != "."]
    for i in range(len(segments) - 1, -1, -1):
        segment = segments[i]
        if i > 0 and segments[i - 1].lower() in LIBRARY_DIRS:
            continue
        suffixed = _SUFFIXED.match(segment)
        if suffixed and not _generic(suffixed["name"]):
            return suffixed["name"]
        if i > 0 and segments[i - 1].lower() in MARKER_DIRS and not _generic(segment):
            return segment
    return next((segments[i] for i in range(len(segments) - 1, -1, -1) if not _non_unit(segments, i)), "")


def _words(text: str) -> list[str]:
    return [w for w in _WORD_SPLIT.split(text.lower()) if w]


def word_forms(word: str) -> set[str]:
    """The word with its plural and singular spellings (``story`` ~ ``stories``).

    >>> sorted(word_forms("story"))
    ['stories', 'story', 'storyes', 'storys']
    """
    out = {word, word + "s", word + "es"}
    if word.endswith("y"):
        out.add(word[:-1] + "ies")
    if word.endswith("ies"):
        out.add(word[:-3] + "y")
    if word.endswith("es"):
        out.add(word[:-2])
    if word.endswith("s"):
        out.add(word[:-1])
    return out


class FileNameServices:
    """Finds known service names among the words of file names."""

    def __init__(self, known: Iterable[str]) -> None:
        self.by_first: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for name in sorted(set(known)):
            want = tuple(_words(name))
            for form in word_forms(want[0]) if want else ():
                self.by_first.setdefault(form, []).append((name, want))

    def __call__(self, filename: str) -> str:
        words = _words(filename.replace("\\", "/").rsplit("/", 1)[-1])
        for start, word in enumerate(words):
            best: tuple[int, str] | None = None
            for name, want in self.by_first.get(word, ()):
                rest = words[start + 1 : start + len(want)]
                if len(rest) != len(want) - 1:
                    continue
                if all(w in word_forms(x) for w, x in zip(rest, want[1:], strict=True)):
                    best = min(best, (-len(want), name)) if best else (-len(want), name)
            if best:
                return best[1]
        return ""

    def whole(self, name: str) -> str:
        """The known service whose name is all of ``name``'s words (``media`` -> ``media-service``'s
        alias ``media``), or ``""``.

        >>> names = FileNameServices({"media", "search"})
        >>> [names.whole(n) for n in ("media", "medias", "media_files", "search_index")]
        ['media', 'media', '', '']
        """
        found = self(name)
        return found if found and len(_words(found)) == len(_words(name)) else ""

    def beyond_table(self, filename: str, table: str) -> str:
        """The service the file name names once the words of ``table``'s own name are taken out.

        ``023_message_search_index.sql`` names ``search`` only through the table it
        creates, ``message_search_index``: that says no more than the table's name.

        >>> names = FileNameServices({"search", "streaming"})
        >>> names.beyond_table("023_message_search_index.sql", "message_search_index")
        ''
        >>> names.beyond_table("013_streaming_stream_table.sql", "streams")
        'streaming'
        """
        words = _words(filename.replace("\\", "/").rsplit("/", 1)[-1])
        own = _words(table)
        for start in range(len(words) - len(own) + 1):
            span = words[start : start + len(own)]
            if own and all(w in word_forms(x) for w, x in zip(span, own, strict=True)):
                words = words[:start] + words[start + len(own) :]
                break
        return self(" ".join(words))


#: Words naming the identity service in file names (``002_add_auth_logs.sql``, ``006_two_factor_auth.sql``).
IDENTITY_WORDS = ("auth", "authentication", "authn", "identity", "iam")


def identity_aliases(aliases: Mapping[str, str]) -> dict[str, str]:
    """The identity words a file name may use for the one service named by one of them.

    ``auth`` in a migration file's name means the identity service even when it
    is called ``identity-service``; with two such services nothing is added.

    >>> found = identity_aliases({"identity-service": "identity-service", "identity": "identity-service"})
    >>> sorted(found), set(found.values())
    (['auth', 'authentication', 'authn', 'iam'], {'identity-service'})
    >>> identity_aliases({"auth": "auth", "iam-service": "iam-service"}), identity_aliases({"chat": "chat"})
    ({}, {})
    """
    holders = {service for alias, service in aliases.items() if set(_words(alias)) & set(IDENTITY_WORDS)}
    if len(holders) != 1:
        return {}
    [service] = holders
    return {word: service for word in IDENTITY_WORDS if word not in aliases}


def service_from_filename(filename: str, known: Iterable[str]) -> str:
    """The known service a migration file name names by whole words, or ``""``.

    >>> known = {"messaging", "experiments", "streaming", "content", "user-profile"}
    >>> service_from_filename("018_messaging_schema.sql", known)
    'messaging'
    >>> service_from_filename("legacy/migrations/013_streaming_stream_table.sql", known)
    'streaming'
    >>> service_from_filename("034_experiment_events.sql", known)
    'experiments'
    >>> service_from_filename("003_posts_schema.sql", known)
    ''
    >>> service_from_filename("0101_contents.sql", known)
    'content'
    >>> service_from_filename("0007_user_profile_avatars.sql", known)
    'user-profile'
    """
    return FileNameServices(known)(filename)


@lru_cache(maxsize=512)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    pattern = pattern.replace("\\", "/").lstrip("/")
    if pattern.startswith("./"):
        pattern = pattern[2:]
    if "/" not in pattern.rstrip("/"):
        pattern = "**/" + pattern
    out, i = "", 0
    while i < len(pattern):
        ch = pattern[i]
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif ch == "*":
            out, i = out + "[^/]*", i + 1
        elif ch == "?":
            out, i = out + "[^/]", i + 1
        elif ch == "[" and (end := pattern.find("]", i + 2)) != -1:
            body = pattern[i + 1 : end]
            body = "^" + body[1:] if body.startswith("!") else body
            out, i = out + "[" + body.replace("\\", "\\\\") + "]", end + 1
        else:
            out, i = out + re.escape(ch), i + 1
    out = out.rstrip("/") if out.endswith("/") and len(out) > 1 else out
    try:  # a folder pattern also covers everything below it
        return re.compile(f"(?:{out})(?:/.*)?", re.DOTALL)
    except re.error:
        return re.compile(re.escape(pattern) + "(?:/.*)?", re.DOTALL)


def path_matches(pattern: str, path: str) -> bool:
    """Match a ``paths`` glob against a file's posix path relative to the scanned root.

    >>> f = "legacy/migrations/018_messaging_schema.sql"
    >>> path_matches("legacy/migrations/*_messaging_*.sql", f), path_matches("*_messaging_*", f)
    (True, True)
    >>> path_matches("legacy/**", f), path_matches("legacy/migrations", f), path_matches("legacy/*.sql", f)
    (True, True, False)
    >>> path_matches("services/auth/**", "services/authz/migrations/001.sql")
    False
    """
    parts = [p for p in path.replace("\\", "/").split("/") if p and p != "."]
    return bool(parts) and _glob_regex(pattern).fullmatch("/".join(parts)) is not None


def service_from_pattern(pattern: re.Pattern[str] | None, text: str) -> str:
    """The service a ``database_pattern``/``schema_pattern`` match names, or ``""``.

    The ``service`` group, else the first group, else the whole match.

    >>> service_from_pattern(re.compile(r"^(?P<service>.+?)(_db|_database)?$"), "billing_db")
    'billing'
    >>> service_from_pattern(re.compile(r"^svc_(.+)$"), "svc_auth"), service_from_pattern(None, "x")
    ('auth', '')
    """
    found = pattern.search(text) if pattern is not None else None
    if found is None:
        return ""
    if "service" in found.re.groupindex:
        return found.group("service") or ""
    return (found.group(1) if found.re.groups else found.group(0)) or ""
