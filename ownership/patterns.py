"""Table globs and regex safety for ``fkmap.toml``: :func:`matches_table` and :func:`nested_repeat`.

Table globs are written ``[database:][schema.]name`` and matched with
:func:`fnmatch.fnmatchcase` (case-sensitive; ``*`` also matches ``/``, so
``services/*:users`` covers every migration set under ``services/``). Without a
database part any database matches, without a schema part any schema. The
database part ends at the first ``:``, the schema part at the first ``.`` after
it; write ``*:`` before a name that contains ``:`` and ``*.`` before a name
that contains ``.`` (or put the character in brackets: ``my[.]schema.t``).

The regular expressions of ``fkmap.toml`` come from the scanned repository:
:func:`nested_repeat` finds the ones that could take exponential time to match.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from model.inventory import TableRef

__all__ = ["any_table", "matches_table", "nested_repeat"]


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


def any_table(patterns: Iterable[str]) -> Callable[[TableRef], bool]:
    """Whether any of the table globs ``patterns`` matches a table: :func:`matches_table` of each, but
    the globs naming only a table are tried in one regular expression (one match per table, not one
    per glob: the default ``ignore_tables`` against every table of a scan).

    >>> ignored = any_table(["schema_migrations", "flyway_*", "audit.*", "db:public.t"])
    >>> [ignored(TableRef("x", s, n)) for s, n in [("public", "flyway_history"), ("audit", "log"),
    ...                                            ("public", "users"), ("public", "t")]]
    [True, True, False, False]
    >>> any_table([])(TableRef("db", "public", "t"))
    False
    """
    bare, qualified = [], []
    for pattern in patterns:
        database, schema, name = _table_pattern(pattern)
        if database is None and schema is None:
            bare.append(f"(?:{name.pattern})")
        else:
            qualified.append(pattern)
    names = re.compile("|".join(bare)) if bare else None

    def matches(ref: TableRef) -> bool:
        if names is not None and names.match(ref.name):
            return True
        return any(matches_table(p, ref) for p in qualified)

    return matches


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


def nested_repeat(pattern: str) -> bool:
    """True when ``pattern`` repeats (``*``, ``+``, ``{n,}``) something that itself repeats.

    Such patterns (``(a+)+``, ``(\\w+\\s?)*``) backtrack exponentially on a near miss, and
    ``fkmap.toml`` is read from the scanned repository: they are refused. Possessive
    repeats and atomic groups never backtrack and are allowed.

    >>> from ownership.config import DEFAULT_DATABASE_PATTERN
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
