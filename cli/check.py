"""``fkmap check``: the CI ratchet; fail on cross-service FKs the baseline does not list, or stale entries.

The comparison and the baseline file are :mod:`checks.baseline`; the output is
a ``check`` format of :data:`exports.FORMATS` (``--format text|json|github``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cli.common import ArgumentError, config_option, dialect_option, format_option, scan_for, sources_argument
from exports import choices, render_text

if TYPE_CHECKING:
    from checks.baseline_file import BaselineEntry
    from model.inventory import Inventory

__all__ = ["CHECK_FORMATS", "check_command"]

#: ``fkmap check --format`` choices: the ``check`` formats of :data:`exports.FORMATS` by their word.
CHECK_FORMATS = tuple(choices("check"))


def _update_baseline(inv: Inventory, old: Sequence[BaselineEntry] | None, baseline_path: str) -> None:
    """Rewrite the baseline to accept the current FKs and say what changed on standard error."""
    from checks import baseline as bl
    from checks import baseline_file as blf

    new = bl.updated_baseline(inv, old)
    try:
        Path(baseline_path).write_text(blf.dump_baseline(new), encoding="utf-8")
    except OSError as exc:
        raise ArgumentError(f"cannot write {baseline_path!r}: {exc.strerror or exc}") from exc
    before, after = {e.identity for e in old or ()}, {e.identity for e in new}
    links = sum(1 for e in new if e.tracking)
    click.echo(
        f"fkmap: wrote {baseline_path}: {len(new)} entries ({len(after - before)} added, "
        f"{len(before - after)} removed, {links} tracking links)",
        err=True,
    )


@click.command(name="check")
@sources_argument()
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
@format_option(CHECK_FORMATS, default="text", help="github: ::error annotations for GitHub Actions.")
@config_option()
@dialect_option()
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
    from checks import baseline_file as blf

    inv = scan_for(sources, config_path, dialect)
    try:
        old = blf.read_baseline(baseline_path)
    except blf.BaselineError as exc:
        raise ArgumentError(str(exc)) from exc
    if update_baseline:
        _update_baseline(inv, old, baseline_path)
        return
    if old is None:
        click.echo(
            f"fkmap: baseline {baseline_path} not found: every cross-service FK counts as new "
            "(create it with --update-baseline)",
            err=True,
        )
    result = bl.check(inv, old or [], baseline_path=baseline_path)
    options = {"resolve": bl.source_path_resolver(sources)} if fmt == "github" else {}
    click.echo(render_text(choices("check")[fmt].name, result, **options), nl=False)
    if not result.ok:
        click.get_current_context().exit(1)
