"""Bound parameters in the SQL of ORM query calls, made literals before the SQL is parsed.

``queryInterface.sequelize.query(sql, { replacements })`` writes values as ``:name`` or ``?``;
``{ bind }`` as ``$1`` or ``$name``. The SQL ingester would take them for syntax errors, so
:func:`bind_parameters` replaces each one outside string literals, quoted identifiers and
comments by ``NULL`` -- the value is data, never a table or a key, so nothing the replay reads
changes. ``::type`` casts and ``$$``/``$tag$`` dollar quotes are kept.

>>> bind_parameters('update documents set "text" = :text where id = :id and x::int = ?')
'update documents set "text" = NULL where id = NULL and x::int = NULL'
>>> bind_parameters("select ':not' , $1, $$body$$ -- :no")
"select ':not' , NULL, $$body$$ -- :no"
"""

from __future__ import annotations

import re

__all__ = ["bind_parameters"]

# quoted text and comments, kept; then the parameters, replaced
_TOKENS = re.compile(
    r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|`[^`]*`|--[^\n]*|/\*.*?\*/|\$(?:\w*)\$"""  # kept
    r"""|(?<![:\w]):[A-Za-z_]\w*|\$(?:\d+|[A-Za-z_]\w*)(?!\$)|\?""",  # parameters
    re.S,
)
_KEPT = ("'", '"', "`", "--", "/*")


def _one(m: re.Match[str]) -> str:
    token = m.group(0)
    if token.startswith(_KEPT) or (token.startswith("$") and token.endswith("$")):
        return token
    return "NULL"


def bind_parameters(sql: str) -> str:
    """``sql`` with its ``:name``, ``?``, ``$1`` and ``$name`` parameters replaced by ``NULL``."""
    return _TOKENS.sub(_one, sql)
