"""``fkmap export``: write the coupling of sources in any ``inventory`` format of :data:`exports.FORMATS`.

Diagrams (svg, png, pdf, dot, mermaid), data files (graphml, graph-json,
csv, impact-csv), the inventory report (md, html) and the two documents of
``fkmap scan`` (table, json). ``-o -`` writes text formats to standard output.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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
def export_command(
    sources: tuple[str, ...],
    fmt: str,
    service: str | None,
    cross_only: bool,
    level: Level | None,
    config_path: str | None,
    dialect: str | None,
    output: str,
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
        data = render(fmt, inv, scope=Scope(service=service, cross_only=cross_only, level=level))
    except ScopeError as exc:
        raise ArgumentError(str(exc)) from exc
    except ImageExportError as exc:
        raise click.ClickException(str(exc)) from exc
    if output == "-":
        click.echo(data, nl=False)
    else:
        write_file(output, data)
