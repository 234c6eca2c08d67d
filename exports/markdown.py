"""The inventory report as GitHub-flavoured Markdown.

Every name from SQL is escaped: Markdown punctuation (``\\ ` * _ [ ] < > | # & ! ~``)
gets a backslash, line breaks are spelled ``\\x0a``, a leading list or heading
marker is escaped, and code spans and fenced blocks use a backtick fence longer
than any run inside them.

Examples
--------
>>> md_text("a|b *c* <d>")
'a\\\\|b \\\\*c\\\\* \\\\<d\\\\>'
>>> md_code("x`y")
'``x`y``'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TextIO

import networkx as nx

from exports._common import clean_text
from exports.document import (
    Bullets,
    CodeBlock,
    Heading,
    Para,
    Report,
    ReportRenderer,
    TableBlock,
    Text,
    join_inline,
)
from exports.report import build_report
from exports.report_remediation import TrackedTotals
from graph.scope import Scope
from model.inventory import ForeignKey, Inventory

__all__ = ["MarkdownRenderer", "md_code", "md_text", "render_markdown", "write_markdown"]

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#&!~])")
_BLOCK_START = re.compile(r"^(\s*)([-+=]|\d+(?=[.)]))")


def md_text(text: str) -> str:
    """Plain text with every Markdown-active character escaped (one line)."""
    return _SPECIAL.sub(r"\\\1", clean_text(text))


def _escape_marker(m: re.Match[str]) -> str:
    """``- x`` -> ``\\- x``; ``1. x`` -> ``1\\. x`` (CommonMark escapes punctuation, not digits)."""
    lead, marker = m.group(1), m.group(2)
    return f"{lead}{marker}\\" if marker[0].isdigit() else f"{lead}\\{marker}"


def _longest_run(text: str, ch: str = "`") -> int:
    return max((len(m) for m in re.findall(f"{re.escape(ch)}+", text)), default=0)


def md_code(text: str, *, in_table: bool = False) -> str:
    """An inline code span that no backtick inside can close early."""
    text = clean_text(text)
    if in_table:
        text = text.replace("|", "\\|")
    fence = "`" * (_longest_run(text) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or (text[:1] == " " and text[-1:] == " ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _strong(text: str) -> str:
    return f"**{md_text(text)}**"


def _code(text: str, *, in_table: bool = False) -> str:
    return md_code(text, in_table=in_table) if text else ""


def _inline(parts: Text, *, in_table: bool = False) -> str:
    return join_inline(parts, text=md_text, code=functools.partial(_code, in_table=in_table), strong=_strong)


def _line(parts: Text) -> str:
    """Inline parts that start a line: a leading list or heading marker in plain text is escaped."""

    def first(text: str) -> str:
        return _BLOCK_START.sub(_escape_marker, md_text(text))

    head = join_inline(parts[:1], text=first, code=_code, strong=_strong)
    return head + _inline(parts[1:])


def _cell(parts: Text) -> str:
    return _inline(parts, in_table=True) or " "


class MarkdownRenderer(ReportRenderer):
    """The report as GitHub-flavoured Markdown: blocks separated by a blank line."""

    def heading(self, block: Heading) -> str:
        return "#" * block.level + " " + md_text(block.text) + "\n"

    def para(self, block: Para) -> str:
        return _line(block.parts) + "\n"

    def bullets(self, block: Bullets) -> str:
        return "".join(f"- {_line(item)}\n" for item in block.items)

    def table(self, block: TableBlock) -> str:
        align = (" ---: " if i in block.numeric else " --- " for i in range(len(block.header)))
        lines = [
            "| " + " | ".join(md_text(h) for h in block.header) + " |",
            "|" + "|".join(align) + "|",
            *("| " + " | ".join(_cell(cell) for cell in row) + " |" for row in block.rows),
        ]
        return "\n".join(lines) + "\n"

    def code_block(self, block: CodeBlock) -> str:
        fence = "`" * max(3, _longest_run(block.text) + 1)
        body = block.text.rstrip("\n")
        return f"{fence}{block.lang}\n{body}\n{fence}\n"

    def document(self, title: str, chunks: list[str]) -> str:
        return "\n".join([f"# {md_text(title)}\n", *chunks]).rstrip("\n") + "\n"


def render_markdown(report: Report) -> str:
    """The report as Markdown text ending in a newline."""
    return MarkdownRenderer().render(report)


def write_markdown(
    source: Inventory | nx.MultiDiGraph,
    stream: TextIO,
    *,
    scope: Scope | None = None,
    phase_of: Callable[[ForeignKey], str] | None = None,
    totals: TrackedTotals | None = None,
) -> None:
    """Write the Markdown inventory report of ``source`` in ``scope``.

    ``phase_of`` gives each FK's tracked phase
    (:func:`remediation.service.report_phase_of`), else present/dropped only; ``totals`` the tracked
    keys' totals (:func:`remediation.totals.report_totals`)."""
    stream.write(render_markdown(build_report(source, scope=scope, phase_of=phase_of, totals=totals)))
