"""``fkmap export``: write the coupling of sources in any ``inventory`` format of :data:`exports.FORMATS`.

Diagrams (svg, png, pdf, dot, mermaid), data files (graphml, graph-json,
csv, impact-csv), the inventory report (md, html; its remediation section shows the phases of
the remediation store, ``--state``) and the two documents of ``fkmap scan``
(table, json). ``-o -`` writes text formats to standard output.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cli.common import (
    ArgumentError,
    config_option,
    dialect_option,
    format_option,
    output_option,
    scan_for,
    sources_argument,
    write_file,
)
from exports import FORMATS, choices, render

if TYPE_CHECKING:
    from graph.scope import Level
    from model.inventory import Inventory

__all__ = ["EXPORT_FORMATS", "export_command"]

#: ``fkmap export --format`` choices: every format of :data:`exports.FORMATS` that renders an inventory.
EXPORT_FORMATS = tuple(choices("inventory"))


@click.command(name="export")
@sources_argument()
@format_option(
    EXPORT_FORMATS,
    help="json: the scan document (as fkmap scan --format json); graph-json: the graph as NetworkX "
    "node-link JSON; table: the report of fkmap scan.",
)
@click.option("--service", metavar="S", help="Only service S's tables and the tables its FKs connect to.")
@click.option("--cross-only", is_flag=True, help="Only cross-service FKs.")
@click.option(
    "--level",
    type=click.Choice(["services", "tables"]),
    help="Draw services or tables. Default: services for svg/png/pdf/dot/mermaid, tables for data formats.",
)
@config_option()
@dialect_option()
@output_option(required=True, help="File to write; - for standard output.")
@click.option(
    "--state",
    metavar="URL",
    help="Remediation store whose phases the md/html report shows (default: $FKMAP_STATE, "
    "else .fkmap/state.db when it exists).",
)
def export_command(
    sources: tuple[str, ...],
    fmt: str,
    service: str | None,
    cross_only: bool,
    level: Level | None,
    config_path: str | None,
    dialect: str | None,
    output: str,
    state: str | None,
) -> None:
    """Export the coupling of SOURCEs as a diagram, data file or report.

    \b
    Examples:
      fkmap export ./repo --format svg -o services.svg
      fkmap export ./repo --format svg --service messaging --level tables -o messaging.svg
      fkmap export ./repo --format md -o fk-inventory.md
      fkmap export ./repo --format mermaid --cross-only -o -
    """
    from exports import ImageExportError, ScopeError
    from graph.scope import Scope

    if output == "-" and FORMATS[fmt].binary:
        raise ArgumentError(f"--format {fmt} writes binary data: give a file with -o FILE")
    inv = scan_for(sources, config_path, dialect)
    try:
        options = _tracking(inv, state, service) if FORMATS[fmt].totals else {}
        data = render(fmt, inv, scope=Scope(service=service, cross_only=cross_only, level=level), **options)
    except ScopeError as exc:
        raise ArgumentError(str(exc)) from exc
    except ImageExportError as exc:
        raise click.ClickException(str(exc)) from exc
    if output == "-":
        click.echo(data, nl=False)
    else:
        write_file(output, data)


def _tracking(inv: Inventory, state: str | None, service: str | None) -> dict[str, Any]:
    """The report's ``totals`` (:func:`remediation.totals.report_totals`): the figures the dashboard
    and ``fkmap plan status`` show, with the remediation store's marks when there is a store."""
    from remediation.service import inventory_view
    from remediation.store import open_store, state_url
    from remediation.store.schema import StoreError
    from remediation.totals import report_totals

    url = state_url(state)
    store = None
    if state is not None or "://" in url or url.startswith("sqlite:") or Path(url).is_file():
        try:
            store = open_store(url)
        except StoreError as exc:
            raise ArgumentError(str(exc)) from exc
    return {"totals": report_totals(inventory_view(inv, store), service or "")}
