"""What the fkmap commands share: the usage error, argument checks, reusable click options, file output.

Options are decorator factories, each defined once; a command that needs other
words in ``--help`` passes ``help=``::

    @click.command(name="example")
    @sources_argument()
    @config_option()
    @dialect_option()
    @format_option(("text", "json"), default="text", help="...")
    @output_option()
    def example_command(sources, config_path, dialect, fmt, output): ...

:class:`ArgumentError` is a bad argument (``fkmap: error: <reason>``, exit
status 2); :func:`check_arguments` validates the usual ones and
:func:`scan_for` scans them, stopping with status 1 when a source could not
be read at all.
"""

from __future__ import annotations

import difflib
import gc
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol, TypeVar

import click

if TYPE_CHECKING:
    from model.inventory import Diagnostic, Inventory

__all__ = [
    "CONTEXT",
    "ArgumentError",
    "all_databases_option",
    "check_arguments",
    "check_config",
    "check_dialect",
    "check_sources",
    "config_option",
    "dialect_option",
    "failed_sources",
    "follow_symlinks_flag",
    "format_option",
    "infer_option",
    "known_dialects",
    "output_option",
    "scan_for",
    "sources_argument",
    "write_file",
    "write_output",
    "young_collections_only",
]

#: click context settings of the ``fkmap`` group (inherited by every command).
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

F = TypeVar("F", bound=Callable[..., Any])


class Decorator(Protocol):
    """What the option factories return: a click decorator that gives back the function it decorates."""

    def __call__(self, f: F, /) -> F: ...


CONFIG_HELP = "Service map to use. Default: fkmap.toml in the first source directory, else built-in rules."
DIALECT_HELP = (
    "SQL dialect of .sql files (postgres, mysql, ...). Default: [scan] dialect of the config, "
    "else detected per file."
)


class ArgumentError(click.UsageError):
    """An unusable argument: ``fkmap: error: <reason>`` on one line, exit status 2."""

    def show(self, file: IO[Any] | None = None) -> None:
        message = f"fkmap: error: {self.format_message()}"
        if file is None:
            click.echo(message, err=True)
        else:
            click.echo(message, file=file)


# -- options ----------------------------------------------------------------------------------------------


def sources_argument() -> Decorator:
    """``SOURCE...``: one or more migration folders, files, DSNs or saved scans (``sources``)."""
    return click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")


def config_option(help: str = CONFIG_HELP) -> Decorator:
    """``--config FILE`` (``config_path``)."""
    return click.option("--config", "config_path", metavar="FILE", help=help)


FOLLOW_HELP = (
    "Follow symbolic links out of scanned folders. Default: [scan] follow_symlinks of the config, "
    "else such links are reported and not followed."
)
_FOLLOW = "fkmap.follow_symlinks"


