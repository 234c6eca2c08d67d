"""Every output fkmap writes, in one name -> :class:`Format` registry, :data:`FORMATS`.

A format renders one *subject* and writes to a stream it is given (text, or
binary for ``svg``, ``png``, ``pdf``); it never opens files itself. Its writer
is ``write(subject, stream, **options)``:

================  =========  ======  ==================================================================
name              subject    stream  what
================  =========  ======  ==================================================================
``dot``           inventory  text    Graphviz DOT (service level by default; tables in service clusters)
``mermaid``       inventory  text    Mermaid ``flowchart LR`` (service level by default)
``graphml``       inventory  text    GraphML for yEd/Gephi/NetworkX (table level by default)
``graph-json``    inventory  text    NetworkX node-link JSON of the graph (table level by default)
``csv``           inventory  text    FK list (tables) or service dependencies (services)
``impact-csv``    inventory  text    per-service impact rows (outgoing and incoming cross-service FKs)
``md``            inventory  text    Markdown inventory report
``html``          inventory  text    HTML inventory report
``svg``           inventory  binary  picture: Graphviz for services / one service, Plotly for all tables
``png``           inventory  binary  same as svg
``pdf``           inventory  binary  same as svg
``table``         inventory  text    the readable report ``fkmap scan`` prints (option ``style``)
``json``          inventory  text    the scan document, fkmap's JSON contract (``fkmap scan --format json``)
``drift-text``    drift      text    the drift report of ``fkmap diff`` (option ``diagnostics``)
``drift-json``    drift      text    the drift document (``format_version`` 1; option ``diagnostics``)
``check-text``    check      text    ``fkmap check``: one line per finding and a summary
``check-json``    check      text    ``fkmap check``: the result as JSON
``check-github``  check      text    ``fkmap check``: GitHub Actions annotations (option ``resolve``)
``sql-drop``      fks        text    phase-2 script dropping the keys (options ``title``, ``dialect``)
``sql-rollback``  fks        text    re-adds the keys ``NOT VALID``, then validates them
``sql-orphans``   fks        text    post-drop orphan counts, one query per key
``plan-yaml``     plan       text    the remediation plan file, YAML with a header
``plan-json``     plan       text    the remediation plan file, JSON
================  =========  ======  ==================================================================

Subjects: ``inventory`` is an :class:`~model.inventory.Inventory` or a table
graph from :func:`graph.build.build_graph`, with option ``scope`` (a
:class:`graph.scope.Scope`; ``table`` and ``json`` cover the whole scan and
need an inventory); ``drift`` a :class:`checks.drift.Drift`; ``check`` a
:class:`checks.baseline.CheckResult`; ``fks`` (ForeignKey, referenced service)
pairs; ``plan`` the remediation plan document of :mod:`remediation.plan_file`
(``plan-yaml`` takes ``header``). Each format also has the word a command's ``--format`` takes for it
(:attr:`Format.choice`): ``fkmap diff --format json`` is ``drift-json``,
:func:`choices` lists them per subject.

Adding a format: a module with its writer, and one line in :data:`FORMATS`.
:data:`EXPORTERS` maps each name to its writer.

Examples
--------
>>> import io
>>> from graph.scope import Scope
>>> from model.inventory import ForeignKey, Inventory, Table, TableRef
>>> u, p = TableRef("a", "public", "users"), TableRef("c", "public", "posts")
>>> inv = Inventory(tables=(Table(u, service="auth"), Table(p, service="content")),
...                 foreign_keys=(ForeignKey("p_fkey", p, ("user_id",), u, ("id",)),))
>>> print(render("csv", inv, scope=Scope(level="services")), end="")
dependent,owner,fks,no_action,restrict,cascade,set_null,set_default,fk_names
content,auth,1,1,0,0,0,0,p_fkey
>>> sorted(choices("drift")), choices("drift")["json"].name
(['json', 'text'], 'drift-json')
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, Literal

from model.timings import timed

if TYPE_CHECKING:
    from exports.images import ImageExportError
    from graph.scope import Scope, ScopeError

__all__ = [
    "EXPORTERS",
    "FORMATS",
    "ExportFunc",
    "Format",
    "ImageExportError",
    "Scope",
    "ScopeError",
    "Subject",
    "choices",
    "export",
    "render",
    "render_text",
]

ExportFunc = Callable[..., None]
Subject = Literal["inventory", "drift", "check", "fks", "plan"]


@dataclass(frozen=True)
class Format:
    """A registered format: its writer, whether it writes bytes, its file suffix, a summary, what it renders.

    ``writer`` is ``module:function`` in this package, imported on first use
    (so listing formats, as ``fkmap --help`` does, loads no renderer).
    ``choice`` is the word a command's ``--format`` takes for it when that is
    not the name (``text`` for ``drift-text``). ``phases``: the writer also takes
    ``phase_of`` (``ForeignKey -> phase label``), the tracked phase of each FK; ``totals``: it
    takes ``totals`` (:class:`~exports.report_remediation.TrackedTotals`, the tracked keys' totals).
    """

    name: str
    writer: str
    suffix: str
    description: str
    subject: Subject = "inventory"
    choice: str = ""
    binary: bool = False
    phases: bool = False  # the writer takes ``phase_of`` (the report's remediation section)
    totals: bool = False  # the writer takes ``totals`` (remediation.totals.report_totals)

    @property
    def write(self) -> ExportFunc:
        """The writer function ``(subject, stream, **options) -> None``."""
        module, _, function = self.writer.partition(":")
        writer: ExportFunc = getattr(importlib.import_module(f"exports.{module}"), function)
        return writer

    @property
    def option(self) -> str:
        """The ``--format`` word: :attr:`choice`, else the name."""
        return self.choice or self.name


def _registry(*formats: Format) -> dict[str, Format]:
    return {f.name: f for f in formats}


FORMATS: dict[str, Format] = _registry(
    Format("dot", "dot:write_dot", ".dot", "Graphviz DOT"),
    Format("mermaid", "mermaid:write_mermaid", ".mmd", "Mermaid flowchart"),
    Format("graphml", "graphml:write_graphml", ".graphml", "GraphML (yEd, Gephi, NetworkX)"),
    Format("graph-json", "graph_json:write_graph_json", ".json", "NetworkX node-link JSON"),
    Format("csv", "csv:write_csv", ".csv", "FK list or service dependencies"),
    Format("impact-csv", "csv:write_impact_csv", ".csv", "per-service impact table"),
    Format("md", "markdown:write_markdown", ".md", "Markdown inventory report", phases=True, totals=True),
    Format("html", "html:write_html", ".html", "HTML inventory report", phases=True, totals=True),
    Format("svg", "images:write_svg", ".svg", "SVG picture", binary=True),
    Format("png", "images:write_png", ".png", "PNG picture", binary=True),
    Format("pdf", "images:write_pdf", ".pdf", "PDF picture", binary=True),
    Format("table", "text_report:write_table", ".txt", "readable per-service report", totals=True),
    Format("json", "scan_json:write_scan_json", ".json", "the scan document (format_version 1)"),
    Format("drift-text", "drift_report:write_drift_text", ".txt", "drift report", "drift", "text"),
    Format("drift-json", "drift_report:write_drift_json", ".json", "drift document", "drift", "json"),
    Format("check-text", "check_report:write_check_text", ".txt", "check findings", "check", "text"),
    Format("check-json", "check_report:write_check_json", ".json", "check result as JSON", "check", "json"),
    Format("check-github", "check_report:write_check_github", ".txt", "CI annotations", "check", "github"),
    Format("sql-drop", "sqlgen:write_drop_sql", ".sql", "phase-2 drop script", "fks", "drop"),
    Format("sql-rollback", "sqlgen:write_rollback_sql", ".sql", "rollback of phase 2", "fks", "rollback"),
    Format("sql-orphans", "sqlgen:write_orphans_sql", ".sql", "post-drop orphan checks", "fks", "orphans"),
    Format("plan-yaml", "plan_file:write_plan_yaml", ".yaml", "remediation plan file", "plan", "yaml"),
    Format("plan-json", "plan_file:write_plan_json", ".json", "remediation plan file", "plan", "json"),
)


def __getattr__(name: str) -> Any:
    """``EXPORTERS`` (name -> writer), ``Scope``, ``ScopeError``, ``ImageExportError``: loaded when used."""
    if name == "EXPORTERS":
        return {n: f.write for n, f in FORMATS.items()}
    if name in ("Scope", "ScopeError"):
        return getattr(importlib.import_module("graph.scope"), name)
    if name == "ImageExportError":
        return importlib.import_module("exports.images").ImageExportError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def choices(subject: Subject) -> dict[str, Format]:
    """The formats of ``subject`` by their ``--format`` word, in registry order."""
    return {f.option: f for f in FORMATS.values() if f.subject == subject}


def _format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise KeyError(f"unknown format {name!r}: use one of {', '.join(FORMATS)}") from None


@timed("output")
def export(name: str, subject: Any, stream: IO[Any], **options: Any) -> None:
    """Write ``subject`` to ``stream`` in format ``name``; a :class:`KeyError` names the known formats."""
    _format(name).write(subject, stream, **options)


@timed("output")
def render(name: str, subject: Any, **options: Any) -> str | bytes:
    """``subject`` in format ``name`` as ``bytes`` for a binary format, else ``str``."""
    buffer: io.BytesIO | io.StringIO = io.BytesIO() if _format(name).binary else io.StringIO()
    export(name, subject, buffer, **options)
    return buffer.getvalue()


@timed("output")
def render_text(name: str, subject: Any, **options: Any) -> str:
    """``subject`` in the text format ``name``; :class:`ValueError` for a binary one."""
    text = render(name, subject, **options)
    if isinstance(text, bytes):
        raise ValueError(f"format {name!r} writes binary data")
    return text
