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

import re
from typing import TextIO

import networkx as nx

from exports._common import clean_text
from exports.report import (
    Bullets,
    Code,
    CodeBlock,
    Heading,
    Para,
    Report,
    Strong,
    TableBlock,
    Text,
    build_report,
)
from graph.scope import Scope
from model.inventory import Inventory

__all__ = ["md_code", "md_text", "render_markdown", "write_markdown"]

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


def _inline(parts: Text, *, in_table: bool = False, line_start: bool = False) -> str:
    out = []
    for i, part in enumerate(parts):
        if isinstance(part, Code):
            out.append(md_code(part.text, in_table=in_table) if part.text else "")
        elif isinstance(part, Strong):
            out.append(f"**{md_text(part.text)}**")
        else:
            text = md_text(part)
            if line_start and i == 0:
                text = _BLOCK_START.sub(_escape_marker, text)
            out.append(text)
    return "".join(out)


def _cell(parts: Text) -> str:
    return _inline(parts, in_table=True) or " "


def render_markdown(report: Report) -> str:
    """The report as Markdown text ending in a newline."""
    lines = [f"# {md_text(report.title)}", ""]
    for block in report.blocks:
        if isinstance(block, Heading):
            lines += ["#" * block.level + " " + md_text(block.text), ""]
        elif isinstance(block, Para):
            lines += [_inline(block.parts, line_start=True), ""]
        elif isinstance(block, Bullets):
            lines += [f"- {_inline(item, line_start=True)}" for item in block.items] + [""]
        elif isinstance(block, TableBlock):
            lines.append("| " + " | ".join(md_text(h) for h in block.header) + " |")
            lines.append(
                "|"
                + "|".join(" ---: " if i in block.numeric else " --- " for i in range(len(block.header)))
                + "|"
            )
            lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in block.rows]
            lines.append("")
        elif isinstance(block, CodeBlock):
            fence = "`" * max(3, _longest_run(block.text) + 1)
            lines += [f"{fence}{block.lang}", block.text.rstrip("\n"), fence, ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def write_markdown(
    source: Inventory | nx.MultiDiGraph, stream: TextIO, *, scope: Scope | None = None
) -> None:
    """Write the Markdown inventory report of ``source`` in ``scope``."""
    stream.write(render_markdown(build_report(source, scope=scope)))
