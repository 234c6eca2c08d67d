"""`fkmap scan`'s text report counts tracked keys as :mod:`remediation.totals` defines them, not FK edges.

On the demo one key (``bookmarks.user_id``) is dropped by a migration and added again: the graph has
two edges for it, one dropped, while the remediation totals count one present key. The report's
headline, remediation line and per-service blocks must give the totals' numbers, with inferred
references on or off (they are never tracked).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from ownership.scan import scan
from remediation.service import inventory_view
from remediation.totals import view_totals

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo"
HEADING = re.compile(r"^(\S+) (->|<-) (.+?) \((.*)\)$")


def _numbers(counts: str) -> tuple[int, int]:
    """FKs present and dropped of a heading's ``(13 FKs, 10 CASCADE; 1 dropped)``."""
    present = re.search(r"(\d+) FKs?,", counts)
    dropped = re.search(r"(\d+) dropped", counts)
    return int(present.group(1)) if present else 0, int(dropped.group(1)) if dropped else 0


@pytest.mark.parametrize("infer", [False, True], ids=["declared", "inferred-on"])
def test_the_text_report_gives_the_remediation_totals(infer: bool) -> None:
    result = CliRunner().invoke(main, ["scan", str(DEMO), *(["--infer"] if infer else [])])
    assert result.exit_code == 0, result.output
    text = result.output

    statuses = inventory_view(scan([str(DEMO)], infer=infer), None).of("")
    totals = view_totals(inventory_view(scan([str(DEMO)], infer=infer), None))
    assert totals.tracked and totals.dropped  # the demo has something to count

    headline = re.search(r"^Cross-service foreign keys: (\d+) \(", text, re.M)
    assert headline is not None and int(headline.group(1)) == totals.present
    remediation = re.search(r"^Remediation: (\d+) of (\d+) tracked", text, re.M)
    assert remediation is not None
    assert (int(remediation.group(1)), int(remediation.group(2))) == (totals.dropped, totals.tracked)
    if infer:  # inferred references are said apart and change none of the totals
        assert re.search(r"^Inferred references across services .*: \d+;", text, re.M)

    pairs: dict[tuple[str, str], tuple[int, int]] = {}
    into: dict[str, tuple[int, int]] = {}
    for line in text.splitlines():
        if m := HEADING.match(line):
            if m.group(2) == "->":
                pairs[(m.group(1), m.group(3))] = _numbers(m.group(4))
            else:
                into[m.group(1)] = _numbers(m.group(4))
    present = Counter((s.service, s.item.ref_service) for s in statuses if not s.item.dropped)
    dropped = Counter((s.service, s.item.ref_service) for s in statuses if s.item.dropped)
    for pair in present.keys() | dropped.keys():
        assert pairs[pair] == (present[pair], dropped[pair]), pair
    assert sum(p for p, _ in pairs.values()) == totals.present
    assert sum(d for _, d in pairs.values()) == totals.dropped
    for owner, numbers in into.items():
        expected = sum(n for (_, o), n in present.items() if o == owner)
        assert numbers == (expected, sum(n for (_, o), n in dropped.items() if o == owner)), owner
