"""The plan's progress: cross-service FKs still present against the target dates of the plan.

The plan (``fkmap-plan.yaml``, imported into the store) gives each tracked key a
``target_date``. :func:`plan_progress` turns the statuses into what the
remediation page draws beside the history of coupling:

* ``points``: at each target date, the keys the plan still allows to be present
  after it -- keys whose target date is later, plus present keys without a target;
* ``present``: the keys present now (:mod:`remediation.totals`' ``present``), drawn at today;
* ``overdue``: present keys whose target date has passed; ``without_target``: present keys the
  plan gives no date.

Examples
--------
>>> from model.inventory import ForeignKey, Inventory, Location, Table, TableRef
>>> from remediation.status import statuses
>>> from remediation.tracking import new_record, tracked_fks
>>> u, p = TableRef("m", "public", "users"), TableRef("m", "public", "posts")
>>> fks = tuple(ForeignKey(f"fk{i}", p, (f"c{i}",), u, ("id",), added_at=Location("m/1.sql", i))
...             for i in (1, 2, 3))
>>> inv = Inventory(tables=(Table(u, service="auth"), Table(p, service="content")), foreign_keys=fks)
>>> items = tracked_fks(inv)
>>> records = [new_record(items[0]).with_fields(target_date="2026-01-31"),
...            new_record(items[1]).with_fields(target_date="2026-03-31")]
>>> pp = plan_progress(statuses(items, records)[0], "2026-02-15")
>>> [(pt.date, pt.planned) for pt in pp.points], pp.present, pp.overdue, pp.without_target
([('2026-01-31', 2), ('2026-03-31', 1)], 3, 1, 1)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from remediation.status import Status

__all__ = ["PlanPoint", "PlanProgress", "plan_progress"]


@dataclass(frozen=True)
class PlanPoint:
    """``planned``: the keys the plan allows to be present after ``date`` (a target date);
    ``due``: the keys whose target is that date."""

    date: str
    planned: int
    due: int


@dataclass(frozen=True)
class PlanProgress:
    """The plan's line, the keys present on ``today``, and those overdue or without a target."""

    points: tuple[PlanPoint, ...]
    present: int
    overdue: int
    without_target: int
    today: str
    #: Target dates that are not ``YYYY-MM-DD`` (left out of the line), with their count.
    unreadable: int = 0

    @property
    def planned_today(self) -> int | None:
        """What the plan allows to be present today (None before its first target date)."""
        past = [pt for pt in self.points if pt.date <= self.today]
        return past[-1].planned if past else None


def _date(text: str) -> str | None:
    try:
        return dt.date.fromisoformat(text.strip()[:10]).isoformat()
    except ValueError:
        return None


def plan_progress(rows: Sequence[Status], today: str | dt.date | None = None) -> PlanProgress:
    """The plan's progress of ``rows`` on ``today`` (ISO date; default: today, UTC)."""
    day = (today if isinstance(today, str) else (today or dt.datetime.now(dt.UTC).date()).isoformat())[:10]
    targets: list[str] = []
    present = overdue = without = unreadable = 0
    for s in rows:
        raw = s.record.target_date if s.record is not None else ""
        when = _date(raw) if raw else None
        unreadable += bool(raw) and when is None
        if when is not None:
            targets.append(when)
        if s.item.dropped:
            continue
        present += 1
        if when is None:
            without += 1
        elif when < day:
            overdue += 1
    due = Counter(targets)
    points, left = [], len(targets)
    for date in sorted(due):
        left -= due[date]
        points.append(PlanPoint(date, left + without, due[date]))
    return PlanProgress(tuple(points), present, overdue, without, day, unreadable)
