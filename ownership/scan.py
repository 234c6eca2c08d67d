"""One scan: read every source, merge, resolve, assign services (and infer).

:func:`scan` is what ``fkmap scan``, the dashboard and the exports call. It
never raises for bad input and the other sources always go on. A source that
could not be read at all -- its reader raised, or it gave no table and no FK
but errors -- gets an error diagnostic with code ``source-failed`` (a database
that refused the connection has ``connect``): see :data:`FAILED_CODES`.

Steps
    1. the config: ``config_path`` or ``fkmap.toml`` found next to the first
       local source (:func:`ownership.config.find_config`); its diagnostics join
       the inventory's. Its ``[scan] dialect`` is the default dialect.
    2. :func:`ingest.read_source` for each source (migration folder or file,
       Prisma schema, live catalog, saved ``.json`` scan: :mod:`ingest.registry`);
    3. :func:`ownership.resolve.merge`, then :func:`ownership.resolve.resolve_external`;
    4. :func:`ownership.services.assign_services` -- skipped when every source is a
       saved inventory or scan and no config was given or found, so a saved
       scan keeps the service map it was made with;
    5. with ``infer`` (or ``[infer] enabled = true``), :func:`ownership.infer.infer_references`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from model.inventory import Diagnostic, Inventory, Source
from ownership.config import Config
from ownership.config_file import find_config, load_config
from ownership.infer import infer_references

__all__ = ["FAILED_CODES", "scan", "source_failed"]

#: Diagnostic codes meaning a whole source could not be read (``fkmap scan`` exits with 1);
#: ``too-many-tables``: reading stopped at the table limit (:mod:`ingest.migrations.limits`).
FAILED_CODES = frozenset({"source-failed", "connect", "too-many-tables"})


def source_failed(source: str, exc: BaseException) -> Inventory:
    """The inventory of a source that could not be read: one ``source-failed`` error.

    The source and the error text are masked: a DSN's password never reaches a diagnostic.

    >>> inv = source_failed("postgresql://app:hunter2@db/shop", OSError("postgresql://app:hunter2@db"))
    >>> "hunter2" in inv.to_json()
    False
    """
    from ingest.dsn import mask_dsn, scrub

    label = mask_dsn(source)
    message = f"source {label!r} could not be read: {type(exc).__name__}: {scrub(str(exc))}"
    return Inventory(
        diagnostics=(Diagnostic("error", message, label, code="source-failed"),),
        sources=(Source("unknown", label),),
    )


def _read(source: str, dialect: str | None) -> Inventory:
    """One source's inventory; a source that yields nothing but errors gets a ``source-failed`` error."""
    from ingest import read_source

    try:
        inv = read_source(source, dialect=dialect)
    except Exception as exc:
        return source_failed(source, exc)
    errors = [d for d in inv.diagnostics if d.severity == "error"]
    if inv.tables or inv.foreign_keys or not errors or any(d.code in FAILED_CODES for d in errors):
        return inv
    label = inv.sources[0].label if inv.sources else source
    message = f"source {label!r} gave no tables: {errors[0].message}"
    return replace(
        inv, diagnostics=(*inv.diagnostics, Diagnostic("error", message, label, code="source-failed"))
    )


def _config(sources: Sequence[str], config_path: str | Path | None) -> tuple[Config | None, list[Diagnostic]]:
    """The config to use (None when there is none) and its diagnostics."""
    path = Path(config_path) if config_path is not None else find_config(sources)
    if path is None:
        return None, []
    return load_config(path)


def scan(
    sources: Sequence[str],
    *,
    config_path: str | Path | None = None,
    dialect: str | None = None,
    infer: bool = False,
) -> Inventory:
    """Scan ``sources`` into one inventory with services assigned.

    Parameters
    ----------
    sources : sequence of str
        Migration folders or files, PostgreSQL DSNs, saved JSON scans.
    config_path : path, optional
        ``fkmap.toml`` to use; by default the one next to the first local source.
    dialect : str, optional
        SQL dialect for ``.sql`` files; overrides ``[scan] dialect``; by
        default detected per file.
    infer : bool
        Also infer references from column names (``--infer``).

    Returns
    -------
    Inventory
        Merged, resolved, with services assigned; diagnostics of every step.
    """
    from ownership.resolve import merge, resolve_external
    from ownership.services import assign_services

    found, config_diagnostics = _config(sources, config_path)
    config = found or Config()
    chosen = dialect or config.dialect
    parts = [_read(source, chosen) for source in sources]
    inv = resolve_external(merge(parts))
    saved = all(any(s.kind == "inventory" for s in part.sources) for part in parts)
    if found is not None or not (saved and parts):
        inv = assign_services(inv, config)
    if infer or config.infer.enabled:
        inv = infer_references(inv, config)
    if config_diagnostics:
        inv = replace(inv, diagnostics=(*config_diagnostics, *inv.diagnostics))
    return inv
