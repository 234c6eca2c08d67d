"""Which tables a SQL string reads and writes, found by parsing it.

Only strings whose first word (after white space, comments and opening parentheses) is ``SELECT``,
``INSERT``, ``UPDATE``, ``DELETE``, ``WITH``, ``MERGE``, ``REPLACE``, ``UPSERT`` or ``COPY`` are
parsed (:func:`looks_like_sql`). :func:`sql_tables` parses with PostgreSQL's own parser (pglast)
first; when that fails, driver parameters (``?``, ``%s``, ``%(name)s``, ``:name``, ``@name``) are
replaced by the placeholder (and ``REPLACE``/``UPSERT`` by ``INSERT``) and PostgreSQL tries again:
first with the parameters PostgreSQL's own lexer shows, then with those of sqlglot's tokenizer
(which reads what that lexer cannot). Then sqlglot parses the text in its generic and MySQL
dialects, keeping only statements a database would accept (an ``UPDATE`` with ``SET``, a ``DELETE`` with
``FROM``, an ``INSERT`` with ``INTO`` and rows).

The target of ``INSERT``/``UPDATE``/``DELETE``/``MERGE`` (and of ``COPY ... FROM``) is written;
every other table (``FROM``, ``JOIN``, ``USING``, subqueries, an ``UPDATE``'s ``FROM``) is read.
CTE names are not tables. Names are lower-case, ``schema.name`` when qualified. Code substitutions
(``${x}``, ``#{x}``, ``{x}``) reach this module as :data:`PLACEHOLDER`; a table named by one is
dropped, a schema named by one is left out.

>>> sql_tables("WITH m AS (DELETE FROM a RETURNING *) INSERT INTO s.b SELECT * FROM m JOIN c USING (id)")
(('a', 'write'), ('c', 'read'), ('s.b', 'write'))
>>> sql_tables("UPDATE users u SET name = o.name FROM old o WHERE u.id = %s")
(('old', 'read'), ('users', 'write'))
>>> sql_tables("REPLACE INTO `stats` (k) VALUES (?)")
(('stats', 'write'),)
>>> sql_tables("Update failed"), sql_tables(f"SELECT * FROM {PLACEHOLDER}.orders")
((), (('orders', 'read'),))
>>> looks_like_sql("  -- find them\\n (select 1)"), looks_like_sql("Selection made")
(True, False)
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import msgspec
from pglast import parser as pg_parser

from ownership.code.evidence import Access
from ownership.code.names import qualified

if TYPE_CHECKING:  # sqlglot (50 ms of imports) is imported by the fallback, the first time it runs
    from sqlglot import Dialect, Token, exp

__all__ = ["PLACEHOLDER", "SQL_WORDS", "jpql_entities", "looks_like_sql", "sql_tables"]

#: What a substitution in a code string becomes (an identifier valid wherever a value or name is).
PLACEHOLDER = "fkmap_ph"
#: First words of the statements that are parsed.
SQL_WORDS = frozenset({"select", "insert", "update", "delete", "with", "merge", "replace", "upsert", "copy"})

Tables = tuple[tuple[str, Access], ...]
_WRITE_STMTS = frozenset({"InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt"})
_JSON = msgspec.json.Decoder()


def _skip_comment(text: str, i: int) -> int:
    """The index after a comment starting at ``i``, or ``i`` when none starts there."""
    if text.startswith("--", i):
        end = text.find("\n", i)
        return len(text) if end < 0 else end + 1
    if text.startswith("/*", i):
        end = text.find("*/", i + 2)
        return len(text) if end < 0 else end + 2
    return i


def first_word(text: str) -> str:
    """The first word of ``text`` after white space, comments and ``(``, lower-case."""
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace() or text[i] == "(":
            i += 1
            continue
        j = _skip_comment(text, i)
        if j == i:
            break
        i = j
    j = i
    while j < n and (text[j].isalpha() or text[j] == "_"):
        j += 1
    return text[i:j].lower()


def looks_like_sql(text: str) -> bool:
    """Whether ``text`` starts with a statement keyword worth parsing."""
    return first_word(text) in SQL_WORDS


def _name(schema: str, table: str) -> str:
    if not table or table.lower() == PLACEHOLDER or not (table[0].isalpha() or table[0] == "_"):
        return ""
    return qualified("" if schema.lower() == PLACEHOLDER else schema, table)


# --- PostgreSQL (pglast) --------------------------------------------------------------------------


def _pg_tables(sql: str) -> Tables:
    """Tables of a pglast JSON parse tree: RangeVars, written when a statement's target. Only dicts and
    lists are walked (a scalar is never a table)."""
    stack: list[tuple[Any, bool]] = [(_JSON.decode(pg_parser.parse_sql_json(sql)), False)]
    push, pop = stack.append, stack.pop
    ranges: list[tuple[str, str, bool]] = []
    ctes: set[str] = set()
    while stack:
        item, is_target = pop()
        if type(item) is list:
            for x in item:
                if type(x) is dict or type(x) is list:
                    push((x, False))
            continue
        if type(item) is not dict:
            continue
        if "relname" in item:
            ranges.append((str(item.get("schemaname", "")), str(item["relname"]), is_target))
        if "ctename" in item:
            ctes.add(str(item["ctename"]).lower())
        for key, value in item.items():
            kind = type(value)
            if kind is dict:
                if key in _WRITE_STMTS or (key == "CopyStmt" and value.get("is_from")):
                    stack.extend((v, k == "relation") for k, v in value.items())  # ``relation``: written
                else:
                    push((value, key == "rel"))  # SELECT ... INTO rel creates (writes) rel
            elif kind is list:
                push((value, False))
    uses: set[tuple[str, Access]] = set()
    for schema, rel, is_target in ranges:
        if not schema and rel.lower() in ctes and not is_target:
            continue
        if name := _name(schema, rel):
            uses.add((name, "write" if is_target else "read"))
    return tuple(sorted(uses))


# --- driver parameters, found with either lexer: PostgreSQL's first ----------------------------


def _replaced(
    sql: str, tokens: Sequence[Any], first: str, param: Callable[[int], tuple[int, int]]
) -> str | None:
    """``sql`` with the driver parameters ``param`` finds among its ``tokens`` replaced by
    :data:`PLACEHOLDER` (valid wherever a value or a name is) and a leading ``REPLACE``/``UPSERT``
    (``first``: the first token's text) by ``INSERT``; ``None`` when nothing changed. The tokens, of
    either lexer, carry ``start`` and (inclusive) ``end`` offsets into ``sql``; ``param(i)`` gives
    ``(tokens it takes, offset where it starts)`` of a parameter starting in token ``i``, ``(0, 0)``
    for none."""
    out: list[str] = []
    pos = i = 0
    if first.upper() in ("REPLACE", "UPSERT"):
        out, pos, i = [sql[: tokens[0].start], "INSERT"], tokens[0].end + 1, 1
    while i < len(tokens):
        span, at = param(i)
        if span:
            out += [sql[pos:at], PLACEHOLDER]
            pos, i = tokens[i + span - 1].end + 1, i + span
        else:
            i += 1
    return "".join([*out, sql[pos:]]) if out else None


#: Comparison operators PostgreSQL's lexer glues to a parameter's ``?`` or ``%`` (``id=?``).
_GLUED = frozenset({"=", "<", ">", "<=", ">=", "<>", "!="})


def _pg_param_span(sql: str, tokens: list[Any], i: int) -> tuple[int, int]:
    """``(tokens it takes, offset where it starts)`` of the driver parameter that starts in token ``i``
    of PostgreSQL's lexer (``(0, 0)``: none): the whole token, or the ``?``/``%`` an operator such as
    ``=?`` ends with."""
    tok = tokens[i]
    text = sql[tok.start : tok.end + 1]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    adjacent = nxt is not None and nxt.start == tok.end + 1
    if text == "?" or (text[-1] == "?" and text[:-1] in _GLUED):
        return 1, tok.end
    word = sql[nxt.start : nxt.end + 1] if nxt is not None else ""
    if text in (":", "@") and adjacent and word.replace("_", "a").isalnum():
        return 2, tok.start
    if (text == "%" or (text[-1] == "%" and text[:-1] in _GLUED)) and adjacent:
        if word in ("s", "d", "b"):
            return 2, tok.end
        closing = tokens[i + 2 : i + 5]
        if word == "(" and len(closing) == 3 and sql[closing[2].start : closing[2].end + 1] == "s":
            return 5, tok.end
    return 0, 0


def _pg_normalized(sql: str) -> str | None:
    """What :func:`_normalized` makes of ``sql``, from PostgreSQL's own lexer (``pglast.parser.scan``)
    instead of sqlglot's: driver parameters replaced by :data:`PLACEHOLDER`, a leading
    ``REPLACE``/``UPSERT`` by ``INSERT``. ``None`` when nothing changed or the lexer cannot read it
    (then sqlglot's tokens are tried); ASCII text only (the lexer's offsets are then characters).

    >>> _pg_normalized("SELECT * FROM t WHERE a=? AND b >= %(b)s AND c = :c")
    'SELECT * FROM t WHERE a=fkmap_ph AND b >= fkmap_ph AND c = fkmap_ph'
    """
    if not sql.isascii():
        return None
    try:
        tokens = pg_parser.scan(sql)
    except pg_parser.ParseError:
        return None
    first = sql[tokens[0].start : tokens[0].end + 1] if tokens else ""
    return _replaced(sql, tokens, first, lambda i: _pg_param_span(sql, tokens, i))


# --- parameters and sqlglot ---------------------------------------------------------------------


@functools.cache
def _dialect(name: str | None) -> Dialect:
    from sqlglot import Dialect

    return Dialect.get_or_raise(name)


def _adjacent(a: Token, b: Token) -> bool:
    return a.end + 1 == b.start


def _param_span(tokens: list[Token], i: int) -> tuple[int, int]:
    """``(tokens it takes, offset where it starts)`` of the driver parameter that starts at sqlglot's
    token ``i`` (``(0, 0)``: none)."""
    from sqlglot import TokenType

    tok = tokens[i]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if tok.token_type == TokenType.PLACEHOLDER:
        return 1, tok.start
    if tok.token_type in (TokenType.COLON, TokenType.PARAMETER) and nxt and _adjacent(tok, nxt):
        return (2, tok.start) if nxt.text.replace("_", "a").isalnum() else (0, 0)
    if tok.token_type == TokenType.MOD and nxt and _adjacent(tok, nxt):
        if nxt.text in ("s", "d", "b"):
            return 2, tok.start
        closing = tokens[i + 2 : i + 5]
        if nxt.token_type == TokenType.L_PAREN and len(closing) == 3 and closing[2].text == "s":
            return 5, tok.start
    return 0, 0


def _tokens(sql: str, dialect: str | None = None) -> list[Token] | None:
    """sqlglot's tokens of ``sql`` in ``dialect`` (generic by default), ``None`` when it cannot."""
    try:
        return _dialect(dialect).tokenize(sql)
    except Exception:  # sqlglot raises its own TokenError and, on odd input, others
        return None


def _normalized(sql: str, tokens: list[Token] | None) -> str | None:
    """:func:`_replaced` of ``sql`` working on sqlglot's ``tokens`` of it (:func:`_tokens`); ``None``
    when nothing changed or there are no tokens."""
    if tokens is None:
        return None
    first = tokens[0].text if tokens else ""
    return _replaced(sql, tokens, first, lambda i: _param_span(tokens, i))


def _acceptable(stmt: exp.Expression, words: list[Any]) -> bool:
    """Whether a sqlglot statement is real SQL, not prose that sqlglot's leniency accepted
    (``words``: the types of its first four tokens)."""
    from sqlglot import TokenType, exp

    if isinstance(stmt, exp.Update):
        return bool(stmt.args.get("expressions"))
    if isinstance(stmt, exp.Delete):
        return TokenType.FROM in words[1:3]
    if isinstance(stmt, exp.Insert):
        return TokenType.INTO in words and stmt.args.get("expression") is not None
    return isinstance(stmt, exp.Query | exp.Merge)


def _glot_tables(sql: str, dialect: str | None, tokens: list[Token] | None = None) -> Tables:
    """Tables of ``sql`` parsed by sqlglot in ``dialect`` from its ``tokens`` (tokenized here when
    not given: what ``sqlglot.parse(sql, read=dialect)`` does); raises when it is no statement."""
    from sqlglot import exp

    if tokens is None:
        tokens = _dialect(dialect).tokenize(sql)
    words = [t.token_type for t in tokens[:4]]
    uses: set[tuple[str, Access]] = set()
    for stmt in _dialect(dialect).parser().parse(tokens, sql):
        if not isinstance(stmt, exp.Expression) or not _acceptable(stmt, words):
            raise ValueError("not a statement")
        targets = set()
        for node in stmt.find_all(exp.Insert, exp.Update, exp.Delete, exp.Merge):
            this = node.this
            target = this if isinstance(this, exp.Table) else this.find(exp.Table) if this else None
            if target is not None:
                targets.add(id(target))
        ctes = {cte.alias_or_name.lower() for cte in stmt.find_all(exp.CTE)}
        for table in stmt.find_all(exp.Table):
            if not table.db and table.name.lower() in ctes:
                continue
            if name := _name(table.db, table.name):
                uses.add((name, "write" if id(table) in targets else "read"))
    return tuple(sorted(uses))


@functools.lru_cache(maxsize=8192)
def sql_tables(sql: str) -> Tables:
    """``((table, access), ...)`` sorted, for a SQL string; ``()`` when it does not parse."""
    if not looks_like_sql(sql):
        return ()
    try:
        return _pg_tables(sql)
    except pg_parser.ParseError:
        pass
    quick = _pg_normalized(sql)
    if quick is not None:
        try:
            return _pg_tables(quick)
        except pg_parser.ParseError:
            pass
    tokens = _tokens(sql)
    rewritten = _normalized(sql, tokens)
    if rewritten is not None and rewritten != quick:
        try:
            return _pg_tables(rewritten)
        except pg_parser.ParseError:
            pass
    for dialect in (None, "mysql"):
        try:  # the generic tokens of ``sql`` serve again when it needed no rewriting
            return _glot_tables(
                rewritten or sql, dialect, tokens if dialect is None and rewritten is None else None
            )
        except Exception:  # sqlglot's ParseError/TokenError, or a crash on odd input: not SQL
            continue
    return ()


@functools.lru_cache(maxsize=1024)
def jpql_entities(jpql: str) -> Tables:
    """``((entity, access), ...)`` named by a JPQL/HQL string (sqlglot; PostgreSQL would read
    ``FROM User`` as the ``USER`` function); ``()`` when it does not parse.

    >>> jpql_entities("UPDATE User u SET u.active = false WHERE u.id = :id")
    (('user', 'write'),)
    """
    if not looks_like_sql(jpql):
        return ()
    try:
        return _glot_tables(_normalized(jpql, _tokens(jpql)) or jpql, None)
    except Exception:  # sqlglot's ParseError/TokenError, or a crash on odd input
        return ()
