"""``fkmap scan``: scan sources and print the per-service report (``table``) or the scan document (``json``).

``--explain TABLE`` prints instead why that table has its owner (evidence,
replica status, foreign keys, shared access: :mod:`exports.explain`); a name
matching no table is an unusable argument naming the closest ones.

Exit status 0 when the scan ran (diagnostics do not change that), 1 when a
source could not be read at all, 2 for unusable arguments.

A scan of local paths run again with nothing changed -- files, options, config, environment,
code -- prints what it printed from the result cache (:mod:`ingest.result_cache`) and imports
next to nothing; the scan, the exports and their libraries are imported only when it runs.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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
from ingest import result_cache

if TYPE_CHECKING:
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


@dataclass(frozen=True, slots=True)
class ScanArgs:
    """The options of one ``fkmap scan`` as the command received them."""

    sources: tuple[str, ...]
    config_path: str | None
    dialect: str | None
    fmt: str
    infer: bool
    output: str | None
    all_databases: bool
    no_cache: bool
    explain: str | None


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
    args = ScanArgs(sources, config_path, dialect, fmt, infer, output, all_databases, no_cache, explain)
    request = result_cache.Request(
        "scan",
        sources,
        (
            ("format", fmt),
            ("dialect", dialect or ""),
            ("infer", str(infer)),
            ("explain", explain or ""),
            ("styled", str(fmt == "table" and output is None)),
        ),
        config_path,
        bool(follow_symlinks_flag()),
    )
    cached = not (no_cache or all_databases)
    kept = result_cache.lookup(request) if cached else None
    if kept is None:
        pending = result_cache.begin(request) if cached else None
        try:
            kept = _run_scan(args, pending)
        except BaseException:
            if pending is not None:
                pending.discard()
            raise
    _emit(kept, fmt, output)


def _run_scan(args: ScanArgs, pending: result_cache.Pending | None) -> result_cache.Kept | None:
    """Scan, and write the output: into ``pending`` (then the output kept, for :func:`_emit`), or out
    (then None)."""
    dialect = check_arguments(args.sources, args.config_path, args.dialect)
    sources, fmt, output, explain = args.sources, args.fmt, args.output, args.explain

    from exports import FORMATS, export, render_text
    from ingest.migrations.cache import cache_override
    from ownership.scan import scan

    if args.all_databases:
        from ingest import server_source

        sources = tuple(server_source(s) for s in sources)
    with cache_override(False if args.no_cache else None):
        inv = scan(
            sources,
            config_path=args.config_path,
            dialect=dialect,
            infer=args.infer,
            follow_symlinks=follow_symlinks_flag(),
        )
    failed = failed_sources(inv)
    message = f"fkmap: {len(failed)} source(s) could not be read: {failed[0].message}" if failed else ""
    if explain is None and fmt == "json":  # the scan document goes out as it is made
        if pending is not None:
            export("json", inv, pending.stream)
        else:
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
        if pending is not None:
            pending.stream.write(text)
        elif output is not None:
            write_file(output, text)
        else:
            click.echo(text, nl=False)
    if pending is not None:
        return pending.commit(1 if failed else 0, message)
    _finish(message, 1 if failed else 0)
    return None


def _emit(kept: result_cache.Kept | None, fmt: str, output: str | None) -> None:
    """Print or write the output kept in the cache (as :func:`_run_scan` does without it), its
    message, and stop with its status."""
    if kept is None:
        return
    if fmt == "json" and output is None and _utf8(sys.stdout):
        kept.copy_to(sys.stdout.buffer)
    elif fmt == "json" and output is not None:
        try:
            with open(output, "wb") as handle:
                kept.copy_to(handle)
        except OSError as exc:
            raise ArgumentError(f"cannot write {output!r}: {exc.strerror or exc}") from exc
        click.echo(f"fkmap: wrote {output}", err=True)
    elif output is not None:
        write_file(output, kept.text())
    elif fmt == "json":
        sys.stdout.write(kept.text())
    else:
        click.echo(kept.text(), nl=False)
    _finish(kept.message, kept.status)


def _utf8(stream: Any) -> bool:
    """Whether ``stream`` writes text as UTF-8 to a binary buffer (the kept bytes can go as they are)."""
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    return encoding == "utf8" and hasattr(stream, "buffer")


def _finish(message: str, status: int) -> None:
    if message:
        click.echo(message, err=True)
    if status:
        click.get_current_context().exit(status)


def explain_text(inv: Inventory, query: str) -> str:
    """The explanation of the tables ``query`` names; :class:`ArgumentError` when it names none."""
    from exports.explain import closest_names, find_tables, render_explain

    tables = find_tables(inv, query)
    if tables:
        return render_explain(inv, tables)
    close = closest_names(inv, query)
    hint = f"; did you mean {', '.join(close)}?" if close else "; fkmap scan lists the tables of each service"
    raise ArgumentError(f"no table {query!r} in the scan{hint}")
