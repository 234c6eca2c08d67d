"""Tests on the database adapter in Rails migrations, decided for the dialect read.

A migration may run different statements per adapter::

    if ActiveRecord::Base.connection.adapter_name == "SQLServer"
      execute "CREATE UNIQUE NONCLUSTERED INDEX ..."
    else
      add_index :tokens, :refresh_token, unique: true
    end

:func:`adapter_test` gives the value of such a test for the engine read (PostgreSQL unless
``config/database.yml`` says otherwise), as the Alembic reader does for ``dialect.name`` tests:
``adapter_name == "..."``/``!=`` (also after ``.downcase``/``.to_s``), ``adapter_name =~ /.../``/
``!~``, ``!``/``not`` of one, in parentheses. Any other test is ``None``: both branches are read.

>>> from ingest.orm.ruby_calls import parse
>>> test = lambda src, engine: adapter_test(parse(src).named_children[0], engine)
>>> test(b'connection.adapter_name == "SQLServer"', "postgres"), test(b'adapter_name =~ /postg/i', "postgres")
(False, True)
>>> test(b'!(adapter_name.downcase == "mysql2")', "mysql"), test(b'column_exists?(:a, :b)', "postgres")
(False, None)
"""

from __future__ import annotations

import re

from tree_sitter import Node

__all__ = ["ADAPTER_NAMES", "adapter_test"]

#: The ``adapter_name`` values of each engine's adapters, lower case.
ADAPTER_NAMES: dict[str, tuple[str, ...]] = {
    "postgres": ("postgresql", "postgis"),
    "mysql": ("mysql2", "mysql", "trilogy"),
    "mariadb": ("mysql2", "mysql", "trilogy"),
    "sqlite": ("sqlite", "sqlite3"),
    "mssql": ("sqlserver",),
    "oracle": ("oracleenhanced", "oracle"),
}
_CASE_ONLY = frozenset({"downcase", "to_s", "to_sym", "upcase"})


def _text(node: Node | None) -> str:
    return (node.text or b"").decode("utf-8", "replace") if node is not None else ""


def _is_adapter_name(node: Node | None) -> bool:
    """``adapter_name``, ``connection.adapter_name``, maybe followed by ``.downcase``/``.to_s``."""
    while node is not None and node.type == "call":
        method = _text(node.child_by_field_name("method"))
        if method == "adapter_name":
            return True
        if method not in _CASE_ONLY:
            return False
        node = node.child_by_field_name("receiver")
    return node is not None and node.type == "identifier" and _text(node) == "adapter_name"


def _content(node: Node | None) -> tuple[str, int] | None:
    """The text of a plain string or regex (``re`` flags for ``/i``), ``None`` for anything else."""
    if node is None or node.type not in ("string", "regex"):
        return None
    if any(c.type == "interpolation" for c in node.named_children):
        return None
    body = "".join(_text(c) for c in node.named_children if c.type == "string_content")
    flags = re.I if node.type == "regex" and _text(node).rsplit("/", 1)[-1].count("i") else 0
    return body, flags


def adapter_test(node: Node | None, engine: str) -> bool | None:
    """The value of a test on ``adapter_name`` for ``engine``; ``None`` when ``node`` is no such test."""
    if node is None:
        return None
    if node.type in ("parenthesized_statements", "parenthesized_expression") and node.named_child_count == 1:
        return adapter_test(node.named_children[0], engine)
    if node.type == "unary" and _text(node.child_by_field_name("operator")) in ("!", "not"):
        inner = adapter_test(node.child_by_field_name("operand"), engine)
        return None if inner is None else not inner
    if node.type != "binary" or not _is_adapter_name(node.child_by_field_name("left")):
        return None
    operator = _text(node.child_by_field_name("operator"))
    found = _content(node.child_by_field_name("right"))
    names = ADAPTER_NAMES.get(engine, (engine,))
    if found is None or operator not in ("==", "!=", "=~", "!~"):
        return None
    value, flags = found
    if operator in ("==", "!="):
        hit = value.lower() in names
    else:
        try:
            hit = any(re.search(value, n, flags | re.I) for n in names)
        except re.error:
            return None
    return hit if operator in ("==", "=~") else not hit
