"""The inventory report as one self-contained HTML page (inline CSS, no scripts).

Every piece of text goes through :func:`html.escape` (quotes included), so a
hostile name is shown, never run.

Examples
--------
>>> from exports.document import Code, Para, Report
>>> "<script>" in render_html(Report("t", (Para(("x", Code("<script>"))),)))
False
"""

from __future__ import annotations

import html
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

__all__ = ["HtmlRenderer", "render_html", "write_html"]

_CSS = """
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
       max-width: 70rem; margin: 2rem auto; padding: 0 1rem; color: #1f2328; }
h1 { border-bottom: 1px solid #d0d7de; padding-bottom: .3em; }
h2 { border-bottom: 1px solid #d0d7de; padding-bottom: .2em; margin-top: 2em; }
table { border-collapse: collapse; margin: .5em 0 1em; }
th, td { border: 1px solid #d0d7de; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.num, th.num { text-align: right; }
code { background: #f6f8fa; padding: .1em .3em; border-radius: 4px; font-size: 90%; }
pre { background: #f6f8fa; padding: 1em; overflow-x: auto; border-radius: 6px; }
pre code { background: none; padding: 0; }
""".strip()


def _esc(text: str) -> str:
    return html.escape(clean_text(text), quote=True)


def _code(text: str) -> str:
    return f"<code>{_esc(text)}</code>" if text else ""


def _inline(parts: Text) -> str:
    return join_inline(parts, text=_esc, code=_code, strong=lambda t: f"<strong>{_esc(t)}</strong>")


class HtmlRenderer(ReportRenderer):
    """The report as one HTML page: one element per block."""

    def heading(self, block: Heading) -> str:
        return f"<h{block.level}>{_esc(block.text)}</h{block.level}>"

    def para(self, block: Para) -> str:
        return f"<p>{_inline(block.parts)}</p>"

    def bullets(self, block: Bullets) -> str:
        return "<ul>" + "".join(f"<li>{_inline(item)}</li>" for item in block.items) + "</ul>"

    def table(self, block: TableBlock) -> str:
        def cls(i: int) -> str:
            return ' class="num"' if i in block.numeric else ""

        head = "".join(f"<th{cls(i)}>{_esc(h)}</th>" for i, h in enumerate(block.header))
        rows = "".join(
            "<tr>" + "".join(f"<td{cls(i)}>{_inline(c)}</td>" for i, c in enumerate(row)) + "</tr>"
            for row in block.rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"

    def code_block(self, block: CodeBlock) -> str:
        lang = _esc(block.lang)
        return f'<pre><code class="language-{lang}">{html.escape(block.text)}</code></pre>'

    def document(self, title: str, chunks: list[str]) -> str:
        title = _esc(title)
        return (
            "<!DOCTYPE html>\n"
            '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{title}</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n"
            + "\n".join([f"<h1>{title}</h1>", *chunks])
            + "\n</body>\n</html>\n"
        )


def render_html(report: Report) -> str:
    """The report as an HTML document."""
    return HtmlRenderer().render(report)


def write_html(
    source: Inventory | nx.MultiDiGraph,
    stream: TextIO,
    *,
    scope: Scope | None = None,
    phase_of: Callable[[ForeignKey], str] | None = None,
    totals: TrackedTotals | None = None,
) -> None:
    """Write the HTML inventory report of ``source`` in ``scope``.

    ``phase_of`` gives each FK's tracked phase
    (:func:`remediation.service.report_phase_of`), else present/dropped only; ``totals`` the tracked
    keys' totals (:func:`remediation.totals.report_totals`)."""
    stream.write(render_html(build_report(source, scope=scope, phase_of=phase_of, totals=totals)))
