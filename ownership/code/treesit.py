"""Tree-sitter plumbing shared by the Rust, Go, TypeScript/JavaScript, Java and Ruby readers.

Grammars come from the ``tree-sitter-<language>`` wheels; parsers and compiled queries are cached
per process. :func:`sql_literals` yields every string literal of a parse tree that reads as SQL,
with its text: escapes decoded, substitutions (``${x}`` in JavaScript templates, ``#{x}`` in Ruby)
replaced by :data:`~ownership.code.sql.PLACEHOLDER`, and ``"a" + "b"`` concatenations joined (a
non-literal operand becomes the placeholder too). Literals are found by tree-sitter queries run in
C; Python only looks at the few whose first bytes start like a statement.

>>> tree = parse("javascript", b"const q = `SELECT * FROM ${t}.users WHERE id = ${id}`;")
>>> [text for _, text in sql_literals("javascript", tree.root_node, tree.src)]
['SELECT * FROM fkmap_ph.users WHERE id = fkmap_ph']
>>> tree = parse("java", b'class A { String q = "SELECT a " + COLS + " FROM t\\\\n"; }')
>>> [(node.type, text) for node, text in sql_literals("java", tree.root_node, tree.src)]
[('binary_expression', 'SELECT a fkmap_ph FROM t\\n')]
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
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
    "matches",
    "parse",
    "sql_literals",
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
_JS_STRINGS = '[(string) (template_string)] @str (binary_expression operator: "+") @cat'
_STRING_QUERIES = {
    "rust": "[(string_literal) (raw_string_literal)] @str",
    "go": '[(interpreted_string_literal) (raw_string_literal)] @str (binary_expression operator: "+") @cat',
    "typescript": _JS_STRINGS,
    "tsx": _JS_STRINGS,
    "javascript": _JS_STRINGS,
    "java": '(string_literal) @str (binary_expression operator: "+") @cat',
    "ruby": '[(string) (heredoc_body)] @str (binary operator: "+") @cat',
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
_PREFIX = 48


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
    ``javascript``, ``java``, ``ruby``)."""
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


def _may_be_sql(src: bytes, node: Node) -> bool:
    """A cheap look at the first bytes of a literal's content: could its first word be a statement?"""
    first = node.child(0)
    start = node.start_byte
    if first is not None:
        content = first.type in _CONTENT or first.type in _SUBSTITUTIONS or first.type == "escape_sequence"
        start = first.start_byte if content else first.end_byte
    prefix = src[start : min(node.end_byte, start + _PREFIX)]
    i, n = 0, len(prefix)
    while i < n and (
        prefix[i] in b" \t\r\n(" or (prefix[i] == 0x5C and prefix[i + 1 : i + 2] in (b"n", b"t", b"r"))
    ):
        i += 2 if prefix[i] == 0x5C else 1
    rest = prefix[i:]
    if rest.startswith((b"--", b"/*")) or (not rest and n == _PREFIX):
        return True  # a comment or a long indent: let the full text decide
    j = 0
    while j < len(rest) and (chr(rest[j]).isalpha() or rest[j] == 0x5F):
        j += 1
    return rest[:j].decode("ascii", "replace").lower() in SQL_WORDS


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


def _leftmost(node: Node) -> Node:
    while node.type in _CONCAT_TYPES:
        left = node.child_by_field_name("left")
        if left is None:
            break
        node = left
    return node


def sql_literals(lang: str, root: Node, src: bytes) -> Iterator[tuple[Node, str]]:
    """``(node, text)`` for each literal (or ``+`` chain) under ``root`` that starts like SQL."""
    found = captures(lang, _STRING_QUERIES[lang], root)
    joined: set[int] = set()
    covered = -1
    for cat in sorted(found.get("cat", ()), key=lambda n: (n.start_byte, -n.end_byte)):
        if cat.end_byte <= covered:
            continue
        covered = cat.end_byte
        first = _leftmost(cat)
        if first.type not in _STRING_TYPES or not _may_be_sql(src, first):
            continue
        leaves: list[Node | None] = []
        _leaves(cat, leaves)
        joined.update(leaf.start_byte for leaf in leaves if leaf is not None)
        text = "".join(PLACEHOLDER if leaf is None else literal_text(leaf) for leaf in leaves)
        if looks_like_sql(text):
            yield cat, text
    for node in found.get("str", ()):
        if node.start_byte in joined or not _may_be_sql(src, node):
            continue
        text = literal_text(node)
        if looks_like_sql(text):
            yield node, text
