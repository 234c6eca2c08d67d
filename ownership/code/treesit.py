"""Tree-sitter plumbing shared by the Rust, Go, TypeScript/JavaScript, Java and Ruby readers.

Grammars come from the ``tree-sitter-<language>`` wheels; parsers and compiled queries are cached
per process. :func:`run` queries a tree once for a reader's patterns and the SQL candidates;
:func:`literals_from` (or :func:`sql_literals`) yields every string literal that reads as SQL,
with its text: escapes decoded, substitutions (``${x}`` in JavaScript templates, ``#{x}`` in Ruby)
replaced by :data:`~ownership.code.sql.PLACEHOLDER`, and ``"a" + "b"`` concatenations joined (a
non-literal operand becomes the placeholder too). Literals are found by tree-sitter queries run in
C, whose first-word check is a query predicate: Python only sees string content that starts like
a statement. Or, where a byte check already found where such literals may open
(:func:`ownership.code.gate.rust_sql_starts`), :func:`literals_at` looks there only, without a
walk of the whole tree.

>>> tree = parse("javascript", b"const q = `SELECT * FROM ${t}.users WHERE id = ${id}`;")
>>> [text for _, text in sql_literals("javascript", tree.root_node)]
['SELECT * FROM fkmap_ph.users WHERE id = fkmap_ph']
>>> tree = parse("java", b'class A { String q = "SELECT a " + COLS + " FROM t\\\\n"; }')
>>> [(node.type, text) for node, text in sql_literals("java", tree.root_node)]
[('binary_expression', 'SELECT a fkmap_ph FROM t\\n')]
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import tree_sitter_go
import tree_sitter_java
import tree_sitter_javascript
import tree_sitter_ruby
import tree_sitter_rust
import tree_sitter_typescript
from tree_sitter import Language, Node, Parser, Query, QueryCursor

from model.inventory import Diagnostic
from ownership.code.sql import PLACEHOLDER, SQL_WORDS, looks_like_sql

__all__ = [
    "Parsed",
    "captures",
    "child_text",
    "error_diagnostic",
    "literal_text",
    "literals_at",
    "literals_from",
    "matches",
    "parse",
    "run",
    "sql_literals",
    "strings_pattern",
]

_GRAMMARS: dict[str, Callable[[], object]] = {
    "rust": tree_sitter_rust.language,
    "go": tree_sitter_go.language,
    "typescript": tree_sitter_typescript.language_typescript,
    "tsx": tree_sitter_typescript.language_tsx,
    "javascript": tree_sitter_javascript.language,
    "java": tree_sitter_java.language,
    "ruby": tree_sitter_ruby.language,
}
#: The first-word check of :func:`ownership.code.sql.looks_like_sql`, as a query predicate: only
#: string content starting like a statement (or with a comment) reaches Python.
_FIRST_WORD = r"^[\s(]*((?i:" + "|".join(sorted(SQL_WORDS)) + r")\b|--|/\*)"
_CONTENT_NODES = {
    "rust": "(string_content)",
    "go": "[(interpreted_string_literal_content) (raw_string_literal_content)]",
    "typescript": "(string_fragment)",
    "tsx": "(string_fragment)",
    "javascript": "(string_fragment)",
    "java": "[(string_fragment) (multiline_string_fragment)]",
    "ruby": "[(string_content) (heredoc_content)]",
}
_STRING_TYPES = frozenset(
    {"string_literal", "raw_string_literal", "interpreted_string_literal", "string", "template_string"}
    | {"heredoc_body"}
)
_CONCAT_TYPES = frozenset({"binary_expression", "binary"})
_CONTENT = frozenset(
    {"string_content", "string_fragment", "interpreted_string_literal_content", "raw_string_literal_content"}
    | {"multiline_string_fragment", "heredoc_content"}
)
_SUBSTITUTIONS = frozenset({"template_substitution", "interpolation"})
_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "0": "\0",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "a": "\a",
    "e": "\x1b",
}


@dataclass(frozen=True)
class Parsed:
    """A parse tree with the bytes it was parsed from."""

    lang: str
    src: bytes
    root_node: Node


@functools.cache
def _language(lang: str) -> Language:
    return Language(_GRAMMARS[lang]())


@functools.cache
def _parser(lang: str) -> Parser:
    return Parser(_language(lang))


@functools.cache
def _query(lang: str, source: str) -> Query:
    return Query(_language(lang), source)


def parse(lang: str, src: bytes) -> Parsed:
    """Parse ``src`` with the grammar ``lang`` (``rust``, ``go``, ``typescript``, ``tsx``,
    ``javascript``, ``java``, ``ruby``). Invalid UTF-8 is replaced first: the query
    predicates decode node text as UTF-8 and would raise on it."""
    try:
        src.decode("utf-8")
    except UnicodeDecodeError:
        src = src.decode("utf-8", "replace").encode("utf-8")
    return Parsed(lang, src, _parser(lang).parse(src).root_node)


def captures(lang: str, query: str, node: Node) -> dict[str, list[Node]]:
    """The captures of a (cached) tree-sitter query under ``node``, by capture name."""
    return QueryCursor(_query(lang, query)).captures(node)


def matches(lang: str, query: str, node: Node) -> list[dict[str, Node]]:
    """One ``{capture: node}`` dict per match of a (cached) query under ``node`` (first node per capture)."""
    return [{k: v[0] for k, v in m.items() if v} for _, m in QueryCursor(_query(lang, query)).matches(node)]


def child_text(node: Node | None, field: str = "") -> str:
    """The text of ``node`` (of its child ``field``, when given), ``""`` when absent."""
    if node is not None and field:
        node = node.child_by_field_name(field)
    return "" if node is None or node.text is None else node.text.decode("utf-8", "replace")


def error_diagnostic(node: Node, path: str) -> Diagnostic | None:
    """A ``parse-error`` warning at the first syntax error of a tree, ``None`` when it has none."""
    if not node.has_error:
        return None
    while not (node.is_error or node.is_missing):
        child = next((c for c in node.children if c.has_error or c.is_missing), None)
        if child is None:
            break
        node = child
    line = node.start_point.row + 1
    return Diagnostic(
        "warning", "syntax error; literals around it may be missed", path, line, code="parse-error"
    )


def _unescape(raw: str) -> str:
    body = raw[1:]
    if len(body) == 1:
        return _ESCAPES.get(body, body)
    if body[:1] in ("u", "x"):
        digits = body[1:].strip("{}")
        try:
            return chr(int(digits, 16))
        except ValueError:
            return body
    return body


def literal_text(node: Node) -> str:
    """The value of a string literal node: content, decoded escapes, placeholders for substitutions."""
    parts: list[str] = []
    for child in node.children:
        kind = child.type
        if kind in _CONTENT:
            parts.append(child_text(child))
        elif kind == "escape_sequence":
            parts.append(_unescape(child_text(child)))
        elif kind in _SUBSTITUTIONS:
            parts.append(PLACEHOLDER)
    return "".join(parts)


def _leaves(node: Node, out: list[Node | None]) -> None:
    """The operands of a ``+`` chain, left to right (``None`` for a non-literal)."""
    if node.type in _CONCAT_TYPES and child_text(node, "operator") == "+":
        _leaves_field(node, "left", out)
        _leaves_field(node, "right", out)
    else:
        out.append(node if node.type in _STRING_TYPES else None)


def _leaves_field(node: Node, field: str, out: list[Node | None]) -> None:
    child = node.child_by_field_name(field)
    if child is None:
        out.append(None)
    else:
        _leaves(child, out)


def _chain_top(literal: Node) -> Node:
    """The ``+`` chain a literal starts (climbing while it is the left operand), else the literal."""
    node = literal
    parent = node.parent
    while parent is not None and parent.type in _CONCAT_TYPES and child_text(parent, "operator") == "+":
        left = parent.child_by_field_name("left")
        if left is None or left.start_byte != node.start_byte or left.end_byte != node.end_byte:
            break
        node, parent = parent, parent.parent
    return node


def strings_pattern(lang: str) -> str:
    """The query pattern capturing (as ``sqlc``) string content that starts like a statement."""
    pattern = _FIRST_WORD.replace("\\", "\\\\").replace('"', '\\"')
    return f'({_CONTENT_NODES[lang]} @sqlc (#match? @sqlc "{pattern}"))'


def run(lang: str, patterns: str, root: Node) -> tuple[list[Node], list[dict[str, Node]]]:
    """One query pass for the SQL candidates and a reader's own ``patterns``: ``(candidate string
    contents, the other matches)``. One pass over the tree costs about half of two."""
    found = matches(lang, f"{strings_pattern(lang)}\n{patterns}", root)
    return [m["sqlc"] for m in found if "sqlc" in m], [m for m in found if "sqlc" not in m]


def literals_from(contents: Iterable[Node]) -> Iterator[tuple[Node, str]]:
    """``(node, text)`` for each literal (or ``+`` chain it starts) holding one of the candidate
    ``contents`` (from :func:`run`) whose text starts like SQL."""
    return _sql_texts(content.parent for content in contents)


def literals_at(root: Node, offsets: Iterable[int]) -> Iterator[tuple[Node, str]]:
    """``(node, text)`` for each literal (or ``+`` chain it starts) whose quote is at one of the byte
    ``offsets`` of the tree under ``root`` and whose text starts like SQL. Offsets that are no
    literal's (a quote in a comment, a char literal, a closing quote) are passed over: the tree says
    what is a literal, the offsets only where to look (each a walk down the tree, not of all of it)."""
    return _sql_texts(_literal_at(root, offset) for offset in offsets)


def _literal_at(root: Node, offset: int) -> Node | None:
    node = root.descendant_for_byte_range(offset, offset + 1)
    if node is not None and node.type not in _STRING_TYPES:
        node = node.parent  # the quote token of a literal (a raw string has none)
    return node if node is not None and node.type in _STRING_TYPES else None


def _sql_texts(literals: Iterable[Node | None]) -> Iterator[tuple[Node, str]]:
    done: set[tuple[int, int]] = set()
    for literal in literals:
        if literal is None or literal.type not in _STRING_TYPES:
            continue
        top = _chain_top(literal)
        if (top.start_byte, top.end_byte) in done:
            continue
        done.add((top.start_byte, top.end_byte))
        if top is literal:
            text = literal_text(literal)
        else:
            leaves: list[Node | None] = []
            _leaves(top, leaves)
            text = "".join(PLACEHOLDER if leaf is None else literal_text(leaf) for leaf in leaves)
        if looks_like_sql(text):
            yield top, text


def sql_literals(lang: str, root: Node) -> Iterator[tuple[Node, str]]:
    """``(node, text)`` for each literal (or ``+`` chain) under ``root`` that starts like SQL."""
    return literals_from(run(lang, "", root)[0])
