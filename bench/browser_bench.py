"""The browser part of ``make bench``: first paint and filter at the demo, 2,000 and 20,000 tables.

Not a unit test. :func:`measure_size` opens the dashboard in headless Chromium through
:mod:`bench.dashboard_bench` for one size -- ``"demo"`` (the bundled demo, scanned) or a number
of tables (``tests.ui.fixtures.generated``) -- and returns its figures; ``make bench`` runs each
size in a process of its own (:mod:`bench.child`) and :func:`with_ratios` adds each figure's
ratio to the demo's.

What is measured: :func:`bench.dashboard_bench.pages` -- first paint and one interaction of
the overview (opening its largest service) and of the table graph (unticking ON DELETE CASCADE),
in milliseconds, under ``pages``.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

__all__ = ["SIZES", "measure_size", "with_ratios"]

#: The sizes of the browser bench: the demo, then generated inventories of that many tables.
SIZES: tuple[str, ...] = ("demo", "2000", "20000")


def _inventory(size: str) -> Any:
    if size == "demo":
        from ownership.scan import scan

        return scan([str(ROOT / "examples" / "demo")])
    from tests.ui.fixtures import generated

    return generated(int(size))


def _measure(size: str, inv: Any, browser: Any) -> dict[str, Any]:
    from bench import dashboard_bench

    return {"pages": dashboard_bench.pages(inv, browser)}


def measure_size(size: str) -> dict[str, Any]:
    """Figures of one size (``"demo"`` or a table count), measured in a fresh Chromium."""
    from playwright.sync_api import sync_playwright

    from bench import dashboard_bench

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    inv = _inventory(size)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=dashboard_bench.CHROMIUM, args=dashboard_bench.ARGS)
        try:
            result = _measure(size, inv, browser)
        finally:
            browser.close()
    return {"size": size, "tables": len(inv.tables), "foreign_keys": len(inv.foreign_keys), **result}


def _numbers(d: dict[str, Any], prefix: str = "") -> dict[str, float]:
    out: dict[str, float] = {}
    for key, value in d.items():
        if isinstance(value, dict):
            out.update(_numbers(value, f"{prefix}{key}."))
        elif isinstance(value, int | float) and not isinstance(value, bool) and key.endswith("_ms"):
            out[f"{prefix}{key}"] = float(value)
    return out


def with_ratios(results: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """``results`` (size -> figures) with ``ratios``: each millisecond figure over the demo's.

    >>> demo, big = {"status": "ok", "t": {"paint_ms": 100}}, {"status": "ok", "t": {"paint_ms": 250}}
    >>> with_ratios({"demo": demo, "2000": big})["2000"]["ratios"]
    {'t.paint_ms': 2.5}
    """
    demo = results.get("demo", {})
    base = _numbers(demo) if demo.get("status") == "ok" else {}
    out = {}
    for size, figures in results.items():
        ratios = {
            k: round(v / base[k], 2) for k, v in _numbers(figures).items() if base.get(k) and size != "demo"
        }
        out[size] = {**figures, "ratios": ratios} if ratios else dict(figures)
    return out
