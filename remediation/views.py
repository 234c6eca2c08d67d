"""What the remediation page draws: progress, burn-down, snapshots and review deltas.

Pure data functions over :func:`remediation.status.statuses` output and the
inventory; the dashboard's remediation page draws them with plotly.

* :func:`progress` -- how many tracked keys reached each phase, overall and
  per dependent service (the stacked bars).
* :func:`burndown` -- present cross-service keys after each migration (x =
  ``Inventory.migrations`` order), or over dates: the date in the file name
  (``Migration.timestamp``) or, when asked, the commit that added the file
  (:func:`git_added_dates`, one ``git log`` call for the whole tree).
* :func:`sql_for` -- the phase-2 drop, rollback or orphan-check script of some
  keys, one block (one transaction) per dependent service.
* :func:`snapshot_rows` / :func:`review_delta` -- save the current state under a
  name ("Review 2026-11-14") and later list what changed since: keys that
  appeared (regressions), keys dropped, and phase changes.

Examples
--------
>>> from model.inventory import ForeignKey, Inventory, Location, Migration, Table, TableRef
>>> u, p = TableRef("m", "public", "users"), TableRef("m", "public", "posts")
>>> fk = ForeignKey("posts_user_id_fkey", p, ("user_id",), u, ("id",), added_at=Location("m/1.sql", 3),
...                 dropped_at=Location("m/2.sql", 1))
>>> inv = Inventory(tables=(Table(u, service="auth"), Table(p, service="content")), foreign_keys=(fk,),
...                 migrations=(Migration("m/1.sql", "m", 0, 0), Migration("m/2.sql", "m", 1, 1)))
>>> from remediation.status import statuses
>>> from remediation.tracking import tracked_fks
>>> items = tracked_fks(inv)
>>> [(pt.label, pt.total) for pt in burndown(inv, items).points]
[('1.sql', 1), ('2.sql', 0)]
>>> overall, per_service = progress(statuses(items, [])[0])
>>> overall.counts, per_service[0].service
((0, 0, 1, 0, 0), 'content')
"""

from __future__ import annotations

import subprocess
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from exports.sqlgen import drop_script, guess_dialect, orphan_checks_script, rollback_script
from model.inventory import Inventory
from remediation.fkid import from_migrations
from remediation.records import PHASE_LABELS
from remediation.status import Status
from remediation.tracking import TrackedFk, drop_targets

__all__ = [
    "BurnDown",
    "BurnPoint",
    "DeltaRow",
    "Progress",
    "ReviewDelta",
    "burndown",
    "git_added_dates",
    "progress",
    "review_delta",
    "snapshot_rows",
    "sql_for",
]

ALL_SERVICES = "All services"


@dataclass(frozen=True)
class Progress:
    """Keys of ``service`` per phase reached (``counts[p]`` for p = 0..4)."""

    service: str
    counts: tuple[int, int, int, int, int]
    contradictions: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def done(self) -> int:
        """Keys with all four phases done."""
        return self.counts[4]


def _count(service: str, rows: Sequence[Status]) -> Progress:
    c = Counter(s.phase for s in rows)
    counts = (c[0], c[1], c[2], c[3], c[4])
    return Progress(service, counts, sum(1 for s in rows if s.contradictions))


def progress(rows: Iterable[Status]) -> tuple[Progress, list[Progress]]:
    """Overall progress and progress per dependent service (sorted by name)."""
    everything = list(rows)
    by_service: dict[str, list[Status]] = defaultdict(list)
    for s in everything:
        by_service[s.service].append(s)
    return _count(ALL_SERVICES, everything), [_count(k, by_service[k]) for k in sorted(by_service)]


@dataclass(frozen=True)
class BurnPoint:
    """Present cross-service keys right after migration ``path`` (or on ``date``)."""

    order: int
    path: str
    label: str
    date: str
    total: int
    by_service: tuple[tuple[str, int], ...]

    def count(self, service: str) -> int:
        return dict(self.by_service).get(service, 0)


@dataclass(frozen=True)
class BurnDown:
    """The burn-down series; ``undated`` lists migrations left out of a date axis."""

    axis: Literal["order", "date"]
    points: tuple[BurnPoint, ...]
    services: tuple[str, ...]
    undated: tuple[str, ...] = ()


def _intervals(item: TrackedFk, order: Mapping[str, int]) -> list[tuple[int, int | None]]:
    out = []
    for fk in item.history:
        if not from_migrations(fk) or fk.added_at is None or fk.added_at.path not in order:
            continue
        end = order.get(fk.dropped_at.path) if fk.dropped_at is not None else None
        out.append((order[fk.added_at.path], end))
    return out


