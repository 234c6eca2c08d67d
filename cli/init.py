"""``fkmap init``: write the ``fkmap.toml`` that makes the inferred ownership explicit.

It scans the sources (with the config the scan would use, if any), writes
:func:`ownership.init_config.render_config` to ``-o`` (default ``fkmap.toml``),
then scans again with the written file and checks that every table keeps its
service and ``replica_of`` and every foreign key its ``cross_service``, and that
the file draws no config diagnostic. An existing file is kept unless ``--force``.

Exit status 0 when the file was written and checked, 1 when a source could not
be read at all or the check found a difference, 2 for unusable arguments (an
existing output file without ``--force`` among them).
"""

from __future__ import annotations

from pathlib import Path

import click

from cli.common import (
    ArgumentError,
    all_databases_option,
    check_arguments,
    config_option,
    dialect_option,
    failed_sources,
    output_option,
    sources_argument,
    write_file,
)
from model.inventory import Inventory

__all__ = ["init_command"]

DEFAULT_OUTPUT = "fkmap.toml"


@click.command(name="init")
@sources_argument()
@config_option(
    help="Config the scan uses (its [scan] keys and replica denials are kept). Default: fkmap.toml "
    "in the first source directory, else built-in rules."
)
@dialect_option()
@output_option(help=f"Write the config to FILE (default {DEFAULT_OUTPUT}).")
@click.option("--force", is_flag=True, help="Overwrite FILE when it exists.")
@all_databases_option()
def init_command(
    sources: tuple[str, ...],
    config_path: str | None,
    dialect: str | None,
    output: str | None,
    force: bool,
    all_databases: bool,
) -> None:
    """Write an fkmap.toml that reproduces the ownership fkmap infers for SOURCEs.

    Every service gets the most compact rules that give it exactly its tables
    (a folder, a database, a schema, else table names), with the evidence for
    each as comments; local copies become [[replicas]]; tables no service owns
    are listed at the end. Review the file, give the unowned tables a service,
    and commit it.

    \b
    Examples:
      fkmap init ./repo -o fkmap.toml
      fkmap init ./repo -o ./repo/fkmap.toml --force
    """
    dialect = check_arguments(sources, config_path, dialect)
    target = output or DEFAULT_OUTPUT
    if Path(target).exists() and not force:
        raise ArgumentError(f"{target!r} exists; pass --force to overwrite it")
    from ingest.dsn import mask_dsn
    from ownership.config import Config
    from ownership.config_file import find_config, load_config
    from ownership.init_config import render_config
    from ownership.scan import scan

    if all_databases:
        from ingest import server_source

        sources = tuple(server_source(s) for s in sources)
    inv = scan(sources, config_path=config_path, dialect=dialect)
    failed = failed_sources(inv)
    if failed:
        raise click.ClickException(f"{len(failed)} source(s) could not be read: {failed[0].message}")
    used = Path(config_path) if config_path is not None else find_config(sources)
    config = load_config(used)[0] if used is not None else Config()
    text = render_config(inv, config, sources=[mask_dsn(s) for s in sources], dialect=dialect)
    write_file(target, text)
    _check(inv, scan(sources, config_path=target), target)


def _check(before: Inventory, after: Inventory, target: str) -> None:
    """Say what the written file holds and whether scanning with it gives the same ownership."""
    from ownership.init_check import ownership_differences
    from ownership.summary import unowned_summary

    owned = sum(1 for t in before.tables if t.owner)
    unowned, _ = unowned_summary(before)
    services = len({t.service for t in before.tables if t.service} | {s.name for s in before.services})
    click.echo(
        f"{target}: {services} service(s), {owned} table(s) placed, "
        f"{unowned} table(s) no service owns (listed at the end of the file)."
    )
    problems = [f"{d.location}: {d.message}" for d in after.diagnostics if d.code == "config"]
    problems += ownership_differences(before, after)
    if problems:
        for problem in problems:
            click.echo(f"fkmap: check: {problem}", err=True)
        raise click.ClickException(
            f"scanning with {target} gives another ownership ({len(problems)} difference(s))"
        )
    click.echo(
        f"Checked: scanning with {target} gives all {len(before.tables)} tables the same owner and all "
        f"{len(before.foreign_keys)} foreign keys the same cross-service status. Review it and commit it."
    )