def _remember_follow(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:
        ctx.meta[_FOLLOW] = True
    return value


def follow_symlinks_flag() -> bool | None:
    """True when ``--follow-symlinks`` was given to the running command, else None (the config decides)."""
    ctx = click.get_current_context(silent=True)
    return True if ctx is not None and ctx.meta.get(_FOLLOW) else None


def dialect_option(help: str = DIALECT_HELP) -> Decorator:
    """``--dialect D`` (``dialect``), check it with :func:`check_dialect`; with ``--follow-symlinks``, the
    other option of how sources are read (read back by :func:`follow_symlinks_flag`)."""
    dialect = click.option("--dialect", metavar="D", help=help)
    follow = click.option(
        "--follow-symlinks", is_flag=True, expose_value=False, callback=_remember_follow, help=FOLLOW_HELP
    )

    def decorate(f: F) -> F:
        return dialect(follow(f))

    return decorate


def format_option(
    formats: Sequence[str], *, default: str | None = None, help: str = "Output format."
) -> Decorator:
    """``--format`` (``fmt``) choosing one of ``formats``; required when there is no default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(formats)),
        default=default,
        required=default is None,
        show_default=default is not None,
        help=help,
    )


def output_option(
    *, required: bool = False, help: str = "Write to FILE instead of standard output."
) -> Decorator:
    """``-o, --output FILE`` (``output``)."""
    return click.option("-o", "--output", metavar="FILE", required=required, help=help)


def infer_option() -> Decorator:
    """``--infer`` (``infer``): also infer references from column names."""
    return click.option(
        "--infer", is_flag=True, help="Also infer references from column names ([infer] in the config)."
    )


def all_databases_option() -> Decorator:
    """``--all-databases`` (``all_databases``): read every database of a DSN's server."""
    return click.option("--all-databases", is_flag=True, help="Read every database of each DSN's server.")


# -- checks -----------------------------------------------------------------------------------------------


def check_sources(sources: Sequence[str]) -> None:
    """Raise :class:`ArgumentError` for a path source that does not exist."""
    from ingest import is_dsn_source

    for source in sources:
        if not source.strip():
            raise ArgumentError("empty source argument")
        if not is_dsn_source(source) and not Path(source).exists():
            raise ArgumentError(f"source {source!r} does not exist")


def check_config(config_path: str | None) -> None:
    """Raise :class:`ArgumentError` when ``--config`` names no file."""
    if config_path is not None and not Path(config_path).is_file():
        raise ArgumentError(f"config file {config_path!r} does not exist")


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
    cli.common.ArgumentError: Unknown dialect 'postgress'. Did you mean postgres?
    """
    if dialect is None:
        return None
    known = known_dialects()
    if dialect.lower() in known:
        return dialect.lower()
    close = difflib.get_close_matches(dialect.lower(), known, n=1)
    hint = f"Did you mean {close[0]}?" if close else f"Known dialects: {', '.join(known)}."
    raise ArgumentError(f"Unknown dialect {dialect!r}. {hint}")


def check_arguments(sources: Sequence[str], config_path: str | None, dialect: str | None) -> str | None:
    """Check the sources, ``--config`` and ``--dialect``; returns the dialect in canonical spelling."""
    check_sources(sources)
    check_config(config_path)
    return check_dialect(dialect)


# -- scanning and writing ---------------------------------------------------------------------------------


def failed_sources(inv: Inventory) -> list[Diagnostic]:
    """The errors saying a source could not be read at all (codes :data:`ownership.scan.FAILED_CODES`)."""
    from ownership.scan import FAILED_CODES

    return [d for d in inv.diagnostics if d.severity == "error" and d.code in FAILED_CODES]


def scan_for(sources: Sequence[str], config_path: str | None, dialect: str | None) -> Inventory:
    """Validate the usual arguments, scan, and stop with status 1 when a source could not be read."""
    dialect = check_arguments(sources, config_path, dialect)
    from ownership.scan import scan

    inv = scan(sources, config_path=config_path, dialect=dialect, follow_symlinks=follow_symlinks_flag())
    failed = failed_sources(inv)
    if failed:
        raise click.ClickException(f"{len(failed)} source(s) could not be read: {failed[0].message}")
    return inv


def write_file(path: str, data: str | bytes) -> None:
    """Write ``data`` to ``path`` and say so on standard error; :class:`ArgumentError` when it cannot."""
    try:
        if isinstance(data, bytes):
            Path(path).write_bytes(data)
        else:
            Path(path).write_text(data, encoding="utf-8")
    except OSError as exc:
        raise ArgumentError(f"cannot write {path!r}: {exc.strerror or exc}") from exc
    click.echo(f"fkmap: wrote {path}", err=True)


def write_output(path: str | None, produce: Callable[[IO[str]], None]) -> None:
    """Let ``produce`` write text to the file ``path`` (UTF-8; said on standard error), or to standard
    output when ``path`` is None: a large output goes out as it is made, never held whole.
    :class:`ArgumentError` when the file cannot be written."""
    if path is None:
        produce(sys.stdout)
        return
    try:
        with open(path, "w", encoding="utf-8") as stream:
            produce(stream)
    except OSError as exc:
        raise ArgumentError(f"cannot write {path!r}: {exc.strerror or exc}") from exc
    click.echo(f"fkmap: wrote {path}", err=True)


def young_collections_only(ctx: click.Context) -> None:
    """Until ``ctx`` closes, the cyclic garbage collector leaves the oldest generation alone.

    A one-shot command's heap only grows until it prints: tens of thousands of tables,
    keys and their documents, none of them garbage, and almost no reference cycles (what
    holds a scan's values -- the replay's Sharer and replayers, the ownership Decider -- is
    no cycle, so it is freed when done: at 20,000 tables nothing is left for the collection
    at exit, where 160,000 to 330,000 objects were). Yet each full collection walks
    the whole heap, about a fifth of a large scan's time. Young collections go on, so
    short-lived cycles are still freed; the thresholds come back when the command ends
    (a long-lived process such as ``fkmap serve`` is never given this).
    """
    before = gc.get_threshold()
    gc.set_threshold(before[0], before[1], 1 << 30)
    ctx.call_on_close(lambda: gc.set_threshold(*before))