def burndown(
    inv: Inventory,
    items: Sequence[TrackedFk],
    *,
    axis: Literal["order", "date"] = "order",
    dates: Mapping[str, str] | None = None,
) -> BurnDown:
    """Present cross-service keys after each migration, overall and per service.

    Parameters
    ----------
    inv : Inventory
        The scan (its ``migrations`` give the order, names and timestamps).
    items : sequence of TrackedFk
        :func:`remediation.tracking.tracked_fks` of ``inv``; a key counts while
        any of its migration instances is present.
    axis : {'order', 'date'}
        ``order``: one point per migration in ``Inventory.migrations`` order.
        ``date``: one point per date; a migration's date is its file-name
        timestamp, else ``dates[path]`` (see :func:`git_added_dates`);
        migrations with neither are listed in ``undated`` and left out.
    dates : mapping, optional
        ``{migration path: ISO date-time}``.
    """
    migrations = sorted(inv.migrations, key=lambda m: m.order)
    services = tuple(sorted({it.service for it in items}))
    if axis == "date":
        when = {m.path: (m.timestamp or (dates or {}).get(m.path, "")) for m in migrations}
        undated = tuple(m.path for m in migrations if not when[m.path])
        dated = sorted((m for m in migrations if when[m.path]), key=lambda m: (when[m.path], m.order))
        rank = {m.path: i for i, m in enumerate(dated)}
        steps = [(m, when[m.path]) for m in dated]
    else:
        undated = ()
        rank = {m.path: i for i, m in enumerate(migrations)}
        steps = [(m, m.timestamp) for m in migrations]
    spans = [(it.service, _intervals(it, rank)) for it in items]
    points = []
    for i, (m, date) in enumerate(steps):
        alive: Counter[str] = Counter()
        for service, intervals in spans:
            if any(start <= i and (end is None or end > i) for start, end in intervals):
                alive[service] += 1
        label = (
            m.path[len(m.database) + 1 :]
            if m.path.startswith(m.database + "/")
            else m.path.rsplit("/", 1)[-1]
        )
        points.append(
            BurnPoint(
                m.order, m.path, label, date, sum(alive.values()), tuple((s, alive[s]) for s in services)
            )
        )
    if axis == "date":  # one point per date: the state after its last migration
        last: dict[str, BurnPoint] = {}
        for pt in points:
            last[pt.date[:10]] = pt
        points = list(last.values())
    return BurnDown(axis, tuple(points), services, undated)


def git_added_dates(root: str | Path, *, timeout: float = 20.0) -> dict[str, str]:
    """``{path relative to root: commit date (ISO 8601)}`` of the commit that added each file.

    One ``git log --diff-filter=A`` call for the whole tree; the oldest addition
    wins. Returns ``{}`` when ``root`` is not in a git work tree or git is missing.
    """
    cmd = [
        "git",
        "-C",
        str(root),
        "log",
        "--diff-filter=A",
        "--relative",
        "--format=%x00%cI",
        "--name-only",
        "--",
        ".",
    ]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.SubprocessError):
        return {}
    if done.returncode != 0:
        return {}
    out: dict[str, str] = {}
    date = ""
    for line in done.stdout.splitlines():
        if line.startswith("\x00"):
            date = line[1:].strip()
        elif line.strip() and date:
            out[line.strip()] = date  # log runs newest first: the oldest addition is written last
    return out


def snapshot_rows(rows: Iterable[Status]) -> list[dict[str, Any]]:
    """The JSON rows a snapshot keeps of each tracked key."""
    out = []
    for s in rows:
        it = s.item
        out.append(
            {
                "id": it.id,
                "aliases": list(it.aliases),
                "service": it.service,
                "ref_service": it.ref_service,
                "text": it.info().text,
                "structural": it.structural,
                "name_key": it.name_key,
                "state": "dropped" if it.dropped else "present",
                "phase": s.phase,
                "marks": sorted(m.phase for m in s.record.marks) if s.record is not None else [],
            }
        )
    return out


@dataclass(frozen=True)
class DeltaRow:
    """One key in a review delta: how it was in the snapshot and how it is now."""

    id: str
    text: str
    service: str
    before_state: str
    after_state: str
    before_phase: int
    after_phase: int
    marks_added: tuple[int, ...] = ()
    marks_removed: tuple[int, ...] = ()

    @property
    def change(self) -> str:
        """``Validation added -> FK dropped`` style summary of the phase change."""
        return f"{PHASE_LABELS.get(self.before_phase, '?')} -> {PHASE_LABELS.get(self.after_phase, '?')}"


