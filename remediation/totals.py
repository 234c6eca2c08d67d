"""Every remediation total, defined once: what the overview, the remediation page, the service
pages, ``fkmap plan status`` and the Markdown/HTML report count, with a one-line definition each.

The unit is the *tracked key* (:class:`~remediation.tracking.TrackedFk`): a declared foreign key
from one service's table into another service's table, counted once however many times the
sources show it (a key dropped and re-added, the same key in migrations and in a live catalog).
Inferred references are never tracked. Every surface reads :func:`totals_of` (or
:func:`view_totals`) and shows :data:`DEFINITIONS` beside the figure: as a tooltip in the
dashboard, as text in the report and on the command line.

Examples
--------
>>> from model.inventory import ForeignKey, Inventory, Location, Table, TableRef
>>> from remediation.service import inventory_view
>>> u, p = TableRef("m", "public", "users"), TableRef("m", "public", "posts")
>>> keep = ForeignKey("posts_user_id_fkey", p, ("user_id",), u, ("id",), added_at=Location("m/1.sql", 3))
>>> gone = ForeignKey("posts_editor_fkey", p, ("editor",), u, ("id",), added_at=Location("m/1.sql", 4),
...                   dropped_at=Location("m/2.sql", 1))
>>> inv = Inventory(tables=(Table(u, service="auth"), Table(p, service="content")), foreign_keys=(keep, gone))
>>> t = view_totals(inventory_view(inv, None))
>>> t.tracked, t.present, t.dropped, format_total("remediated", t.value("remediated"))
(2, 1, 1, '50.0%')
>>> DEFINITIONS["dropped"].label
'Dropped'
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from exports.report_remediation import DroppedKey, PairTotal, ReportTotal, TrackedTotals
from remediation.records import PHASE_LABELS, Record
from remediation.service import RemediationView
from remediation.status import Status

__all__ = [
    "DEFINITIONS",
    "ORDER",
    "SCAN_DEFINITIONS",
    "Definition",
    "Totals",
    "format_total",
    "report_totals",
    "service_totals",
    "text_lines",
    "totals_of",
    "view_totals",
]


@dataclass(frozen=True)
class Definition:
    """A total's name as shown (``label``) and its one-line definition (``text``)."""

    key: str
    label: str
    text: str


_PHASES = {
    0: "tracked keys still present with phase 1 (validation added) not marked",
    1: "tracked keys whose phase reached is 1: validation added, the FK still present",
    2: "tracked keys whose phase reached is 2: the FK is dropped (read from the sources), phase 3 not done",
    3: "tracked keys whose phase reached is 3: dropped, and application-layer validation is the only guard",
    4: "tracked keys with all four phases done (deletion events consumed, or a deletion policy recorded)",
}

_DEFINED = (
    Definition(
        "tracked",
        "Cross-service FKs tracked",
        "declared foreign keys from one service's table into another service's table, present or "
        "dropped; a key dropped and re-added, or seen in migrations and a live catalog, counts once; "
        "inferred references are not tracked",
    ),
    Definition(
        "present",
        "Cross-service FKs present",
        "tracked keys the sources still hold (a migration that was not reverted, or a live catalog): "
        "the coupling left",
    ),
    Definition(
        "dropped",
        "Dropped",
        "tracked keys the sources show as gone: dropped by a migration and in no live catalog, or "
        "absent from a scanned live catalog (phase 2 reached)",
    ),
    Definition(
        "remediated",
        "Cross-service FKs remediated",
        "dropped / tracked: the share of the coupling removed so far",
    ),
    *(Definition(f"phase{p}", f"{p} · {PHASE_LABELS[p]}", text) for p, text in _PHASES.items()),
    Definition(
        "contradictions",
        "Contradictions",
        "tracked keys where a mark disagrees with the sources (phase 3 marked while the FK is present, "
        "or dropped by a migration but still in the live catalog)",
    ),
    Definition(
        "orphans",
        "Orphaned records",
        "records whose key is no longer in the scan (file moved, table or columns renamed)",
    ),
)
#: Every total by key, in display order.
DEFINITIONS: dict[str, Definition] = {d.key: d for d in _DEFINED}
ORDER = tuple(DEFINITIONS)
#: The scan's other headline figures (:func:`graph.analysis.headline_figures`, the overview's cards).
SCAN_DEFINITIONS = {
    "services": "services of the scan: configured in fkmap.toml, or found as deployable units",
    "tables": "tables the scanned sources define and do not drop (tables only referenced are left out)",
    "foreign_keys": "declared foreign keys present in the sources, within and across services",
    "inferred_references": "cross-service references inferred from column names (--infer): no constraint "
    "to drop, so never tracked nor counted as foreign keys",
    "services_coupled": "services at either end of a present declared cross-service foreign key",
    "cross_service_cascades": "present cross-service foreign keys with ON DELETE CASCADE: deleting the "
    "owner's row deletes rows of another service",
    "fks_into_unowned": "present foreign keys whose referenced table no service owns",
}


