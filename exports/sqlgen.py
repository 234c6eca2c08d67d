"""Remediation SQL: the statements and scripts that drop cross-service FKs (phase 2) and undo it.

The scripts are the ``sql-drop``, ``sql-rollback`` and ``sql-orphans``
formats (:func:`write_drop_sql`, :func:`write_rollback_sql`,
:func:`write_orphans_sql`): each takes the keys as (ForeignKey, referenced
service) pairs. One function per statement kind.

Identifiers are quoted only where PostgreSQL needs it (like its own
``quote_ident``: anything but a lower-case plain name that is not a keyword),
so the output reads like hand-written SQL and still survives hostile names.
Text that goes into ``--`` comments is flattened to one line, so no name can
end a comment and smuggle a statement in.

Examples
--------
>>> from model.inventory import ForeignKey, TableRef
>>> fk = ForeignKey("messages_sender_id_fkey", TableRef("chat", "public", "messages"), ("sender_id",),
...                 TableRef("chat", "public", "users"), ("id",))
>>> drop_fk_sql(fk)
'ALTER TABLE public.messages DROP CONSTRAINT IF EXISTS messages_sender_id_fkey;'
>>> quote_ident("User"), quote_ident("order"), quote_ident('a"b')
('"User"', '"order"', '"a""b"')
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TextIO

from pglast.keywords import COL_NAME_KEYWORDS, RESERVED_KEYWORDS, TYPE_FUNC_NAME_KEYWORDS

from model.escape import clean_text
from model.inventory import ForeignKey, Location, TableRef

__all__ = [
    "add_fk_sql",
    "comment_text",
    "drop_fk_sql",
    "drop_script",
    "guess_dialect",
    "orphan_check_sql",
    "orphan_checks_script",
    "phase2_script",
    "qualified_name",
    "quote_ident",
    "rollback_script",
    "validate_fk_sql",
    "write_drop_sql",
    "write_orphans_sql",
    "write_rollback_sql",
]

_PLAIN = re.compile(r"[a-z_][a-z0-9_$]*\Z")
_KEYWORDS = frozenset(RESERVED_KEYWORDS) | frozenset(COL_NAME_KEYWORDS) | frozenset(TYPE_FUNC_NAME_KEYWORDS)


def quote_ident(name: str) -> str:
    """``name`` as a PostgreSQL identifier, double-quoted only when needed.

    >>> quote_ident("users"), quote_ident("user"), quote_ident("my table"), quote_ident("")
    ('users', '"user"', '"my table"', '""')
    """
    if _PLAIN.match(name) and name not in _KEYWORDS:
        return name
    if clean_text(name) != name:  # line breaks, terminal escapes, bidi controls: never written raw
        return 'U&"' + "".join(_unicode_escape(ch) for ch in name) + '"'
    return '"' + name.replace('"', '""') + '"'


def _unicode_escape(ch: str) -> str:
    """One character of a ``U&"..."`` identifier: unsafe ones as ``\\XXXX``/``\\+XXXXXX``.

    >>> quote_ident("a\\nb\\\\")
    'U&"a\\\\000Ab\\\\\\\\"'
    """
    if ch == "\\":
        return "\\\\"
    if ch == '"':
        return '""'
    if clean_text(ch) == ch:
        return ch
    return f"\\{ord(ch):04X}" if ord(ch) <= 0xFFFF else f"\\+{ord(ch):06X}"


def qualified_name(ref: TableRef) -> str:
    """``schema.table`` with each part quoted as needed (the schema is always written).

    >>> qualified_name(TableRef("db", "Sales", "order"))
    '"Sales"."order"'
    """
    if not ref.schema:
        return quote_ident(ref.name)
    return f"{quote_ident(ref.schema)}.{quote_ident(ref.name)}"


def comment_text(text: str) -> str:
    """``text`` made safe for a ``--`` comment: control characters and line breaks become spaces.

    >>> comment_text("evil\\nDROP TABLE users; --")
    'evil DROP TABLE users; --'
    """
    return "".join(" " if (ord(ch) < 32 or ch in "\x7f\u2028\u2029\x85") else ch for ch in text)


def drop_fk_sql(fk: ForeignKey) -> str:
    """``ALTER TABLE ... DROP CONSTRAINT IF EXISTS ...;`` for one FK, exact constraint name."""
    return f"ALTER TABLE {qualified_name(fk.table)} DROP CONSTRAINT IF EXISTS {quote_ident(fk.name)};"


def _describe(fk: ForeignKey, ref_service: str) -> str:
    cols = ", ".join(fk.columns)
    ref_cols = ", ".join(fk.ref_columns)
    where = f", added at {fk.added_at}" if isinstance(fk.added_at, Location) else ""
    owner = f"{ref_service} " if ref_service else ""
    by = " (by the application)" if fk.on_delete_enforced_by == "application" else ""
    return comment_text(
        f"{fk.table.qualified}({cols}) -> {owner}{fk.ref_table.qualified}({ref_cols}), "
        f"ON DELETE {fk.on_delete}{by}{where}"
    )


def phase2_script(service: str, fks: Iterable[tuple[ForeignKey, str]]) -> str:
    """The phase-2 script of one service: drop its FKs into other services.

    Parameters
    ----------
    service : str
        The dependent service (the one whose database holds the constraints).
    fks : iterable of (ForeignKey, str)
        Each FK with the service it points into. Only declared constraints
        belong here; inferred references have nothing to drop.

    Returns
    -------
    str
        A commented script ending in a newline, statements in the given order.

    >>> from model.inventory import ForeignKey, TableRef
    >>> fk = ForeignKey("posts_user_id_fkey", TableRef("c", "public", "posts"), ("user_id",),
    ...                 TableRef("c", "public", "users"), ("id",), on_delete="CASCADE")
    >>> print(phase2_script("content", [(fk, "auth")]), end="")
    -- Phase 2 for service content: drop 1 foreign key into other services.
    -- Run after phase 1 (application-level checks) is live.
    -- public.posts(user_id) -> auth public.users(id), ON DELETE CASCADE
    ALTER TABLE public.posts DROP CONSTRAINT IF EXISTS posts_user_id_fkey;
    """
    rows = list(fks)
    noun = "foreign key" if len(rows) == 1 else "foreign keys"
    lines = [
        f"-- Phase 2 for service {comment_text(service) or '(no service)'}: "
        f"drop {len(rows)} {noun} into other services.",
        "-- Run after phase 1 (application-level checks) is live.",
    ]
    for fk, ref_service in rows:
        lines.append(f"-- {_describe(fk, ref_service)}")
        lines.append(drop_fk_sql(fk))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- remediation scripts
# Transactional phase-2 drop scripts, their rollbacks and post-drop orphan checks, for PostgreSQL and MySQL.

LOCK_TIMEOUT = "5s"


def guess_dialect(fk: ForeignKey) -> str:
    """``'mysql'`` for a key read without schemas (how MySQL migrations replay), else ``'postgres'``.

    >>> from model.inventory import ForeignKey, TableRef
    >>> guess_dialect(ForeignKey("f", TableRef("d", "", "a"), ("x",), TableRef("d", "", "b"), ("id",)))
    'mysql'
    """
    return "mysql" if not fk.table.schema else "postgres"


def _mysql_ident(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _table(ref: TableRef, dialect: str) -> str:
    if dialect == "mysql":
        return ".".join(_mysql_ident(p) for p in (ref.schema, ref.name) if p)
    return qualified_name(ref)


def _ident(name: str, dialect: str) -> str:
    return _mysql_ident(name) if dialect == "mysql" else quote_ident(name)


def _cols(cols: Iterable[str], dialect: str) -> str:
    return ", ".join(_ident(c, dialect) for c in cols)


def add_fk_sql(fk: ForeignKey, *, dialect: str = "postgres", not_valid: bool = True) -> str:
    """``ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY ...`` re-creating ``fk`` exactly.

    Actions, ``SET NULL (cols)`` and deferrability are kept; an ``ON DELETE`` the
    application carries out (Django's) is not the constraint's, so it is left out. PostgreSQL adds
    it ``NOT VALID`` (existing rows are checked later by :func:`validate_fk_sql`).

    >>> from model.inventory import ForeignKey, TableRef
    >>> fk = ForeignKey("posts_user_id_fkey", TableRef("c", "public", "posts"), ("user_id",),
    ...                 TableRef("c", "public", "users"), ("id",), on_delete="CASCADE")
    >>> print(add_fk_sql(fk))  # doctest: +NORMALIZE_WHITESPACE
    ALTER TABLE public.posts ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id)
    REFERENCES public.users (id) ON DELETE CASCADE NOT VALID;
    """
    parts = [
        f"ALTER TABLE {_table(fk.table, dialect)} ADD CONSTRAINT {_ident(fk.name, dialect)}",
        f"FOREIGN KEY ({_cols(fk.columns, dialect)}) REFERENCES {_table(fk.ref_table, dialect)}",
        f"({_cols(fk.ref_columns, dialect)})",
    ]
    if fk.database_on_delete != "NO ACTION":
        action = f"ON DELETE {fk.on_delete}"
        if fk.on_delete_columns and dialect != "mysql":
            action += f" ({_cols(fk.on_delete_columns, dialect)})"
        parts.append(action)
    if fk.on_update != "NO ACTION":
        parts.append(f"ON UPDATE {fk.on_update}")
    if dialect != "mysql":
        if fk.deferrable:
            parts.append("DEFERRABLE INITIALLY DEFERRED" if fk.initially_deferred else "DEFERRABLE")
        if not_valid:
            parts.append("NOT VALID")
    return " ".join(parts) + ";"


def validate_fk_sql(fk: ForeignKey) -> str:
    """``ALTER TABLE ... VALIDATE CONSTRAINT ...;`` (PostgreSQL)."""
    return f"ALTER TABLE {qualified_name(fk.table)} VALIDATE CONSTRAINT {quote_ident(fk.name)};"


def orphan_check_sql(fk: ForeignKey, *, dialect: str = "postgres") -> str:
    """Count child rows whose parent is missing (run after the drop; composite keys aware).

    A row counts only when every key column is set (``MATCH SIMPLE``, the default).

    >>> from model.inventory import ForeignKey, TableRef
    >>> fk = ForeignKey("oi_fk", TableRef("d", "billing", "order_items"), ("order_id", "tenant_id"),
    ...                 TableRef("d", "billing", "orders"), ("id", "tenant_id"))
    >>> print(orphan_check_sql(fk))  # doctest: +NORMALIZE_WHITESPACE
    SELECT count(*) AS orphans FROM billing.order_items c
    WHERE c.order_id IS NOT NULL AND c.tenant_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM billing.orders p WHERE p.id = c.order_id AND p.tenant_id = c.tenant_id);
    """
    q = dialect
    not_null = " AND ".join(f"c.{_ident(c, q)} IS NOT NULL" for c in fk.columns)
    match = " AND ".join(
        f"p.{_ident(r, q)} = c.{_ident(c, q)}" for c, r in zip(fk.columns, fk.ref_columns, strict=False)
    )
    return (
        f"SELECT count(*) AS orphans FROM {_table(fk.table, q)} c WHERE {not_null} "
        f"AND NOT EXISTS (SELECT 1 FROM {_table(fk.ref_table, q)} p WHERE {match});"
    )


def _drop(fk: ForeignKey, dialect: str) -> str:
    if dialect == "mysql":
        return f"ALTER TABLE {_table(fk.table, dialect)} DROP FOREIGN KEY {_mysql_ident(fk.name)};"
    return drop_fk_sql(fk)


def _heading(kind: str, title: str, rows: list[tuple[ForeignKey, str]]) -> str:
    noun = "foreign key" if len(rows) == 1 else "foreign keys"
    return f"-- {kind}: {len(rows)} cross-service {noun}" + (f" ({comment_text(title)})." if title else ".")


def drop_script(fks: Iterable[tuple[ForeignKey, str]], *, title: str = "", dialect: str = "postgres") -> str:
    """The phase-2 script: drop every key by its exact name, in one transaction.

    PostgreSQL: ``SET lock_timeout``, ``BEGIN``, one ``ALTER TABLE ... DROP
    CONSTRAINT IF EXISTS`` per key, ``COMMIT`` -- all or nothing, and it gives
    up instead of queueing behind long transactions. MySQL: ``DROP FOREIGN KEY``
    (its DDL commits implicitly, one statement at a time).

    >>> from model.inventory import ForeignKey, TableRef
    >>> fk = ForeignKey("posts_user_id_fkey", TableRef("c", "public", "posts"), ("user_id",),
    ...                 TableRef("c", "public", "users"), ("id",), on_delete="CASCADE")
    >>> print(drop_script([(fk, "auth")], title="content"), end="")
    -- Phase 2, drop: 1 cross-service foreign key (content).
    -- Run once phase 1 (validation through the owner's API) is live for every key below.
    -- Undo with the rollback script (re-adds them NOT VALID, then validates).
    SET lock_timeout = '5s';
    BEGIN;
    -- public.posts(user_id) -> auth public.users(id), ON DELETE CASCADE
    ALTER TABLE public.posts DROP CONSTRAINT IF EXISTS posts_user_id_fkey;
    COMMIT;
    """
    rows = list(fks)
    lines = [
        _heading("Phase 2, drop", title, rows),
        "-- Run once phase 1 (validation through the owner's API) is live for every key below.",
        "-- Undo with the rollback script (re-adds them NOT VALID, then validates).",
    ]
    if dialect == "mysql":
        lines += [
            "-- MySQL commits each ALTER TABLE on its own: there is no all-or-nothing here.",
            "SET SESSION lock_wait_timeout = 5;",
        ]
    else:
        lines += [f"SET lock_timeout = '{LOCK_TIMEOUT}';", "BEGIN;"]
    for fk, ref_service in rows:
        lines += [f"-- {_describe(fk, ref_service)}", _drop(fk, dialect)]
    if dialect != "mysql":
        lines.append("COMMIT;")
    return "\n".join(lines) + "\n"


def rollback_script(
    fks: Iterable[tuple[ForeignKey, str]], *, title: str = "", dialect: str = "postgres"
) -> str:
    """Undo :func:`drop_script`: re-add each key without checking rows, then validate separately.

    PostgreSQL: step 1 re-adds every key ``NOT VALID`` in one transaction
    (brief lock, new rows are checked at once); step 2 runs ``VALIDATE
    CONSTRAINT`` per key, each in its own transaction, after orphans found by
    the orphan checks are fixed. Keys that were ``NOT VALID`` before stay so.
    MySQL: keys are re-added with ``FOREIGN_KEY_CHECKS = 0``; the orphan
    checks are the validation.
    """
    rows = list(fks)
    lines = [_heading("Rollback of phase 2", title, rows)]
    if dialect == "mysql":
        lines += ["SET SESSION lock_wait_timeout = 5;", "SET FOREIGN_KEY_CHECKS = 0;"]
        for fk, ref_service in rows:
            lines += [f"-- {_describe(fk, ref_service)}", add_fk_sql(fk, dialect="mysql")]
        lines += [
            "SET FOREIGN_KEY_CHECKS = 1;",
            "-- Then run the orphan checks: MySQL cannot validate later.",
        ]
        return "\n".join(lines) + "\n"
    lines += [
        "-- Step 1: re-add the keys NOT VALID (existing rows are not checked yet).",
        f"SET lock_timeout = '{LOCK_TIMEOUT}';",
        "BEGIN;",
    ]
    for fk, ref_service in rows:
        lines += [f"-- {_describe(fk, ref_service)}", add_fk_sql(fk)]
    lines += ["COMMIT;", "", "-- Step 2: validate, each key in its own transaction (fix orphans first)."]
    for fk, _ in rows:
        if fk.validated:
            lines.append(validate_fk_sql(fk))
        else:
            lines.append(f"-- {comment_text(fk.name)} was NOT VALID before the drop; left unvalidated.")
    return "\n".join(lines) + "\n"


def orphan_checks_script(
    fks: Iterable[tuple[ForeignKey, str]], *, title: str = "", dialect: str = "postgres"
) -> str:
    """One orphan-count query per key, to run after the drop (0 everywhere = nothing broke)."""
    rows = list(fks)
    lines = [
        _heading("Orphan checks after phase 2", title, rows),
        "-- Run where child and parent tables are both reachable; every count should stay 0.",
    ]
    for fk, ref_service in rows:
        lines += [f"-- {_describe(fk, ref_service)}", orphan_check_sql(fk, dialect=dialect)]
    return "\n".join(lines) + "\n"


def write_drop_sql(
    fks: Iterable[tuple[ForeignKey, str]], stream: TextIO, *, title: str = "", dialect: str = "postgres"
) -> None:
    """Write :func:`drop_script`."""
    stream.write(drop_script(fks, title=title, dialect=dialect))


def write_rollback_sql(
    fks: Iterable[tuple[ForeignKey, str]], stream: TextIO, *, title: str = "", dialect: str = "postgres"
) -> None:
    """Write :func:`rollback_script`."""
    stream.write(rollback_script(fks, title=title, dialect=dialect))


def write_orphans_sql(
    fks: Iterable[tuple[ForeignKey, str]], stream: TextIO, *, title: str = "", dialect: str = "postgres"
) -> None:
    """Write :func:`orphan_checks_script`."""
    stream.write(orphan_checks_script(fks, title=title, dialect=dialect))
