"""The statements a ``DO`` block runs, found with PL/pgSQL's own grammar.

Migrations guard DDL in anonymous blocks::

    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'posts_user_fk') THEN
        ALTER TABLE posts ADD CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
      END IF;
    END $$;

:func:`replay_do_body` parses the body with :func:`pglast.parser.parse_plpgsql_json`
and hands every static SQL statement (in any branch: the guard's condition is
assumed true, which is what a fresh database sees) to a callback with its file
line. ``EXECUTE '<one string literal>'`` is static too. Any other ``EXECUTE``
builds its SQL at run time: an ``info`` diagnostic (``dynamic-sql``) says it was
not replayed. A body PL/pgSQL rejects falls back to the literal
``ALTER TABLE``/``CREATE TABLE`` statements found in its text.

Examples
--------
>>> seen = []
>>> body = ("\\nBEGIN\\n  ALTER TABLE a ADD FOREIGN KEY (b) REFERENCES c;\\n"
...         "  EXECUTE format('DROP TABLE %I', t);\\nEND\\n")
>>> _ = replay_do_body(body, 10, lambda sql, line: seen.append((line, sql)) or [], lambda *a: seen.append(a))
>>> seen[0]
(12, 'ALTER TABLE a ADD FOREIGN KEY (b) REFERENCES c')
>>> seen[1][:2], seen[1][3]
(('info', 'dynamic-sql'), 13)
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from pglast.parser import parse_plpgsql_json

from ingest.migrations.ops import Op, excerpt

__all__ = ["replay_do_body"]

ConvertSql = Callable[[str, int], list[Op]]
Report = Callable[[str, str, str, int], None]

_LITERAL = re.compile(r"\A\s*'((?:[^']|'')*)'\s*\Z", re.DOTALL)
_DDL_WORDS = re.compile(r"(?i)\b(?:ALTER|CREATE|DROP|REFERENCES|FOREIGN|RENAME)\b")
_FALLBACK = re.compile(r"(?is)\b(?:ALTER|CREATE)\s+TABLE\b[^;]*")


def _walk(node: Any) -> Iterator[tuple[str, int, str]]:
    """``(kind, lineno, query)`` of SQL statements in a PL/pgSQL tree, in text order."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "PLpgSQL_stmt_execsql":
                query = value.get("sqlstmt", {}).get("PLpgSQL_expr", {}).get("query", "")
                yield "static", value.get("lineno", 1), query
            elif key == "PLpgSQL_stmt_dynexecute":
                query = value.get("query", {}).get("PLpgSQL_expr", {}).get("query", "")
                yield "dynamic", value.get("lineno", 1), query
            else:
                yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def replay_do_body(body: str, body_line: int, convert_sql: ConvertSql, report: Report) -> list[Op]:
    """Operations of the SQL a ``DO`` body runs; ``body_line`` is the file line where the body starts.

    ``convert_sql(sql, line)`` turns one statement into operations;
    ``report(severity, code, message, line)`` records a diagnostic.
    """
    tag = "$fkmap_do$"
    while tag in body:
        tag = tag[:-1] + "_$"
    source = f"CREATE FUNCTION pg_temp.fkmap_do() RETURNS void LANGUAGE plpgsql AS {tag}{body}{tag}"
    try:
        tree = json.loads(parse_plpgsql_json(source))
    except Exception as exc:
        report(
            "warning",
            "parse-error",
            f"DO block body is not valid PL/pgSQL ({exc}); "
            "only literal ALTER/CREATE TABLE statements are replayed",
            body_line,
        )
        ops: list[Op] = []
        for m in _FALLBACK.finditer(body):
            ops += convert_sql(m.group(0), body_line + body.count("\n", 0, m.start()))
        return ops
    ops = []
    for kind, lineno, query in _walk(tree):
        line = body_line + max(lineno, 1) - 1
        if kind == "static":
            ops += convert_sql(query, line)
            continue
        literal = _LITERAL.match(query)
        if literal:
            ops += convert_sql(literal.group(1).replace("''", "'"), line)
        elif _DDL_WORDS.search(query) or "'" not in query:
            report(
                "info",
                "dynamic-sql",
                f"dynamic SQL in a DO block is not replayed: EXECUTE {excerpt(query, 80)}",
                line,
            )
    return ops
