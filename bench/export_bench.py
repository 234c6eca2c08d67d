"""Export speed and picture shape on a generated inventory (2,000 tables by default).

Not a unit test. Run ``.venv/bin/python bench/export_bench.py [--tables 2000] [--services 25] [--repeat 3]``.
Times (median of ``--repeat``) every picture ``fkmap export`` makes -- the service
diagram, one service's table diagram (an ordinary service and the hub every
other service references), both through Graphviz, and the whole table-level
picture through Plotly + Kaleido -- plus the text formats, and reports each
SVG's aspect ratio (a readable picture stays well under 4:1). Writes
``bench/out/exports.json``.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exports import EXPORTERS  # noqa: E402
from exports.images import ImageFormat, image_bytes  # noqa: E402
from graph.scope import Scope  # noqa: E402
from tests.graph.synthetic import synthetic_inventory  # noqa: E402


def _aspect(svg: bytes) -> float:
    m = re.search(rb'<svg[^>]*?width="([\d.]+)(?:pt|px)?"[^>]*?height="([\d.]+)(?:pt|px)?"', svg)
    if not m:
        return float("nan")
    w, h = float(m[1]), float(m[2])
    return max(w, h) / min(w, h)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tables", type=int, default=2000)
    ap.add_argument("--services", type=int, default=25)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    inv = synthetic_inventory(tables=args.tables, services=args.services)
    print(f"{len(inv.tables)} tables, {len(inv.foreign_keys)} FKs, {args.services} services")
    pictures: dict[str, tuple[ImageFormat, Scope]] = {
        "svg service level (graphviz)": ("svg", Scope()),
        "svg one service, svc03 (graphviz)": ("svg", Scope(service="svc03", level="tables")),
        "svg one service, auth hub (graphviz fdp)": ("svg", Scope(service="auth", level="tables")),
        "svg all tables (plotly+kaleido)": ("svg", Scope(level="tables")),
        "png all tables (plotly+kaleido)": ("png", Scope(level="tables")),
    }
    results = {}
    for name, (fmt, scope) in pictures.items():
        times, data = [], b""
        for _ in range(args.repeat):
            start = time.perf_counter()
            data = image_bytes(inv, fmt, scope=scope)
            times.append(time.perf_counter() - start)
        aspect = _aspect(data) if fmt == "svg" else float("nan")
        results[name] = {"seconds": round(statistics.median(times), 3), "bytes": len(data), "aspect": aspect}
        print(f"{name:45s} {statistics.median(times):7.2f} s  {len(data) / 1e6:6.2f} MB  aspect {aspect:.2f}")
    for text_fmt in ("dot", "mermaid", "graphml", "graph-json", "csv", "md", "html"):
        times = []
        for _ in range(args.repeat):
            out = io.StringIO()
            start = time.perf_counter()
            EXPORTERS[text_fmt](
                inv, out, scope=Scope(level="tables") if text_fmt in ("dot", "mermaid") else None
            )
            times.append(time.perf_counter() - start)
        results[text_fmt] = {"seconds": round(statistics.median(times), 3), "bytes": len(out.getvalue())}
        label = f"{text_fmt} (tables)" if text_fmt in ("dot", "mermaid") else text_fmt
        print(f"{label:45s} {statistics.median(times):7.2f} s")
    target = ROOT / "bench" / "out" / "exports.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        json.dumps({"tables": args.tables, "results": results}, indent=2) + "\n", encoding="utf-8"
    )
    print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
