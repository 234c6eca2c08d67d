"""``fkmap diff``: compare the foreign keys of two sources (drift); exit 1 when they differ.

The comparison is :func:`checks.drift.diff_inventories`; the output is a
``drift`` format of :data:`exports.FORMATS` (``--format text|json``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cli.common import (
    ArgumentError,
    all_databases_option,
    check_arguments,
    config_option,
    dialect_option,
    follow_symlinks_flag,
    format_option,
)
from exports import choices, render_text
from ownership.scan import FAILED_CODES

if TYPE_CHECKING:
    from model.inventory import Inventory

__all__ = ["DIFF_FORMATS", "diff_command", "parse_database_map"]

#: ``fkmap diff --format`` choices: the ``drift`` formats of :data:`exports.FORMATS` by their word.
DIFF_FORMATS = tuple(choices("drift"))


def parse_database_map(entries: Sequence[str]) -> dict[str, str]:
    """``--database NAME=AS`` values as a dict; :class:`~cli.common.ArgumentError` for one without ``=``.

    >>> parse_database_map(["services/auth/migrations=auth_db"])
    {'services/auth/migrations': 'auth_db'}
    """
    database_map = {}
    for entry in entries:
        name, _, alias = entry.partition("=")
        if not (name and alias):
            raise ArgumentError(f"--database {entry!r}: write NAME=AS, e.g. services/auth/migrations=auth_db")
        database_map[name] = alias
    return database_map


def _read_side(
    source: str, dialect: str | None, all_databases: bool, follow_symlinks: bool = False
) -> Inventory:
    """One side, read completely; comparing a source that was not (fully) read would report false drift."""
    import ingest
    from ingest.dsn import mask_dsn

    read = ingest.server_source(source) if all_databases else source
    inv = ingest.read_source(read, dialect=dialect, follow_symlinks=follow_symlinks)
    errors = [d for d in inv.diagnostics if d.severity == "error"]
    failed = [d for d in errors if d.code in FAILED_CODES] or ([] if inv.tables else errors)
    if failed:
        raise ArgumentError(f"cannot read {mask_dsn(source)}: {failed[0].message}")
    return inv


@click.command(name="diff")
@click.argument("source_a", metavar="SOURCE_A")
@click.argument("source_b", metavar="SOURCE_B")
@config_option(
    help="fkmap.toml whose [scan] dialect and ignore_tables apply to both sides. "
    "Default: fkmap.toml in the first source directory."
)
@dialect_option()
@format_option(
    DIFF_FORMATS,
    default="text",
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
@all_databases_option()
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
    dialect = check_arguments([source_a, source_b], config_path, dialect)
    database_map = parse_database_map(databases)

    from checks.drift import diff_inventories
    from ingest.dsn import mask_dsn
    from ownership.config import Config
    from ownership.config_file import find_config, load_config

    found = Path(config_path) if config_path is not None else find_config([source_a, source_b])
    config, notes = load_config(found) if found is not None else (Config(), [])
    follow = follow_symlinks_flag() or config.follow_symlinks
    side_a, side_b = (
        _read_side(s, dialect or config.dialect, all_databases, follow) for s in (source_a, source_b)
    )
    drift = diff_inventories(
        side_a,
        side_b,
        match_database=match_database,
        database_map=database_map,
        ignore_tables=config.ignore_tables,
        label_a=mask_dsn(source_a),
        label_b=mask_dsn(source_b),
    )
    diagnostics = [*notes, *side_a.diagnostics, *side_b.diagnostics]
    click.echo(render_text(choices("drift")[fmt].name, drift, diagnostics=diagnostics), nl=False)
    click.get_current_context().exit(1 if drift.has_drift else 0)