@dataclass(frozen=True)
class Totals:
    """The totals of some tracked keys (all of a scan, or one dependent service's)."""

    tracked: int
    present: int
    dropped: int
    phases: tuple[int, int, int, int, int]
    contradictions: int
    orphans: int = 0

    @property
    def remediated(self) -> float | None:
        """``dropped / tracked``; None when nothing is tracked."""
        return self.dropped / self.tracked if self.tracked else None

    def value(self, key: str) -> int | float | None:
        """The total called ``key`` (a key of :data:`DEFINITIONS`)."""
        if key not in DEFINITIONS:
            raise KeyError(f"no total called {key!r}; known: {', '.join(ORDER)}")
        if key.startswith("phase"):
            return self.phases[int(key[5:])]
        value: int | float | None = getattr(self, key)
        return value

    def text(self, key: str) -> str:
        """The total called ``key`` as displayed (:func:`format_total`)."""
        return format_total(key, self.value(key))


def format_total(key: str, value: int | float | None) -> str:
    """How every surface writes a total: counts with thousands separators, shares to 0.1 %.

    >>> format_total("tracked", 1234), format_total("remediated", 0.2381), format_total("remediated", None)
    ('1,234', '23.8%', '–')
    """
    if value is None:
        return "–"
    if key == "remediated":
        return f"{value * 100:.1f}%"
    return f"{int(value):,}"


def totals_of(rows: Iterable[Status], orphans: Sequence[Record] = ()) -> Totals:
    """The totals of the statuses ``rows`` (and the orphaned records ``orphans``)."""
    rows = list(rows)
    phases = [0] * 5
    for s in rows:
        phases[s.phase] += 1
    dropped = sum(1 for s in rows if s.item.dropped)
    return Totals(
        tracked=len(rows),
        present=len(rows) - dropped,
        dropped=dropped,
        phases=(phases[0], phases[1], phases[2], phases[3], phases[4]),
        contradictions=sum(1 for s in rows if s.contradictions),
        orphans=len(orphans),
    )


def view_totals(view: RemediationView, service: str = "") -> Totals:
    """The totals of a :class:`~remediation.service.RemediationView` ('' for every service).

    Orphaned records count in the totals of every service only (an orphan has no key to belong to).
    """
    return totals_of(view.of(service), () if service else view.orphans)


def service_totals(view: RemediationView) -> list[tuple[str, Totals]]:
    """The totals of each dependent service of ``view``, by service name."""
    by: dict[str, list[Status]] = defaultdict(list)
    for s in view.of(""):
        by[s.service].append(s)
    return [(name, totals_of(by[name])) for name in sorted(by)]


def text_lines(t: Totals, keys: Sequence[str] = ORDER) -> list[str]:
    """``label: value -- definition`` lines, for the command line.

    >>> text_lines(Totals(2, 1, 1, (1, 0, 1, 0, 0), 0), ("dropped",))
    ['Dropped: 1 -- tracked keys the sources show as gone: dropped by a migration and in no live catalog, \
or absent from a scanned live catalog (phase 2 reached)']
    """
    return [f"{DEFINITIONS[k].label}: {t.text(k)} -- {DEFINITIONS[k].text}" for k in keys]


#: The per-service columns of the report's remediation table.
REPORT_COLUMNS = (
    "tracked",
    "present",
    "dropped",
    "remediated",
    *(f"phase{p}" for p in range(5)),
    "contradictions",
)


def _report(t: Totals, keys: Sequence[str]) -> tuple[ReportTotal, ...]:
    return tuple(ReportTotal(k, DEFINITIONS[k].label, t.text(k), DEFINITIONS[k].text) for k in keys)


def report_totals(view: RemediationView, service: str = "") -> TrackedTotals:
    """What the Markdown/HTML report shows of the tracked keys (``service``'s only when given)."""
    overall = view_totals(view, service)
    services = [(name, t) for name, t in service_totals(view) if not service or name == service]
    dropped = tuple(
        DroppedKey(
            s.item.fk.name, s.item.fk.table.qualified, s.item.ref_service, str(s.item.dropped_at or "")
        )
        for s in view.of(service)
        if s.item.dropped
    )
    return TrackedTotals(
        _report(overall, ORDER),
        tuple((name, _report(t, REPORT_COLUMNS)) for name, t in services),
        dropped,
        _pairs(view.of(service)),
    )


def _pairs(rows: Iterable[Status]) -> tuple[PairTotal, ...]:
    """Present and dropped tracked keys per dependent -> owner pair, sorted by pair."""
    by: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for s in rows:
        by[(s.service, s.item.ref_service)][1 if s.item.dropped else 0] += 1
    return tuple(PairTotal(a, b, present, dropped) for (a, b), (present, dropped) in sorted(by.items()))
