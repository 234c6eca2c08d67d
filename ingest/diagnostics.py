"""At most :data:`MAX_PER_FILE` diagnostics per file, then one that says how many more.

A garbage file is one diagnostic per line: a megabyte of it gave 200,000 diagnostics and
half a gigabyte. :class:`PerFileCap` keeps the first ``limit`` diagnostics of each path
(in the order they come) and counts the others; :meth:`PerFileCap.result` adds, after
the last kept diagnostic of each such path, one ``too-many-diagnostics`` diagnostic
("... and K more in this file ..."), as severe as the worst one left out.

It is the one rule: :func:`ingest.registry.read_source`, which every reader's inventory
goes through, applies it (:func:`cap_per_file`), and the collectors that can flood --
the migration replayer, the Prisma parser -- use it as they go, so a flood never takes
memory. Applying it again changes nothing: a summary's count is added to the next one.

>>> from model.inventory import Diagnostic
>>> flood = [Diagnostic("error", f"bad {i}", "f.sql", i, code="parse-error") for i in range(1, 6)]
>>> kept = cap_per_file(flood, limit=2)
>>> [(d.line, d.code) for d in kept]
[(1, 'parse-error'), (2, 'parse-error'), (3, 'too-many-diagnostics')]
>>> kept[-1].message
'and 3 more diagnostics in this file, from line 3: only the first 2 of a file are kept'
>>> cap_per_file(cap_per_file(flood, limit=2), limit=2) == cap_per_file(flood, limit=2)
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from model.inventory import Diagnostic, Severity

__all__ = ["MAX_PER_FILE", "SUMMARY_CODE", "PerFileCap", "cap_per_file"]

#: Diagnostics kept per file (per ``path``).
MAX_PER_FILE = 100
#: Code of the diagnostic that counts the ones left out.
SUMMARY_CODE = "too-many-diagnostics"

_RANK: dict[str, int] = {"error": 0, "warning": 1, "info": 2}
_COUNT = re.compile(r"and ([\d,]+) more diagnostics")


class _Dropped:
    __slots__ = ("count", "line", "severity")

    def __init__(self, line: int, severity: Severity) -> None:
        self.count, self.line, self.severity = 0, line, severity


class PerFileCap:
    """Collects diagnostics, keeping the first ``limit`` of each path (see the module)."""

    def __init__(self, limit: int = MAX_PER_FILE) -> None:
        self.limit = limit
        self.kept: list[Diagnostic] = []
        self._per_path: dict[str, int] = {}
        self._dropped: dict[str, _Dropped] = {}

    def __len__(self) -> int:
        return len(self.kept)

    def add(self, d: Diagnostic) -> None:
        """Keep ``d``, or count it for its file's summary."""
        if d.code == SUMMARY_CODE:  # applied again: carry the count over
            m = _COUNT.search(d.message)
            self._drop(d, int(m.group(1).replace(",", "")) if m else 1)
            return
        kept = self._per_path.get(d.path, 0)
        if kept < self.limit:
            self._per_path[d.path] = kept + 1
            self.kept.append(d)
        else:
            self._drop(d, 1)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        for d in diagnostics:
            self.add(d)

    def _drop(self, d: Diagnostic, count: int) -> None:
        dropped = self._dropped.get(d.path)
        if dropped is None:
            dropped = self._dropped[d.path] = _Dropped(d.line, d.severity)
        dropped.count += count
        if _RANK.get(d.severity, 3) < _RANK.get(dropped.severity, 3):
            dropped.severity = d.severity

    def result(self) -> list[Diagnostic]:
        """The kept diagnostics, each file's summary after its last kept one."""
        if not self._dropped:
            return list(self.kept)
        last = {d.path: i for i, d in enumerate(self.kept)}
        after: dict[int, list[Diagnostic]] = {}
        for path, dropped in self._dropped.items():
            after.setdefault(last.get(path, len(self.kept)), []).append(self._summary(path, dropped))
        out: list[Diagnostic] = []
        for i, d in enumerate(self.kept):
            out.append(d)
            out += after.get(i, ())
        out += after.get(len(self.kept), ())
        return out

    def _summary(self, path: str, dropped: _Dropped) -> Diagnostic:
        where = f", from line {dropped.line}" if dropped.line else ""
        message = (
            f"and {dropped.count:,} more diagnostics in this file{where}: "
            f"only the first {self.limit:,} of a file are kept"
        )
        return Diagnostic(dropped.severity, message, path, dropped.line, "", SUMMARY_CODE)


def cap_per_file(diagnostics: Iterable[Diagnostic], limit: int = MAX_PER_FILE) -> list[Diagnostic]:
    """``diagnostics`` with at most ``limit`` per file, then one summary (see the module)."""
    cap = PerFileCap(limit)
    cap.extend(diagnostics)
    return cap.result()
