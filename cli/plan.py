"""``fkmap plan``: the remediation plan on the command line (registered in :mod:`cli`).

\b
fkmap plan export SOURCE... [-o fkmap-plan.yaml] [--state URL]
fkmap plan import FILE [--state URL] [--who NAME]
fkmap plan status SOURCE... [--state URL]
fkmap plan sql SOURCE... [--service S] [--kind drop|rollback|orphans]

``--state`` names the store: a SQLite file (default ``.fkmap/state.db``, or
``$FKMAP_STATE``) or ``postgresql://user@host/db`` for a shared one.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cli.common import (
    ArgumentError,
    check_arguments,
    config_option,
    dialect_option,
    output_option,
    sources_argument,
    write_file,
)

if TYPE_CHECKING:
    from remediation.service import RemediationView
    from remediation.store.base import SqlStore

__all__ = ["plan_group"]

STATE_HELP = (
    "Remediation store: a SQLite file or postgresql://user@host/db. "
    "Default: $FKMAP_STATE, else .fkmap/state.db in the working directory."
)


def _who() -> str:
    try:
        return os.environ.get("FKMAP_USER") or getpass.getuser()
    except Exception:
        return "fkmap"


def _open(state: str | None) -> SqlStore:
    from remediation.store import open_store
    from remediation.store.schema import StoreError

    try:
        return open_store(state)
    except StoreError as exc:
        raise ArgumentError(str(exc)) from exc


def _view(
    sources: Sequence[str], config: str | None, dialect: str | None, store: SqlStore | None
) -> RemediationView:
    """The statuses of the scan of ``sources`` with ``store``'s records (none without a store)."""
    from ownership.scan import scan
    from remediation.service import inventory_view

    dialect = check_arguments(sources, config, dialect)
    inv = scan(list(sources), config_path=config, dialect=dialect)
    return inventory_view(inv, store)


#: ``--state URL`` (``state``): the export, import and status subcommands.
_state = click.option("--state", metavar="URL", help=STATE_HELP)


class _PlanGroup(click.Group):
    """A store that cannot be used (damaged, newer, unreachable) is a one-line error, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        from remediation.store.schema import StoreError

        try:
            return super().invoke(ctx)
        except StoreError as exc:
            raise ArgumentError(str(exc)) from exc


@click.group(name="plan", cls=_PlanGroup)
def plan_group() -> None:
    """Track the removal of cross-service FKs phase by phase, and keep the plan as code."""


@plan_group.command(name="export")
@sources_argument()
@click.option(
    "-o", "--output", default="fkmap-plan.yaml", show_default=True, metavar="FILE",
    help="Plan file to write: .json for JSON, anything else YAML; '-' for standard output.",
)  # fmt: skip
@_state
@config_option()
@dialect_option()
def export_command(
    sources: tuple[str, ...], output: str, state: str | None, config_path: str | None, dialect: str | None
) -> None:
    """Write every cross-service FK of SOURCEs with its record (phases, owner, policy) to a plan file.

    \b
    Examples:
      fkmap plan export examples/demo -o fkmap-plan.yaml
      fkmap plan export ./repo postgresql://app@prod/shop --state postgresql://fkmap@ops/fkmap
    """
    from remediation.plan_file import is_json
    from remediation.service import plan_text

    view = _view(sources, config_path, dialect, _open(state))
    if output == "-":
        click.echo(plan_text(view), nl=False)
        return
    try:
        Path(output).write_text(plan_text(view, json_format=is_json(output)), encoding="utf-8")
    except OSError as exc:
        raise ArgumentError(f"cannot write {output!r}: {exc.strerror or exc}") from exc
    orphans = view.orphans
    orphan_note = f", {len(orphans)} orphaned record(s)" if orphans else ""
    click.echo(
        f"fkmap: wrote {output}: {len(view.statuses)} cross-service foreign key(s){orphan_note}", err=True
    )


@plan_group.command(name="import")
@click.argument("file", metavar="FILE")
@_state
@click.option(
    "--who",
    default=None,
    metavar="NAME",
    help="Recorded as the author (default: $FKMAP_USER, else the login).",
)
def import_command(file: str, state: str | None, who: str | None) -> None:
    """Apply a plan FILE to the store; prints what changed and every conflict.

    Importing the same file twice changes nothing. An entry whose record was
    changed in the store since the file's version is a conflict: it is skipped
    and the exit status is 1 (re-export, edit again, import).
    """
    from remediation.plan_file import PlanError, read_plan
    from remediation.plan_import import import_plan

    if not Path(file).is_file():
        raise ArgumentError(f"plan file {file!r} does not exist")
    try:
        entries = read_plan(file)
    except PlanError as exc:
        raise ArgumentError(f"{file}: {exc}") from exc
    store = _open(state)
    report = import_plan(store, entries, who=who or _who())
    for message in report.conflicts:
        click.echo(f"conflict: {message}", err=True)
    click.echo(f"fkmap: imported {file} into {store.label}: {report.summary()}")
    if report.conflicts:
        click.get_current_context().exit(1)


@plan_group.command(name="status")
@sources_argument()
@_state
@config_option()
@dialect_option()
def status_command(
    sources: tuple[str, ...], state: str | None, config_path: str | None, dialect: str | None
) -> None:
    """Keys per phase for each service, every total with its definition, contradictions and
    orphaned records (the totals are those the dashboard and the report show)."""
    from model.escape import clean_text
    from remediation.records import PHASE_LABELS
    from remediation.service import progress_by_phase
    from remediation.totals import text_lines, view_totals

    view = _view(sources, config_path, dialect, _open(state))
    rows, orphans = view.statuses, view.orphans
    overall, per_service = progress_by_phase(view)
    width = max([len(clean_text(p.service)) for p in (overall, *per_service)] + [7])
    click.echo(
        f"{'service':<{width}}  " + "  ".join(f"{p}:{PHASE_LABELS[p][:12]:<12}" for p in range(5)) + "  total"
    )
    for p in (*per_service, overall):
        counts = "  ".join(f"{c:>14}" for c in p.counts)
        click.echo(f"{clean_text(p.service):<{width}}  {counts}  {p.total:>5}")
    click.echo("")
    for line in text_lines(view_totals(view)):
        click.echo(line)
    for s in rows:
        for text in s.contradictions:
            click.echo(clean_text(f"contradiction: {s.item.info().text}: {text}"))
    if orphans:
        click.echo(clean_text(f"{len(orphans)} orphaned record(s): " + ", ".join(r.fk_id for r in orphans)))


@plan_group.command(name="sql")
@sources_argument()
@click.option("--service", metavar="S", help="Only keys held by service S (default: every service).")
@click.option(
    "--kind", type=click.Choice(["drop", "rollback", "orphans"]), default="drop", show_default=True,
    help="drop: phase-2 script; rollback: re-add NOT VALID then validate; orphans: post-drop checks.",
)  # fmt: skip
@config_option()
@dialect_option()
@output_option(help="Write the script to FILE instead of standard output.")
def sql_command(
    sources: tuple[str, ...], service: str | None, kind: str, config_path: str | None, dialect: str | None,
    output: str | None,
) -> None:  # fmt: skip
    """Generate the phase-2 SQL of the cross-service FKs still present (one transaction per service)."""
    from remediation.service import sql_script

    view = _view(sources, config_path, dialect, None)
    if service and service not in view.services:
        raise ArgumentError(
            f"no cross-service foreign key is held by service {service!r}; known: {', '.join(view.services)}"
        )
    text = sql_script(view, kind, service=service or "")
    if output:
        write_file(output, text)
    else:
        sys.stdout.write(text)
