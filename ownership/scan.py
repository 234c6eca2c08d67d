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
    3. :func:`ownership.resolve.merge`, then :func:`ownership.resolve.resolve_external`
       (by :func:`~ownership.services.assign_services` in step 5, with the config, when it runs);
    4. the evidence of the scanned folders (:func:`evidence`, unless ``code=False``
       or ``[scan] code = false``): their deployable units
       (:func:`ownership.units.find_units`) and the tables each unit's code reads
       and writes (:func:`ownership.code.scan_code`);
    5. :func:`ownership.services.assign_services` -- skipped when every source is a
       saved inventory or scan and no config was given or found, so a saved
       scan keeps the service map it was made with; the first local folder
       scanned is the repository root (:func:`root_label`);
    6. with ``infer`` (or ``[infer] enabled = true``), :func:`ownership.infer.infer_references`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from model.inventory import Diagnostic, Inventory, Source
from model.timings import stage, timed

if TYPE_CHECKING:  # the code readers (tree-sitter, sqlglot) are imported when the code is read
    from ownership.background import Later
    from ownership.code.evidence import AccessSummary
    from ownership.config import Config
    from ownership.units import Unit

__all__ = [
    "BACKGROUND_BYTES",
    "FAILED_CODES",
    "FolderEvidence",
    "evidence",
    "root_label",
    "scan",
    "source_failed",
]

#: Diagnostic codes meaning a whole source could not be read (``fkmap scan`` exits with 1);
#: ``too-many-tables``: reading stopped at the table limit (:mod:`ingest.migrations.limits`).
FAILED_CODES = frozenset({"source-failed", "connect", "too-many-tables"})
#: From this much source code on, it is read in a child process beside the migrations: forking
#: costs about 0.05 s of CPU (pages copied once written by either process), which reading 1 MB of
#: code (0.1-0.3 s) repays in wall time; below it the code is read after the migrations.
BACKGROUND_BYTES = 1_000_000


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


@timed("read")
def _read(source: str, dialect: str | None, follow_symlinks: bool = False) -> Inventory:
    """One source's inventory; a source that yields nothing but errors gets a ``source-failed`` error."""
    from ingest import read_source

    try:
        inv = read_source(source, dialect=dialect, follow_symlinks=follow_symlinks)
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


def root_label(sources: Sequence[str]) -> str:
    """The absolute path of the first local folder scanned (a file's folder); ``""`` when there is none.

    >>> root_label(["postgresql://app@db/shop"])
    ''
    """
    for source in sources:
        try:
            path = Path(source)
            if path.exists() and path.suffix.lower() != ".json":
                return (path if path.is_dir() else path.parent).resolve().as_posix()
        except (OSError, ValueError):
            continue
    return ""


@dataclass(frozen=True)
class FolderEvidence:
    """What the scanned folders say of ownership besides their schemas: units and code usage."""

    units: tuple[Unit, ...] = ()
    access: dict[str, dict[str, AccessSummary]] = field(default_factory=dict)
    diagnostics: tuple[Diagnostic, ...] = ()
    modules: dict[str, frozenset[str]] = field(default_factory=dict)  # unit path -> its code's module names


@timed("code")
def evidence(sources: Sequence[str]) -> FolderEvidence:
    """The units and table access of every local folder in ``sources`` (paths relative to each folder,
    as the migration sets' database labels are)."""
    units: list[Unit] = []
    access: dict[str, dict[str, AccessSummary]] = {}
    diagnostics: list[Diagnostic] = []
    modules: dict[str, frozenset[str]] = {}
    for source in sources:
        root = Path(source)
        if not root.is_dir():
            continue
        from ownership.code import scan_code, table_access  # the code readers: only for a folder
        from ownership.modules import module_names
        from ownership.units import find_units

        found = find_units(root)
        units.extend(found)
        code = scan_code(root, found)
        diagnostics.extend(code.diagnostics)
        for table, by_unit in table_access(code).items():
            access.setdefault(table, {}).update(by_unit)
        modules.update(module_names(found, code.paths))
    return FolderEvidence(tuple(units), access, tuple(diagnostics), modules)


def _evidence_later(sources: Sequence[str], code: bool) -> Later[FolderEvidence]:
    """:func:`evidence` of ``sources`` (none without ``code``), read meanwhile in a child process when
    their folders hold :data:`BACKGROUND_BYTES` of code or more and a CPU is spare
    (:mod:`ownership.background`), else when asked for."""
    from ownership.background import Later, in_background

    if not code:
        return Later(lambda _: FolderEvidence(), None)
    from ownership.code.files import code_bytes

    code_size = sum(code_bytes(Path(s), BACKGROUND_BYTES) for s in sources if Path(s).is_dir())
    if code_size < BACKGROUND_BYTES:
        return Later(evidence, sources)
    # the migrations' parser, which the code's SQL needs too: imported once, before the fork, not in
    # both processes after it (the child's part is the longer one)
    import pglast.parser  # noqa: F401

    return in_background(evidence, sources, waited="code")


def _config(sources: Sequence[str], config_path: str | Path | None) -> tuple[Config | None, list[Diagnostic]]:
    """The config to use (None when there is none) and its diagnostics."""
    from ownership.config_file import find_config, load_config

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
    code: bool | None = None,
    follow_symlinks: bool | None = None,
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
    code : bool, optional
        Read the folders' code for ownership evidence; default ``[scan] code`` (true).
    follow_symlinks : bool, optional
        Follow symbolic links out of scanned folders; overrides ``[scan] follow_symlinks``.

    Returns
    -------
    Inventory
        Merged, resolved, with services assigned; diagnostics of every step.
    """
    from ownership.config import Config
    from ownership.infer import infer_references
    from ownership.resolve import merge, resolve_external
    from ownership.services import assign_services

    found, config_diagnostics = _config(sources, config_path)
    config = found or Config()
    chosen = dialect or config.dialect
    follow = config.follow_symlinks if follow_symlinks is None else follow_symlinks
    with _evidence_later(sources, config.code if code is None else code) as seen_later:
        parts = [_read(source, chosen, follow) for source in sources]
        with stage("resolve"):
            inv = merge(parts)
        saved = all(any(s.kind == "inventory" for s in part.sources) for part in parts)
        if assign := found is not None or not (saved and parts):
            seen = seen_later()
    if assign:
        with stage("ownership"):
            inv = assign_services(  # resolves the external tables itself, with the config
                inv,
                config,
                units=seen.units,
                access=seen.access,
                root_label=root_label(sources),
                modules=seen.modules,
            )
        if seen.diagnostics:
            inv = replace(inv, diagnostics=(*inv.diagnostics, *seen.diagnostics))
    else:
        inv = resolve_external(inv)
    if infer or config.infer.enabled:
        with stage("ownership"):
            inv = infer_references(inv, config)
    if config_diagnostics:
        inv = replace(inv, diagnostics=(*config_diagnostics, *inv.diagnostics))
    return inv
