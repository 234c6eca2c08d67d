"""Exporters: one function per format, in a name -> function registry.

Every exporter has the signature ``write(source, stream, *, scope=None)``:
``source`` is an :class:`~model.inventory.Inventory` or a table graph from
:func:`graph.build.build_graph`, ``stream`` an open text stream (binary for
``svg``, ``png``, ``pdf``), ``scope`` a :class:`graph.scope.Scope`. Exporters
write to the stream and never open files themselves.

==============  ======  =================================================================
name            stream  what
==============  ======  =================================================================
``dot``         text    Graphviz DOT (service level by default; tables in service clusters)
``mermaid``     text    Mermaid ``flowchart LR`` (service level by default)
``graphml``     text    GraphML for yEd/Gephi/NetworkX (table level by default)
``json``        text    NetworkX node-link JSON (table level by default)
``csv``         text    FK list (tables) or service dependencies (services)
``impact-csv``  text    per-service impact rows (outgoing and incoming cross-service FKs)
``md``          text    Markdown inventory report
``html``        text    HTML inventory report
``svg``         binary  picture: Graphviz for services / one service, Plotly for all tables
``png``         binary  same as svg
``pdf``         binary  same as svg
==============  ======  =================================================================

Examples
--------
>>> import io
>>> from model.inventory import ForeignKey, Inventory, Table, TableRef
>>> u, p = TableRef("a", "public", "users"), TableRef("c", "public", "posts")
>>> inv = Inventory(tables=(Table(u, service="auth"), Table(p, service="content")),
...                 foreign_keys=(ForeignKey("p_fkey", p, ("user_id",), u, ("id",)),))
>>> out = io.StringIO()
>>> EXPORTERS["csv"](inv, out, scope=Scope(level="services"))
>>> print(out.getvalue(), end="")
dependent,owner,fks,no_action,restrict,cascade,set_null,set_default,fk_names
content,auth,1,1,0,0,0,0,p_fkey
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

import networkx as nx

from exports.csv import write_csv, write_impact_csv
from exports.dot import write_dot
from exports.graphml import write_graphml
from exports.html import write_html
from exports.images import ImageExportError, write_pdf, write_png, write_svg
from exports.jsonx import write_json
from exports.markdown import write_markdown
from exports.mermaid import write_mermaid
from graph.scope import Scope, ScopeError
from model.inventory import Inventory

__all__ = [
    "EXPORTERS",
    "FORMATS",
    "ExportFunc",
    "Format",
    "ImageExportError",
    "Scope",
    "ScopeError",
    "export",
]

ExportFunc = Callable[..., None]


@dataclass(frozen=True)
class Format:
    """A registered format: its writer, whether it writes bytes, its file suffix and a summary."""

    name: str
    write: ExportFunc
    binary: bool
    suffix: str
    description: str


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("dot", write_dot, False, ".dot", "Graphviz DOT"),
        Format("mermaid", write_mermaid, False, ".mmd", "Mermaid flowchart"),
        Format("graphml", write_graphml, False, ".graphml", "GraphML (yEd, Gephi, NetworkX)"),
        Format("json", write_json, False, ".json", "NetworkX node-link JSON"),
        Format("csv", write_csv, False, ".csv", "FK list or service dependencies"),
        Format("impact-csv", write_impact_csv, False, ".csv", "per-service impact table"),
        Format("md", write_markdown, False, ".md", "Markdown inventory report"),
        Format("html", write_html, False, ".html", "HTML inventory report"),
        Format("svg", write_svg, True, ".svg", "SVG picture"),
        Format("png", write_png, True, ".png", "PNG picture"),
        Format("pdf", write_pdf, True, ".pdf", "PDF picture"),
    )
}

#: name -> writer function ``(source, stream, *, scope=None) -> None``.
EXPORTERS: dict[str, ExportFunc] = {name: f.write for name, f in FORMATS.items()}


def export(
    name: str, source: Inventory | nx.MultiDiGraph, stream: IO[Any], *, scope: Scope | None = None
) -> None:
    """Run exporter ``name``; raises :class:`KeyError` naming the known formats for an unknown one."""
    try:
        fmt = FORMATS[name]
    except KeyError:
        raise KeyError(f"unknown format {name!r}: use one of {', '.join(FORMATS)}") from None
    fmt.write(source, stream, scope=scope)
