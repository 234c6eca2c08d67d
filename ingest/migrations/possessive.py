r"""Compile regular expressions with possessive quantifiers on every Python 3.11.

CPython 3.11.0 to 3.11.4 (Debian 12's ``python3`` is 3.11.2) mis-match possessive
quantifiers whose subpattern can backtrack (python/cpython#106052): a match may end
before its start or skip a quote, and some raise ``SystemError`` (#101955). The fix
in 3.11.5 implements ``X*+`` as the atomic group ``(?>X*)``; :func:`compile_possessive`
does the same rewrite on the affected versions (atomic groups work there), so the
splitter gives the same statements everywhere. On other versions the pattern is
compiled as written.

>>> atomic_groups(r"[^']*+(?:''[^']*+)*+'")
"(?>[^']*)(?>(?:''(?>[^']*))*)'"
>>> atomic_groups(r"(?<=[eE])\s++a?+b{2,3}+")
'(?<=[eE])(?>\\s+)(?>a?)(?>b{2,3})'
"""

from __future__ import annotations

import re
import sys

__all__ = ["AFFECTED", "atomic_groups", "compile_possessive"]

#: Whether this Python mis-matches possessive quantifiers (3.11.0 to 3.11.4).
AFFECTED = (3, 11) <= sys.version_info[:3] < (3, 11, 5)

_QUANTIFIER = re.compile(r"(?:[*+?]|\{\d*(?:,\d*)?\})")


def compile_possessive(source: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(source, flags)``, possessive quantifiers rewritten where Python needs it."""
    return re.compile(atomic_groups(source) if AFFECTED else source, flags)


def atomic_groups(source: str) -> str:
    """``source`` with every possessive ``X*+``, ``X++``, ``X?+``, ``X{m,n}+`` as ``(?>X*)`` etc."""
    out: list[str] = []
    i, n = 0, len(source)
    while i < n:
        atom, i = _atom(source, i)
        q = _QUANTIFIER.match(source, i)
        if q is None:
            out.append(atom)
            continue
        i = q.end()
        if source.startswith("+", i):  # possessive
            out.append(f"(?>{atom}{q.group()})")
            i += 1
        else:
            out.append(atom + q.group())
    return "".join(out)


def _atom(source: str, i: int) -> tuple[str, int]:
    """The atom starting at ``i`` (escape, class, group -- rewritten inside -- or character)."""
    c = source[i]
    if c == "\\":
        return source[i : i + 2], i + 2
    if c == "[":
        end = _class_end(source, i)
        return source[i:end], end
    if c != "(":
        return c, i + 1
    end = _group_end(source, i)
    prefix = _group_prefix(source, i, end)
    if prefix is None:  # (?P=name), (?i): nothing to rewrite inside
        return source[i:end], end
    return prefix + atomic_groups(source[i + len(prefix) : end - 1]) + ")", end


def _group_prefix(source: str, i: int, end: int) -> str | None:
    """``(``, ``(?:``, ``(?P<name>``, ``(?<=``, ``(?i:``...; None for groups without a body."""
    if not source.startswith("(?", i):
        return "("
    rest = source[i + 2 : end]
    if rest.startswith("P<"):
        return source[i : i + 2 + rest.index(">") + 1]
    if rest.startswith("P="):
        return None
    if rest.startswith(("<=", "<!")):
        return source[i : i + 4]
    if rest[:1] in (":", ">", "=", "!"):
        return source[i : i + 3]
    colon = rest.find(":")
    close = rest.find(")")
    if colon < 0 or (0 <= close < colon):
        return None
    return source[i : i + 2 + colon + 1]


def _class_end(source: str, i: int) -> int:
    """Index after the character class ``[...]`` opening at ``i``."""
    j = i + 1
    if source.startswith("^", j):
        j += 1
    if source.startswith("]", j):
        j += 1
    while j < len(source) and source[j] != "]":
        j += 2 if source[j] == "\\" else 1
    return j + 1


def _group_end(source: str, i: int) -> int:
    """Index after the group opening at ``i`` (balanced, escapes and classes skipped)."""
    depth = 0
    j = i
    while j < len(source):
        c = source[j]
        if c == "\\":
            j += 2
            continue
        if c == "[":
            j = _class_end(source, j)
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return j
