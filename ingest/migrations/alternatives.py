"""Scripts kept once per database engine: one engine is replayed, the choice is said once.

Two layouts keep one script per engine (the engines and the choice among them are
:mod:`ingest.migrations.engines`'):

* **per-engine files** (golang-migrate/pop, ory's popx): ``<version>_<name>.<engine>[.autocommit].up.sql``
  beside ``.mysql.``, ``.sqlite3.``, ``.cockroach.`` ones, maybe with an engine-less
  ``<version>_<name>.up.sql`` for every engine. :func:`choose_files` keeps the chosen engine's
  files and, for a version that has none, the engine-less one -- as popx does -- and gives them
  the engine's dialect (engine-less files are read for the chosen engine too). A set that holds
  engine-less files is replayed for the engine asked for (PostgreSQL by default) even when no
  file names it: those files are its migrations;
* **per-engine folders** of one tool (``migrations/postgres`` beside ``migrations/mysql``; Spring's
  ``db/hsqldb`` beside ``db/mysql``): :func:`choose_folders` keeps the chosen folder's set and
  names it after the parent folder (``migrations``, so that the set is not taken for a service
  called ``postgres``). A lone engine folder is named after its parent too. A folder suffixed with
  an engine (``db/migrations-sqlite``) is the alternative of its base folder (``db/migrations``,
  which serves every other engine) and of its suffixed siblings; the set keeps the base's name.
  :func:`engine_folders` makes that choice for the SQL layout and for the ORM migration readers
  (:mod:`ingest.orm.js_replay`) alike.

Each choice among several engines is one ``info`` diagnostic (code ``engine-choice``) naming the
engines found and the one replayed. :func:`add_hints` gives every other file the dialect of the
engine-named folder it sits in (``mysql/``, ``sqlite3/``), which :mod:`ingest.migrations.detect`
uses when the text itself says nothing.

Examples
--------
>>> from ingest.migrations.walk import RawSet
>>> from ingest.migrations.files import MigrationFile
>>> names = ["1_a.postgres.up.sql", "1_a.mysql.up.sql", "1_a.up.sql", "2_b.up.sql", "3_c.sqlite3.up.sql"]
>>> raw = RawSet("m", [MigrationFile(f"/r/m/{n}", f"m/{n}", n[0], "", "") for n in names])
>>> files, note = choose_files(raw, None)
>>> [(f.rel, f.dialect) for f in files]
[('m/1_a.postgres.up.sql', 'postgres'), ('m/2_b.up.sql', 'postgres')]
>>> note.code, note.message.split(": ")[1].split(";")[0]
('engine-choice', 'replaying postgres, with 1 engine-less file(s)')
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from ingest.migrations.engines import (
    ALTERNATIVE_ENGINES,
    PREFERENCE,
    choose_engine,
    engine_of,
    engine_of_dialect,
    parse_dialect,
)
from ingest.migrations.files import MigrationFile, engine_part, version_tuple
from ingest.migrations.walk import RawSet
from model.inventory import Diagnostic

__all__ = ["EngineFolders", "add_hints", "choose_files", "choose_folders", "engine_folders"]

_HOW = "--dialect or [scan] dialect chooses another engine"


def _engine_of_file(f: MigrationFile) -> str:
    return engine_part(PurePosixPath(f.rel).name)[1]


def choose_files(raw: RawSet, dialect: str | None) -> tuple[list[MigrationFile], Diagnostic | None]:
    """The files of ``raw`` to replay when it holds per-engine files, and the note saying which."""
    engines = {f.path: _engine_of_file(f) for f in raw.files}
    found = Counter(e for e in engines.values() if e)
    if not found:
        return raw.files, None
    candidates = set(found)
    if any(not e for e in engines.values()):  # engine-less files serve the engine asked for
        candidates.add(engine_of_dialect(dialect) or PREFERENCE[0])
    chosen = choose_engine(candidates, dialect)
    groups: dict[object, list[MigrationFile]] = defaultdict(list)
    for f in raw.files:
        groups[version_tuple(f.version) if f.version else f.name].append(f)
    kept: set[str] = set()
    generic = 0
    for group in groups.values():
        specific = [f.path for f in group if engines[f.path] == chosen]
        if not specific:
            specific = [f.path for f in group if not engines[f.path]]
            generic += len(specific)
        kept.update(specific)
    name = parse_dialect(chosen)
    files = [replace(f, dialect=name) for f in raw.files if f.path in kept]
    listed = ", ".join(f"{e} ({n})" for e, n in sorted(found.items()))
    message = f"per-engine migration files for {listed}: replaying {chosen}"
    if generic:
        message += f", with {generic} engine-less file(s)"
    note = Diagnostic("info", f"{message}; {_HOW}", path=raw.label, code="engine-choice")
    return files, note


def _folder_engine(label: str) -> tuple[str, str]:
    """The engine an alternative folder is for and, for a suffixed one (``migrations-sqlite``), its
    base name (``migrations``); ``('', '')`` for any other folder."""
    name = PurePosixPath(label).name
    engine = engine_of(name)
    if engine in ALTERNATIVE_ENGINES:
        return engine, ""
    for sep in "-_":
        base, found, token = name.rpartition(sep)
        if found and base and engine_of(token) in ALTERNATIVE_ENGINES:
            return engine_of(token), base
    return "", ""


@dataclass(frozen=True)
class EngineFolders:
    """One group of alternative per-engine folders and the one replayed.

    ``name`` is what the group is known by: the parent of engine folders (``migrations`` for
    ``migrations/mysql``), the base folder of suffixed ones (``db/migrations`` for
    ``db/migrations-sqlite``, itself the folder of every other engine). ``members`` are the
    folders in label order; ``chosen`` is replayed, ``others`` are not."""

    name: str
    members: tuple[str, ...]
    chosen: str

    @property
    def others(self) -> tuple[str, ...]:
        return tuple(m for m in self.members if m != self.chosen)

    def note(self, shown: str, how: str = _HOW) -> Diagnostic:
        """The ``engine-choice`` info saying which folder is replayed (``shown`` names the group)."""
        folders = ", ".join(PurePosixPath(m).name for m in self.members)
        message = (
            f"per-engine folders {folders} in {shown!r}: replaying {PurePosixPath(self.chosen).name}; "
            f"the others are not replayed; {how}"
        )
        return Diagnostic("info", message, path=shown, code="engine-choice")


def engine_folders(labels: Collection[str], dialect: str | None) -> list[EngineFolders]:
    """The groups of alternative per-engine folders among ``labels`` (folders relative to one root),
    each with the folder replayed: the configured dialect's engine, else by preference
    (:func:`~ingest.migrations.engines.choose_engine`). Engine folders (``mysql/``) form a group even
    alone; suffixed ones (``migrations-sqlite``) only beside their base or another engine, the base
    standing for the engine asked for (PostgreSQL by default). Used by the SQL layout and the ORM
    migration readers alike."""
    groups: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    present = set(labels)
    for label in sorted(present):
        if label == ".":
            continue
        engine, base = _folder_engine(label)
        if engine:
            groups[(str(PurePosixPath(label).parent), base)].append((engine, label))
    out: list[EngineFolders] = []
    for (parent, base), members in sorted(groups.items()):
        by_engine: dict[str, str] = {}
        for engine, label in members:
            by_engine.setdefault(engine, label)  # the first folder of an engine
        names = [label for _, label in members]
        name = parent
        if base:
            name = str(PurePosixPath(parent) / base)
            default = engine_of_dialect(dialect) or PREFERENCE[0]
            if name in present:
                names.insert(0, name)
                by_engine.setdefault(default, name)
            if len(names) < 2:
                continue
        chosen = by_engine[choose_engine(by_engine.keys(), dialect)]
        out.append(EngineFolders(name, tuple(names), chosen))
    return out


def choose_folders(
    sets: list[RawSet], dialect: str | None, root_label: str
) -> tuple[list[RawSet], list[Diagnostic]]:
    """``sets`` with each group of per-engine sibling folders replaced by the chosen one, named after
    their parent (``root_label`` for the scanned folder itself) or their base folder; and a note per
    choice."""
    by_label = {s.label: s for s in sets}
    groups = engine_folders(by_label.keys(), dialect)
    grouped = {m for g in groups for m in g.members}
    out: list[RawSet] = [s for s in sets if s.label not in grouped]
    notes: list[Diagnostic] = []
    for g in groups:
        chosen = by_label[g.chosen]
        label = g.name if g.name not in by_label or g.name in g.members else g.chosen
        out.append(RawSet(label, chosen.files, chosen.ordered))
        if len(g.members) > 1:
            notes.append(g.note(root_label if g.name == "." else g.name))
    return out, notes


def _hint(rel: str) -> str:
    """The dialect of the nearest engine-named folder above ``rel``; ``''`` when there is none."""
    for part in reversed(PurePosixPath(rel).parent.parts):
        engine = engine_of(part)
        if engine:
            return parse_dialect(engine)
    return ""


def add_hints(files: list[MigrationFile]) -> list[MigrationFile]:
    """``files`` with the dialect of their engine-named folder as :attr:`MigrationFile.hint`."""
    return [f if f.dialect else replace(f, hint=_hint(f.rel)) for f in files]