@dataclass(frozen=True)
class ReviewDelta:
    """Since a snapshot: keys that appeared (regressions), were dropped, vanished, or changed phase."""

    appeared: tuple[DeltaRow, ...] = ()
    dropped: tuple[DeltaRow, ...] = ()
    vanished: tuple[DeltaRow, ...] = ()
    phase_changes: tuple[DeltaRow, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.appeared or self.dropped or self.vanished or self.phase_changes)


def _pair(old: list[dict[str, Any]], now: list[Status]) -> tuple[dict[int, int], list[int], list[int]]:
    """Pair snapshot rows with current statuses: id/alias, then structure, then name (same service)."""
    pairs: dict[int, int] = {}
    free = set(range(len(now)))
    ids: dict[str, int] = {}
    for j, s in enumerate(now):
        for key in (*s.item.aliases, s.item.id):
            ids[key] = j
    left = []
    for i, row in enumerate(old):
        hit = next(
            (ids[k] for k in (row["id"], *row.get("aliases", ())) if k in ids and ids[k] in free), None
        )
        if hit is None:
            left.append(i)
        else:
            pairs[i] = hit
            free.discard(hit)
    for attr in ("structural", "name_key"):
        still = []
        for i in left:
            row = old[i]
            cands = [
                j
                for j in free
                if getattr(now[j].item, attr) == row.get(attr) and now[j].service == row.get("service")
            ]
            if len(cands) == 1:
                pairs[i] = cands[0]
                free.discard(cands[0])
            else:
                still.append(i)
        left = still
    return pairs, left, sorted(free)


def review_delta(snapshot: Sequence[dict[str, Any]], current: Sequence[Status]) -> ReviewDelta:
    """What changed since ``snapshot`` (rows of :func:`snapshot_rows`) in ``current``."""
    old = list(snapshot)
    now = list(current)
    pairs, gone, new = _pair(old, now)
    appeared, dropped, vanished, changes = [], [], [], []
    for i, j in sorted(pairs.items(), key=lambda p: p[1]):
        row, s = old[i], now[j]
        state = "dropped" if s.item.dropped else "present"
        marks_now = {m.phase for m in s.record.marks} if s.record is not None else set()
        marks_then = set(row.get("marks", ()))
        d = DeltaRow(
            s.id,
            s.item.info().text,
            s.service,
            row.get("state", ""),
            state,
            int(row.get("phase", 0)),
            s.phase,
            tuple(sorted(marks_now - marks_then)),
            tuple(sorted(marks_then - marks_now)),
        )
        if row.get("state") == "dropped" and state == "present":
            appeared.append(d)
        elif row.get("state") == "present" and state == "dropped":
            dropped.append(d)
        if d.before_phase != d.after_phase or d.marks_added or d.marks_removed:
            changes.append(d)
    for j in new:
        s = now[j]
        if not s.item.dropped:
            appeared.append(DeltaRow(s.id, s.item.info().text, s.service, "", "present", 0, s.phase))
    for i in gone:
        row = old[i]
        if row.get("state") == "present":
            vanished.append(
                DeltaRow(
                    row["id"],
                    row.get("text", ""),
                    row.get("service", ""),
                    "present",
                    "",
                    int(row.get("phase", 0)),
                    0,
                )
            )
    return ReviewDelta(tuple(appeared), tuple(dropped), tuple(vanished), tuple(changes))


_SCRIPTS = {"drop": drop_script, "rollback": rollback_script, "orphans": orphan_checks_script}


def sql_for(rows: Sequence[Status], kind: str = "drop", *, title: str = "") -> str:
    """The ``kind`` script (``drop``, ``rollback``, ``orphans``) for ``rows``, one block per service.

    Each block is its own transaction; the dialect is guessed from the keys
    (:func:`exports.sqlgen.guess_dialect`). Keys already dropped are left out.
    """
    make = _SCRIPTS.get(kind, drop_script)
    by_service: dict[str, list[TrackedFk]] = defaultdict(list)
    for s in rows:
        by_service[s.service].append(s.item)
    blocks = []
    for service in sorted(by_service):
        targets = drop_targets(by_service[service])
        if targets:
            dialect = guess_dialect(targets[0][0])
            blocks.append(make(targets, title=title or f"service {service}", dialect=dialect))
    if not blocks:
        return "-- Nothing to drop here: every selected cross-service foreign key is gone already.\n"
    return "\n".join(blocks)
