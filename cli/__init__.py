"""fkmap's command line: the ``fkmap`` click group and its ``scan`` command.

Exit status
    0 the scan ran (diagnostics do not change that), 1 a source could not be
    read at all (an error diagnostic with code ``source-failed`` or
    ``connect``), 2 unusable arguments (one line on standard error).

Adding a command
    Define it at the end of this module with ``@main.command()``, or write it
    in its own module and register it here with ``main.add_command(command)``.
    Use :class:`ArgumentError` for bad arguments and :func:`check_sources` /
    :func:`check_dialect` to validate the usual ones.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import IO, Any

import click

from ingest import is_dsn_source
from ownership.scan import FAILED_CODES

__all__ = [
    "FAILED_CODES",
    "ArgumentError",
    "check_dialect",
    "check_sources",
    "main",
    "render_json",
    "scan_command",
]

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class ArgumentError(click.UsageError):
    """An unusable argument: ``fkmap: error: <reason>`` on one line, exit status 2."""

    def show(self, file: IO[Any] | None = None) -> None:
        message = f"fkmap: error: {self.format_message()}"
        if file is None:
            click.echo(message, err=True)
        else:
            click.echo(message, file=file)


def _version() -> str:
    try:
        return metadata.version("fkmap")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def check_sources(sources: Sequence[str]) -> None:
    """Raise :class:`ArgumentError` for a path source that does not exist."""
    for source in sources:
        if not source.strip():
            raise ArgumentError("empty source argument")
        if not is_dsn_source(source) and not Path(source).exists():
            raise ArgumentError(f"source {source!r} does not exist")


def known_dialects() -> tuple[str, ...]:
    """Dialect names ``--dialect`` accepts (sqlglot's)."""
    from sqlglot.dialects.dialect import Dialects

    return tuple(sorted(d.value for d in Dialects if d.value))


def check_dialect(dialect: str | None) -> str | None:
    """The dialect in canonical spelling, or :class:`ArgumentError` naming the closest one.

    >>> check_dialect("Postgres")
    'postgres'
    >>> check_dialect("postgress")
    Traceback (most recent call last):
    ...
    cli.ArgumentError: Unknown dialect 'postgress'. Did you mean postgres?
    """
    if dialect is None:
        return None
    known = known_dialects()
    if dialect.lower() in known:
        return dialect.lower()
    close = difflib.get_close_matches(dialect.lower(), known, n=1)
    hint = f"Did you mean {close[0]}?" if close else f"Known dialects: {', '.join(known)}."
    raise ArgumentError(f"Unknown dialect {dialect!r}. {hint}")


def render_json(inv: Any) -> str:
    """The scan document (:mod:`exports.scan_json`) as indented JSON text."""
    from exports.scan_json import scan_document

    return json.dumps(scan_document(inv), indent=2, ensure_ascii=False) + "\n"


def _style(text: str, role: str) -> str:
    if role == "heading":
        return click.style(text, bold=True)
    if role == "warn":
        return click.style(text, fg="yellow")
    return click.style(text, dim=True)


@click.group(name="fkmap", context_settings=CONTEXT)
@click.version_option(_version(), "-V", "--version", prog_name="fkmap")
def main() -> None:
    """Find cross-service foreign keys in migration folders and live PostgreSQL catalogs."""


@main.command(name="scan")
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@click.option(
    "--config",
    "config_path",
    metavar="FILE",
    help="Service map to use. Default: fkmap.toml in the first source directory, else built-in rules.",
)
@click.option(
    "--dialect",
    metavar="D",
    help="SQL dialect of .sql files (postgres, mysql, ...). Default: [scan] dialect of the config, "
    "else detected per file.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table: readable per-service report; json: the scan document (format_version 1).",
)
@click.option(
    "--infer", is_flag=True, help="Also infer references from column names ([infer] in the config)."
)
@click.option("-o", "--output", metavar="FILE", help="Write the report to FILE instead of standard output.")
@click.option("--all-databases", is_flag=True, help="Read every database of each DSN's server.")
@click.option(
    "--no-cache",
    is_flag=True,
    help="Parse every migration file again instead of using the parse cache "
    "(~/.cache/fkmap; FKMAP_CACHE=0 does the same).",
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
) -> None:
    """Scan SOURCEs and report foreign keys that couple services.

    A SOURCE is a migration folder or .sql file, a PostgreSQL DSN
    (postgresql://user@host/db; without a database every database of the
    server), or a JSON file saved with --format json.

    \b
    Examples:
      fkmap scan ./repo
      fkmap scan ./repo --format json -o scan.json
      fkmap scan postgresql://postgres@127.0.0.1/shop --config fkmap.toml
    """
    check_sources(sources)
    if config_path is not None and not Path(config_path).is_file():
        raise ArgumentError(f"config file {config_path!r} does not exist")
    dialect = check_dialect(dialect)

    from exports.text_report import render_table
    from ownership.scan import scan

    if all_databases:
        from ingest import server_source

        sources = tuple(server_source(s) for s in sources)
    from ingest.migrations.cache import cache_override

    with cache_override(False if no_cache else None):
        inv = scan(sources, config_path=config_path, dialect=dialect, infer=infer)
    if output is not None:
        text = render_json(inv) if fmt == "json" else render_table(inv)
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ArgumentError(f"cannot write {output!r}: {exc.strerror or exc}") from exc
        click.echo(f"fkmap: wrote {output}", err=True)
    else:
        text = render_json(inv) if fmt == "json" else render_table(inv, style=_style)
        click.echo(text, nl=False)
    failed = [d for d in inv.diagnostics if d.severity == "error" and d.code in FAILED_CODES]
    if failed:
        click.echo(f"fkmap: {len(failed)} source(s) could not be read: {failed[0].message}", err=True)
        click.get_current_context().exit(1)


# Commands added by other modules go below, e.g. ``main.add_command(serve_command)``.


@main.command(name="diff")
@click.argument("source_a", metavar="SOURCE_A")
@click.argument("source_b", metavar="SOURCE_B")
@click.option(
    "--config",
    "config_path",
    metavar="FILE",
    help="fkmap.toml whose [scan] dialect and ignore_tables apply to both sides. "
    "Default: fkmap.toml in the first source directory.",
)
@click.option("--dialect", metavar="D", help="SQL dialect of .sql files. Default: detected per file.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: readable report; json: the drift document (format_version 1).",
)
@click.option("--match-database", is_flag=True, help="Compare database names too (default: schema + table).")
@click.option(
    "--database",
    "databases",
    metavar="NAME=AS",
    multiple=True,
    help="Compare database NAME (of either side) as AS; repeatable; implies --match-database.",
)
@click.option("--all-databases", is_flag=True, help="Read every database of the instance of a DSN source.")
def diff_command(
    source_a: str,
    source_b: str,
    config_path: str | None,
    dialect: str | None,
    fmt: str,
    match_database: bool,
    databases: tuple[str, ...],
    all_databases: bool,
) -> None:
    """Compare the foreign keys of SOURCE_A and SOURCE_B; exit 1 when they differ.

    Present, declared keys are matched by schema, table, columns and
    referenced table (database names are ignored unless --match-database or
    --database is given) and reported as only in A, only in B, or different
    (ON DELETE/UPDATE, column order, NOT VALID, deferrable, name). Exit status:
    0 no drift, 1 drift, 2 unusable arguments or a source that cannot be read.

    \b
    Examples:
      fkmap diff ./migrations postgresql://app@prod-db/shop
      fkmap diff ./repo postgresql://app@db/ --database services/auth/migrations=auth_db
    """
    check_sources([source_a, source_b])
    if config_path is not None and not Path(config_path).is_file():
        raise ArgumentError(f"config file {config_path!r} does not exist")
    dialect = check_dialect(dialect)
    database_map = {}
    for entry in databases:
        name, _, alias = entry.partition("=")
        if not (name and alias):
            raise ArgumentError(f"--database {entry!r}: write NAME=AS, e.g. services/auth/migrations=auth_db")
        database_map[name] = alias

    import ingest
    from checks.drift import diff_inventories, render_drift_json, render_drift_text
    from ingest.dsn import mask_dsn
    from ownership.config import Config, find_config, load_config

    found = Path(config_path) if config_path is not None else find_config([source_a, source_b])
    config, notes = load_config(found) if found is not None else (Config(), [])
    sides = []
    for source in (source_a, source_b):
        read = ingest.server_source(source) if all_databases else source
        inv = ingest.read_source(read, dialect=dialect or config.dialect)
        errors = [d for d in inv.diagnostics if d.severity == "error"]
        failed = [d for d in errors if d.code in FAILED_CODES] or ([] if inv.tables else errors)
        if failed:  # comparing a source that was not (fully) read would report false drift
            raise ArgumentError(f"cannot read {mask_dsn(source)}: {failed[0].message}")
        sides.append(inv)
    drift = diff_inventories(
        sides[0],
        sides[1],
        match_database=match_database,
        database_map=database_map,
        ignore_tables=config.ignore_tables,
        label_a=mask_dsn(source_a),
        label_b=mask_dsn(source_b),
    )
    diagnostics = [*notes, *sides[0].diagnostics, *sides[1].diagnostics]
    render = render_drift_json if fmt == "json" else render_drift_text
    click.echo(render(drift, diagnostics), nl=False)
    click.get_current_context().exit(1 if drift.has_drift else 0)


# ``fkmap plan export|import|status|sql`` (remediation tracking, issue 5): store/cli.py.
from cli.plan import plan_group  # noqa: E402

main.add_command(plan_group)


# -- export and check (graph/exports, graph/baseline) ---------------------------------------------------

#: ``fkmap export --format`` choices (tests/test_cli_export_check.py checks them against FORMATS).
EXPORT_FORMATS = ("svg", "png", "pdf", "dot", "mermaid", "graphml", "json", "csv", "impact-csv", "md", "html")


def _scan_for(sources: tuple[str, ...], config_path: str | None, dialect: str | None) -> Any:
    """Validate the usual arguments, scan, and stop with status 1 when a source could not be read."""
    check_sources(sources)
    if config_path is not None and not Path(config_path).is_file():
        raise ArgumentError(f"config file {config_path!r} does not exist")
    from ownership.scan import scan

    inv = scan(sources, config_path=config_path, dialect=check_dialect(dialect))
    failed = [d for d in inv.diagnostics if d.severity == "error" and d.code in FAILED_CODES]
    if failed:
        raise click.ClickException(f"{len(failed)} source(s) could not be read: {failed[0].message}")
    return inv


@main.command(name="export")
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True, help="Output format.")
@click.option("--service", metavar="S", help="Only service S's tables and the tables its FKs connect to.")
@click.option("--cross-only", is_flag=True, help="Only cross-service FKs.")
@click.option(
    "--level",
    type=click.Choice(["services", "tables"]),
    help="Draw services or tables. Default: services for svg/png/pdf/dot/mermaid, tables for data formats.",
)
@click.option(
    "--config", "config_path", metavar="FILE", help="Service map (default: fkmap.toml of the source)."
)
@click.option("--dialect", metavar="D", help="SQL dialect of .sql files (default: detected).")
@click.option("-o", "--output", metavar="FILE", required=True, help="File to write; - for standard output.")
def export_command(
    sources: tuple[str, ...],
    fmt: str,
    service: str | None,
    cross_only: bool,
    level: str | None,
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
    import io

    from exports import FORMATS, ImageExportError, ScopeError, export
    from graph.scope import Scope

    binary = FORMATS[fmt].binary
    if output == "-" and binary:
        raise ArgumentError(f"--format {fmt} writes binary data: give a file with -o FILE")
    inv = _scan_for(sources, config_path, dialect)
    scope = Scope(service=service, cross_only=cross_only, level=level)  # type: ignore[arg-type]
    buffer: io.BytesIO | io.StringIO = io.BytesIO() if binary else io.StringIO()
    try:
        export(fmt, inv, buffer, scope=scope)
    except ScopeError as exc:
        raise ArgumentError(str(exc)) from exc
    except ImageExportError as exc:
        raise click.ClickException(str(exc)) from exc
    data = buffer.getvalue()
    if output == "-":
        click.echo(data, nl=False)
        return
    try:
        if isinstance(data, bytes):
            Path(output).write_bytes(data)
        else:
            Path(output).write_text(data, encoding="utf-8")
    except OSError as exc:
        raise ArgumentError(f"cannot write {output!r}: {exc.strerror or exc}") from exc
    click.echo(f"fkmap: wrote {output}", err=True)


@main.command(name="check")
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@click.option(
    "--baseline",
    "baseline_path",
    default="fkmap-baseline.json",
    show_default=True,
    metavar="FILE",
    help="The accepted cross-service FKs.",
)
@click.option(
    "--update-baseline", is_flag=True, help="Rewrite FILE to accept the current FKs (keeps tracking links)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="github: ::error annotations for GitHub Actions.",
)
@click.option(
    "--config", "config_path", metavar="FILE", help="Service map (default: fkmap.toml of the source)."
)
@click.option("--dialect", metavar="D", help="SQL dialect of .sql files (default: detected).")
def check_command(
    sources: tuple[str, ...],
    baseline_path: str,
    update_baseline: bool,
    fmt: str,
    config_path: str | None,
    dialect: str | None,
) -> None:
    """Fail (status 1) on cross-service FKs the baseline does not list, or entries that no longer exist.

    \b
    Examples:
      fkmap check ./repo --update-baseline
      fkmap check ./repo --format github
    """
    from checks import baseline as bl

    inv = _scan_for(sources, config_path, dialect)
    try:
        old = bl.read_baseline(baseline_path)
    except bl.BaselineError as exc:
        raise ArgumentError(str(exc)) from exc
    if update_baseline:
        new = bl.updated_baseline(inv, old)
        try:
            Path(baseline_path).write_text(bl.dump_baseline(new), encoding="utf-8")
        except OSError as exc:
            raise ArgumentError(f"cannot write {baseline_path!r}: {exc.strerror or exc}") from exc
        before, after = {e.identity for e in old or ()}, {e.identity for e in new}
        links = sum(1 for e in new if e.tracking)
        click.echo(
            f"fkmap: wrote {baseline_path}: {len(new)} entries ({len(after - before)} added, "
            f"{len(before - after)} removed, {links} tracking links)",
            err=True,
        )
        return
    if old is None:
        click.echo(
            f"fkmap: baseline {baseline_path} not found: every cross-service FK counts as new "
            "(create it with --update-baseline)",
            err=True,
        )
    result = bl.check(inv, old or [], baseline_path=baseline_path)
    if fmt == "json":
        click.echo(bl.format_json(result), nl=False)
    elif fmt == "github":
        click.echo(bl.format_github(result, resolve=bl.source_path_resolver(sources)), nl=False)
    else:
        click.echo(bl.format_text(result), nl=False)
    if not result.ok:
        click.get_current_context().exit(1)


@main.command(name="serve")
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@click.option(
    "--config", "config_path", metavar="FILE", help="fkmap.toml to use. Default: the one in the first source."
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on; 127.0.0.1 keeps the dashboard on this machine.",
)
@click.option("--port", default=8050, show_default=True, type=click.IntRange(1, 65535), help="TCP port.")
@click.option("--debug", is_flag=True, help="Dash debug mode (reloader, error overlay); not on shared hosts.")
@click.option(
    "--auth",
    metavar="SPEC",
    envvar="FKMAP_AUTH",
    help="Require a login: basic:/path/users.toml (roles editor|viewer) or header:X-Forwarded-User "
    "(a reverse proxy's user). Default: $FKMAP_AUTH, else none.",
)
def serve_command(
    sources: tuple[str, ...], config_path: str | None, host: str, port: int, debug: bool, auth: str | None
) -> None:
    """Scan SOURCE... and serve the dashboard at http://HOST:PORT/.

    The page shows progress while the scan runs and the error message if it
    fails; everything is served locally (no internet needed).
    """
    check_sources(sources)
    if config_path is not None and not Path(config_path).is_file():
        raise ArgumentError(f"config file {config_path!r} does not exist")
    from ui.auth import AuthConfigError, parse_auth

    try:
        parse_auth(auth)
    except AuthConfigError as exc:
        raise ArgumentError(f"--auth: {exc}") from exc
    from app import serve

    serve(list(sources), config_path=config_path, host=host, port=port, debug=debug, auth=auth)


if __name__ == "__main__":
    main()
