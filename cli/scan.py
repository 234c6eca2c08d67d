"""``fkmap scan``: scan sources and print the per-service report (``table``) or the scan document (``json``).

``--explain TABLE`` prints instead why that table has its owner (evidence,
replica status, foreign keys, shared access: :mod:`exports.explain`); a name
matching no table is an unusable argument naming the closest ones.

Exit status 0 when the scan ran (diagnostics do not change that), 1 when a
source could not be read at all, 2 for unusable arguments.
"""

from __future__ import annotations

from typing import Any

import click

from cli.common import (
    ArgumentError,
    all_databases_option,
    check_arguments,
    config_option,
    dialect_option,
    failed_sources,
    follow_symlinks_flag,
    format_option,
    infer_option,
    output_option,
    sources_argument,
    write_file,
    write_output,
)
from exports import FORMATS, export, render_text
from model.inventory import Inventory

__all__ = ["SCAN_FORMATS", "explain_text", "scan_command"]

#: ``fkmap scan --format`` choices: names of :data:`exports.FORMATS`.
SCAN_FORMATS = ("table", "json")


def terminal_style(text: str, role: str) -> str:
    """The ``style`` of the ``table`` format on a terminal (click strips it from pipes)."""
    if role == "heading":
        return click.style(text, bold=True)
    if role == "warn":
        return click.style(text, fg="yellow")
    return click.style(text, dim=True)


@click.command(name="scan")
@sources_argument()
@config_option()
@dialect_option()
@format_option(
    SCAN_FORMATS,
    default="table",
    help="table: readable per-service report; json: the scan document (format_version 1).",
)
@infer_option()
@output_option(help="Write the report to FILE instead of standard output.")
@all_databases_option()
@click.option(
    "--no-cache",
    is_flag=True,
    help="Parse every migration and source file again instead of using the parse and code caches "
    "(~/.cache/fkmap; FKMAP_CACHE=0 does the same).",
)
@click.option(
    "--explain",
    metavar="TABLE",
    help="Print why TABLE (name, schema.name or database:schema.name) has its owner: the evidence, "
    "replica status, foreign keys and shared access, instead of the report.",
)
def scan_command(
    sources: tuple[str, ...],
    config_path: str | None,
    dialect: str | None,
    fmt: str,
    infer: bool,
    output: str | None,
    all_databases: bool,
    no_cache: bool,
    explain: str | None,
) -> None:
    """Scan SOURCEs and report foreign keys that couple services.

    A SOURCE is a migration folder or .sql file, a PostgreSQL DSN
    (postgresql://user@host/db; without a database every database of the
    server), or a JSON file saved with --format json.

    \b
    Examples:
      fkmap scan ./repo
      fkmap scan ./repo --format json -o scan.json
      fkmap scan ./repo --explain users
      fkmap scan postgresql://postgres@127.0.0.1/shop --config fkmap.toml
    """
    dialect = check_arguments(sources, config_path, dialect)

    from ingest.migrations.cache import cache_override
    from ownership.scan import scan

    if all_databases:
        from ingest import server_source

        sources = tuple(server_source(s) for s in sources)
    with cache_override(False if no_cache else None):
        inv = scan(
            sources,
            config_path=config_path,
            dialect=dialect,
            infer=infer,
            follow_symlinks=follow_symlinks_flag(),
        )
    if explain is None and fmt == "json":  # the scan document goes out as it is made
        write_output(output, lambda stream: export("json", inv, stream))
    else:
        if explain is not None:
            text = explain_text(inv, explain)
        else:
            options: dict[str, Any] = {"style": terminal_style} if fmt == "table" and output is None else {}
            if FORMATS[fmt].totals:  # the tracked keys' totals, as `fkmap plan status` gives them
                from remediation.service import inventory_view
                from remediation.totals import report_totals

                options["totals"] = report_totals(inventory_view(inv, None))
            text = render_text(fmt, inv, **options)
        if output is not None:
            write_file(output, text)
        else:
            click.echo(text, nl=False)
    failed = failed_sources(inv)
    if failed:
        click.echo(f"fkmap: {len(failed)} source(s) could not be read: {failed[0].message}", err=True)
        click.get_current_context().exit(1)


def explain_text(inv: Inventory, query: str) -> str:
    """The explanation of the tables ``query`` names; :class:`ArgumentError` when it names none."""
    from exports.explain import closest_names, find_tables, render_explain

    tables = find_tables(inv, query)
    if tables:
        return render_explain(inv, tables)
    close = closest_names(inv, query)
    hint = f"; did you mean {', '.join(close)}?" if close else "; fkmap scan lists the tables of each service"
    raise ArgumentError(f"no table {query!r} in the scan{hint}")
