"""Python files parsed for the code readers, tolerant of syntax newer than the running Python.

fkmap runs on Python 3.11; Django 5+/6 projects run on 3.12+, where PEP 701 f-strings may
hold backslashes and their own quotes (``f"{'\\n'.join(names)}"``, ``f"{row["id"]}"``), which
3.11's :mod:`ast` refuses -- and one such line made the whole file unreadable.
:func:`parse_module` parses a file (:func:`parse_source` gives the tree alone); when :mod:`ast`
refuses a line that holds an f-string, that f-string (from its opening quote to the last such
quote of the line) is read as ``""`` and the file parsed again, so the rest of it -- its models,
its migration -- is still read. Each such line is one ``warning`` (code ``parse-error``) naming
``path:line`` and saying the syntax is newer than the running Python. A file that still does not
parse is one ``warning`` saying so, and is not read. F-strings carry no schema, so reading one
as ``""`` loses nothing the schema readers use.

>>> m = parse_module('x = 1\\ny = f"{chr(10).join(["a"])}"\\nz = 2\\n', "m.py", [])
>>> [type(s).__name__ for s in m.tree.body]
['Assign', 'Assign', 'Assign']
"""

from __future__ import annotations

import ast
import re
import sys

from ingest.orm.py_ast import PyModule
from model.inventory import Diagnostic

__all__ = ["blank_fstring", "newer_syntax_message", "parse_module", "parse_source"]

_FSTRING = re.compile(r"(?<![\w\"'])(?:[rR][fF]|[fF][rR]?)(\"|')")
_MAX_REPAIRS = 64
_LOOK_BACK = 4
_RUNNING = f"{sys.version_info.major}.{sys.version_info.minor}"


def blank_fstring(line: str) -> str | None:
    """``line`` with its f-string(s) -- from the first opening quote to the last quote of that
    kind -- replaced by ``""``; ``None`` when it holds none.

    >>> blank_fstring('    def label(self): return f"{\\'\\\\n\\'.join(x)}"  # note')
    '    def label(self): return ""  # note'
    >>> blank_fstring('x = f"{a["b"]}" + y'), blank_fstring("x = 'f'")
    ('x = "" + y', None)
    """
    m = _FSTRING.search(line)
    if m is None:
        return None
    end = line.rfind(m.group(1))
    if end < m.end():
        return None
    return f'{line[: m.start()]}""{line[end + 1 :]}'


def _fstring_near(lines: list[str], at: int, repaired: list[int]) -> tuple[int, str] | None:
    """The line (0-based) and its blanked text of the f-string an error at ``at`` is about: on
    that line or a few above (3.11 reports some f-string errors on the line after)."""
    for i in range(min(at, len(lines) - 1), max(at - _LOOK_BACK, -1), -1):
        fixed = blank_fstring(lines[i]) if i + 1 not in repaired else None
        if fixed is not None:
            return i, fixed
    return None


def parse_source(src: str | bytes, path: str) -> tuple[ast.Module, list[int]]:
    """The tree of ``src`` and the lines whose f-strings were read as ``""``; raises the first
    error when that does not help."""
    try:
        return ast.parse(src, filename=path), []
    except SyntaxError as exc:
        first = exc
    text = src.decode("utf-8", "replace") if isinstance(src, bytes) else src
    lines = text.split("\n")
    repaired: list[int] = []
    error: SyntaxError = first
    for _ in range(_MAX_REPAIRS):
        found = _fstring_near(lines, (error.lineno or 0) - 1, repaired)
        if found is None:
            break
        at, fixed = found
        lines[at] = fixed
        repaired.append(at + 1)
        try:
            return ast.parse("\n".join(lines), filename=path), repaired
        except SyntaxError as exc:
            error = exc
    raise first


def newer_syntax_message(where: str) -> str:
    """What a diagnostic says of a line read around syntax newer than the running Python."""
    return (
        f"an f-string with syntax newer than the running Python {_RUNNING} (PEP 701, Python 3.12) "
        f"is read as an empty string; {where}"
    )


def parse_module(text: str, path: str, out: list[Diagnostic]) -> PyModule | None:
    """``text`` (shown as ``path``) parsed, with a diagnostic per line read around newer syntax
    appended to ``out``; ``None`` (and one diagnostic) when it cannot be parsed."""
    try:
        tree, repaired = parse_source(text, path)
    except (SyntaxError, ValueError) as exc:
        message = (
            f"Python syntax error: {exc}; file not read (the running Python is {_RUNNING}: "
            "syntax of a newer Python is an error to it)"
        )
        out.append(Diagnostic("warning", message, path, getattr(exc, "lineno", 0) or 0, code="parse-error"))
        return None
    for line in repaired:
        out.append(
            Diagnostic(
                "warning",
                newer_syntax_message("the rest of the file is read"),
                path,
                line,
                code="parse-error",
            )
        )
    return PyModule(text, path, tree)
