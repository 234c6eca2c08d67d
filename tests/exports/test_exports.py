"""Exporters: golden files, read-back into NetworkX, Graphviz rendering, hostile names, images.

Golden files live in tests/fixtures/golden/; ``UPDATE_GOLDEN=1 pytest tests/exports/test_exports.py``
rewrites them (review the diff before committing).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exports import EXPORTERS, FORMATS, ImageExportError, export
from exports._common import flat_service_graph, flat_table_graph, table_id
from exports.document import Heading
from exports.dot import dot_string, table_layout
from exports.images import DOT_MISSING, cluster_layout, image_bytes
from exports.markdown import md_code, md_text
from exports.mermaid import mermaid_label
from exports.report import build_report
from exports.sqlgen import drop_fk_sql, quote_ident
from graph.build import build_graph
from graph.scope import Scope, ScopeError, select_services, select_tables
from model.inventory import ForeignKey, Inventory, Location, Table, TableRef
from tests.exports.export_fixture import hostile_inventory, small_inventory
from tests.graph.synthetic import synthetic_inventory

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
SERVICES = ("auth", "content", "messaging")
CHROMIUM = os.environ.get("FKMAP_TEST_CHROMIUM", "/usr/bin/chromium")


def render(fmt: str, source: Inventory | nx.MultiDiGraph | None = None, **scope: Any) -> str:
    out = io.StringIO()
    EXPORTERS[fmt](small_inventory() if source is None else source, out, scope=Scope(**scope))
    return out.getvalue()


# -- golden files -------------------------------------------------------------------------------------

CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "services.dot": ("dot", {}),
    "tables.dot": ("dot", {"level": "tables"}),
    "messaging.dot": ("dot", {"level": "tables", "service": "messaging"}),
    "services.mmd": ("mermaid", {}),
    "tables.mmd": ("mermaid", {"level": "tables"}),
    "cross-only.mmd": ("mermaid", {"level": "tables", "cross_only": True}),
    "tables.graphml": ("graphml", {}),
    "services.graphml": ("graphml", {"level": "services"}),
    "tables.json": ("graph-json", {}),
    "services.json": ("graph-json", {"level": "services"}),
    "fks.csv": ("csv", {}),
    "services.csv": ("csv", {"level": "services"}),
    "impact.csv": ("impact-csv", {}),
    "report.md": ("md", {}),
    "content-report.md": ("md", {"service": "content"}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name: str) -> None:
    fmt, scope = CASES[name]
    text = render(fmt, **scope)
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    assert path.exists(), f"missing golden file {path}: run with UPDATE_GOLDEN=1"
    assert text == path.read_bytes().decode("utf-8"), f"{name} differs from its golden file"


def test_every_format_is_registered_with_a_writer() -> None:
    assert list(FORMATS) == [
        "dot",
        "mermaid",
        "graphml",
        "graph-json",
        "csv",
        "impact-csv",
        "md",
        "html",
        "svg",
        "png",
        "pdf",
        "table",
        "json",
        "drift-text",
        "drift-json",
        "check-text",
        "check-json",
        "check-github",
        "sql-drop",
        "sql-rollback",
        "sql-orphans",
        "plan-yaml",
        "plan-json",
    ]
    assert [f for f, spec in FORMATS.items() if spec.binary] == ["svg", "png", "pdf"]
    with pytest.raises(KeyError, match="unknown format 'xml': use one of dot, mermaid"):
        export("xml", small_inventory(), io.StringIO())


# -- read back into NetworkX ----------------------------------------------------------------------------

KEY_ATTRS = (
    "name",
    "columns",
    "ref_columns",
    "service",
    "ref_service",
    "cross_service",
    "on_delete",
    "origin",
    "state",
    "fresh_db_failure",
    "added_at",
)


def _source_graph() -> nx.MultiDiGraph:
    return build_graph(small_inventory(), include_dropped=True)


def _assert_same_as_source(H: nx.MultiDiGraph) -> None:
    G = _source_graph()
    assert sorted(H.nodes) == sorted(table_id(n) for n in G.nodes)
    for ref, data in G.nodes(data=True):
        node = H.nodes[table_id(ref)]
        assert (node["service"], node["owner"], node["external"], node["label"]) == (
            data["service"],
            data["owner"],
            data["external"],
            ref.qualified,
        )
    expected = Counter(
        (
            table_id(u),
            table_id(v),
            *(
                str(d[a]) if a not in ("cross_service", "fresh_db_failure") else d[a]
                for a in (
                    "service",
                    "ref_service",
                    "cross_service",
                    "on_delete",
                    "origin",
                    "state",
                    "fresh_db_failure",
                )
            ),
            d["fk"].name,
            ", ".join(d["fk"].columns),
            ", ".join(d["fk"].ref_columns),
            str(d["fk"].added_at),
        )
        for u, v, d in G.edges(data=True)
    )
    got = Counter(
        (
            u,
            v,
            d["service"],
            d["ref_service"],
            d["cross_service"],
            d["on_delete"],
            d["origin"],
            d["state"],
            d["fresh_db_failure"],
            d["name"],
            d["columns"],
            d["ref_columns"],
            d["added_at"],
        )
        for u, v, d in H.edges(data=True)
    )
    assert got == expected
    F = flat_table_graph(G)
    assert nx.utils.graphs_equal(nx.MultiDiGraph(H), F) or (
        dict(H.nodes(data=True)) == dict(F.nodes(data=True))
        and sorted((u, v, k, sorted(d.items())) for u, v, k, d in H.edges(keys=True, data=True))
        == sorted((u, v, k, sorted(d.items())) for u, v, k, d in F.edges(keys=True, data=True))
    )


def test_graphml_reads_back_equal_to_the_source_graph() -> None:
    H = nx.read_graphml(io.BytesIO(render("graphml").encode("utf-8")), force_multigraph=True)
    _assert_same_as_source(H)
    assert H.graph["generator"] == "fkmap" and H.graph["level"] == "tables"
    for _, _, d in H.edges(data=True):
        assert isinstance(d["cross_service"], bool) and isinstance(d["validated"], bool)


def test_json_reads_back_equal_to_the_source_graph() -> None:
    H = nx.node_link_graph(json.loads(render("graph-json")), edges="edges")
    assert isinstance(H, nx.MultiDiGraph)
    _assert_same_as_source(H)


def test_service_level_data_reads_back() -> None:
    S = select_services(_source_graph(), Scope())
    F = flat_service_graph(S)
    from_json = nx.node_link_graph(json.loads(render("graph-json", level="services")), edges="edges")
    from_graphml = nx.read_graphml(io.BytesIO(render("graphml", level="services").encode()))
    for H in (from_json, from_graphml):
        assert dict(H.nodes(data=True)) == dict(F.nodes(data=True))
        assert {(u, v): d for u, v, d in H.edges(data=True)} == {(u, v): d for u, v, d in F.edges(data=True)}
    assert from_json.edges["content", "auth"]["weight"] == 3
    assert from_json.edges["content", "auth"]["cascade"] == 1


def test_graphml_booleans_follow_the_schema() -> None:
    text = render("graphml")
    assert ">True<" not in text and ">False<" not in text
    assert '<data key="d22">true</data>' in text or ">true</data>" in text


# -- Graphviz ---------------------------------------------------------------------------------------------

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None and os.environ.get("CI") is None, reason="Graphviz 'dot' not installed"
)


def _svg(dot_source: str) -> str:
    done = subprocess.run(["dot", "-Tsvg"], input=dot_source.encode(), capture_output=True, check=True)
    return done.stdout.decode("utf-8")


@needs_dot
def test_table_dot_renders_with_one_cluster_per_service() -> None:
    svg = _svg(render("dot", level="tables"))
    root = ET.fromstring(svg)
    ns = {"s": "http://www.w3.org/2000/svg"}
    clusters = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "cluster"]
    titles = sorted(g.findtext("s:title", "", ns) for g in clusters)
    labels = sorted(t.text or "" for g in clusters for t in g.findall("s:text", ns))
    assert titles == [f"cluster_{s}" for s in SERVICES]
    assert labels == list(SERVICES)
    nodes = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "node"]
    assert len(nodes) == 8
    edges = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "edge"]
    assert len(edges) == 8  # the dropped FK is not drawn


@needs_dot
def test_service_dot_renders_every_service() -> None:
    svg = _svg(render("dot"))
    for s in SERVICES:
        assert f"<title>{s}</title>" in svg
    assert "<title>content&#45;&gt;auth</title>" in svg


@needs_dot
def test_per_service_diagram_svg_through_the_registry() -> None:
    out = io.BytesIO()
    EXPORTERS["svg"](small_inventory(), out, scope=Scope(service="content", level="tables"))
    svg = out.getvalue().decode()
    assert svg.startswith("<?xml")
    assert "<title>cluster_content</title>" in svg and "<title>cluster_auth</title>" in svg
    assert "<title>cluster_messaging</title>" in svg  # the inferred reference's target


def test_missing_dot_is_a_clear_message(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ImageExportError) as err:
        image_bytes(small_inventory(), "svg")
    assert str(err.value) == DOT_MISSING == "Graphviz 'dot' not found: install it (apt-get install graphviz)"


def test_dot_uses_fdp_for_a_hub_and_dot_otherwise() -> None:
    inv = synthetic_inventory(tables=400, services=8)
    G = build_graph(inv)
    assert table_layout(select_tables(G, Scope(service="auth", level="tables"))) == "fdp"
    assert table_layout(select_tables(G, Scope(service="svc03", level="tables"))) == "dot"
    assert "layout=fdp" in render("dot", inv, service="auth", level="tables")


def _aspect(svg: str) -> float:
    m = re.search(r'<svg width="(\d+)pt" height="(\d+)pt"', svg)
    assert m, svg[:300]
    w, h = int(m[1]), int(m[2])
    return max(w, h) / min(w, h)


@needs_dot
def test_2000_tables_stay_readable_and_fast(capsys: pytest.CaptureFixture[str]) -> None:
    inv = synthetic_inventory(tables=2000, services=25)
    assert len(inv.tables) == 2000
    timings = {}
    for name, scope in {
        "service level": Scope(),
        "per service (svc03, 80 tables)": Scope(service="svc03", level="tables"),
        "per service (auth hub, 700 tables)": Scope(service="auth", level="tables"),
    }.items():
        start = time.perf_counter()
        svg = image_bytes(inv, "svg", scope=scope).decode()
        timings[name] = time.perf_counter() - start
        assert _aspect(svg) < 4, f"{name}: a strip of {_aspect(svg):.1f}:1"
    with capsys.disabled():
        print(
            "\nSVG export of a 2,000-table inventory: "
            + ", ".join(f"{k} {v:.2f}s" for k, v in timings.items())
        )
    assert max(timings.values()) < 60


# -- Mermaid ----------------------------------------------------------------------------------------------

_MERMAID_LINE = re.compile(
    r'^(flowchart LR|end|subgraph s\d+\["[^"]*"\]|n\d+\["[^"]*"\]|n\d+ (-->|==>|-\.->)\|"[^"]*"\| n\d+'
    r"|linkStyle [\d,]+ stroke:#[0-9a-f]{6}|style n\d+ stroke-width:3px)$"
)


@pytest.mark.parametrize(
    "scope",
    [{}, {"level": "tables"}, {"service": 0}, {"service": 0, "level": "tables"}],
    ids=["services", "tables", "one-service", "one-service-tables"],
)
@pytest.mark.parametrize("hostile", [False, True], ids=["fixture", "hostile"])
def test_mermaid_is_structurally_valid(scope: dict[str, str | int], hostile: bool) -> None:
    if "service" in scope:
        scope = {**scope, "service": "svc" + BAD if hostile else "auth"}
    text = render("mermaid", hostile_inventory() if hostile else None, **scope)
    lines = [line.strip() for line in text.splitlines()]
    assert lines[0] == "flowchart LR"
    for line in lines:
        assert _MERMAID_LINE.match(line), line
    if scope.get("level") == "tables":
        assert sum(line.startswith("subgraph ") for line in lines) == sum(line == "end" for line in lines)


def test_mermaid_labels_escape_everything() -> None:
    assert mermaid_label('a"b') == '"a#quot;b"'
    assert mermaid_label("#quot;") == '"#35;quot#59;"'.replace("#59;", ";")
    assert mermaid_label("x\ny") == '"x#92;x0ay"'
    assert mermaid_label("<img src=x>") == '"#lt;img src=x#gt;"'


# -- hostile names, per format ----------------------------------------------------------------------------

BAD = 'a"b\\c<script>alert(1)</script>|`*_[x]'


def _hostile(fmt: str, **scope: object) -> str:
    return render(fmt, hostile_inventory(), **scope)


@needs_dot
@pytest.mark.parametrize("level", ["services", "tables"])
def test_hostile_dot(level: str) -> None:
    text = _hostile("dot", level=level)
    svg = _svg(text)
    root = ET.fromstring(svg)  # well-formed
    assert not [e for e in root.iter() if e.tag.endswith("script")]
    shown = "".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "<script>alert(1)</script>" in shown  # as text, not markup
    nodes = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "node"]
    assert len(nodes) == 2


def test_hostile_dot_strings() -> None:
    assert dot_string('say "hi" \\') == '"say \\"hi\\" \\\\"'
    assert dot_string("a\nb") == '"a\\\\x0ab"'


def test_hostile_graphml() -> None:
    text = _hostile("graphml")
    ET.fromstring(text.split("\n", 1)[1])
    H = nx.read_graphml(io.BytesIO(text.encode()), force_multigraph=True)
    G = build_graph(hostile_inventory())
    assert sorted(H.nodes) == sorted(table_id(n) for n in G)
    (edge,) = H.edges(data=True)
    assert edge[2]["name"] == "+fk" + BAD


def test_hostile_json_keeps_names_exactly() -> None:
    H = nx.node_link_graph(json.loads(_hostile("graph-json")), edges="edges")
    G = build_graph(hostile_inventory())
    assert sorted(H.nodes) == sorted(table_id(n) for n in G)
    (edge,) = H.edges(data=True)
    assert edge[2]["columns"] == "-c=cmd|' /C calc'!A0\n# heading"


@pytest.mark.parametrize("fmt", ["csv", "impact-csv"])
def test_hostile_csv_cells_never_start_a_formula(fmt: str) -> None:
    rows = list(csv.reader(io.StringIO(_hostile(fmt))))
    cells = [c for row in rows[1:] for c in row]
    assert rows[1:], "no rows"
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'+fk" + BAD in cells
    assert "'-c=cmd|' /C calc'!A0\n# heading" in cells or "'-c=cmd|' /C calc'!A0\n# heading" in " ".join(
        cells
    )


def test_csv_services_and_impact_columns() -> None:
    rows = list(csv.DictReader(io.StringIO(render("impact-csv", service="messaging"))))
    assert [(r["direction"], r["other_service"], r["name"], r["state"]) for r in rows] == [
        ("outgoing", "auth", "conversations_created_by_fkey", "present"),
        ("outgoing", "auth", "messages_sender_id_fkey", "dropped"),
        ("incoming", "content", "comments_conversation_id", "present"),
    ]


def _md_table_cells(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line)) - 1


def _outside_code(text: str) -> str:
    """Markdown text with fenced blocks and code spans removed (CommonMark's backtick-run matching)."""
    text = re.sub(r"^(`{3,})[^\n]*\n.*?^\1$", "", text, flags=re.S | re.M)
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\":
            out.append(text[i : i + 2])
            i += 2
            continue
        m = re.match(r"`+", text[i:])
        if m:
            run = m.group()
            close = re.search(f"(?<!`){run}(?!`)", text[i + len(run) :])
            if close:
                i += len(run) + close.end()
                continue
        out.append(text[i])
        i += 1
    return "".join(out)


def test_hostile_markdown() -> None:
    text = _hostile("md")
    plain = _outside_code(text)
    assert (
        re.findall(
            r"(?<!\\)[<>*_\[\]`|]",
            "\n".join(
                line
                for line in plain.splitlines()
                if not line.startswith("|") and not line.startswith("#") and "**" not in line
            ),
        )
        == []
    )
    assert "\\<script\\>" in plain
    for line in text.splitlines():
        if line.startswith("|"):
            header_cells = _md_table_cells(line)
            assert header_cells >= 2
    tables = [block for block in text.split("\n\n") if block.startswith("|")]
    for block in tables:
        counts = {_md_table_cells(line) for line in block.splitlines()}
        assert len(counts) == 1, block
    assert "\n# heading" not in text


def test_markdown_escapes_a_leading_block_marker() -> None:
    from exports.document import Bullets, Para, Report
    from exports.markdown import render_markdown

    text = render_markdown(Report("t", (Bullets((("-x",), ("1. y",))), Para(("+ z",)))))
    assert text == "# t\n\n- \\-x\n- 1\\. y\n\n\\+ z\n"


def test_markdown_escaping_helpers() -> None:
    assert md_text("a|b") == "a\\|b"
    assert md_text("*x* _y_ [z](u) <b> `c` #h &amp; !i ~s\\") == (
        "\\*x\\* \\_y\\_ \\[z\\](u) \\<b\\> \\`c\\` \\#h \\&amp; \\!i \\~s\\\\"
    )
    assert md_text("a\nb") == "a\\\\x0ab"
    assert md_code("a`b") == "``a`b``"
    assert md_code("`a") == "`` `a ``"
    assert md_code("a|b", in_table=True) == "`a\\|b`"


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_hostile_html() -> None:
    text = _hostile("html")
    parser = _Collect()
    parser.feed(text)
    assert "script" not in parser.tags
    assert set(parser.tags) <= {
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "h1",
        "h2",
        "h3",
        "p",
        "ul",
        "li",
        "strong",
        "code",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "pre",
    }
    assert any("<script>alert(1)</script>" in t for t in parser.text)


def test_hostile_sql_quotes_identifiers() -> None:
    inv = hostile_inventory()
    (fk,) = inv.foreign_keys
    assert drop_fk_sql(fk) == (
        'ALTER TABLE "sch""ema"."t1a""b\\c<script>alert(1)</script>|`*_[x]" '
        'DROP CONSTRAINT IF EXISTS "+fka""b\\c<script>alert(1)</script>|`*_[x]";'
    )
    assert (
        quote_ident("users") == "users"
        and quote_ident("user") == '"user"'
        and quote_ident("Users") == '"Users"'
    )
    assert (
        quote_ident("select") == '"select"' and quote_ident("name") == "name" and quote_ident("a$1") == "a$1"
    )
    md = _hostile("md")
    sql = md.split("```sql\n", 1)[1].split("\n```", 1)[0]
    comments = [line for line in sql.splitlines() if line.startswith("--")]
    statements = [line for line in sql.splitlines() if not line.startswith("--")]
    assert len(statements) == 1 and statements[0] == drop_fk_sql(fk)
    assert len(comments) == 3


@needs_dot
def test_hostile_svg_through_graphviz() -> None:
    out = io.BytesIO()
    EXPORTERS["svg"](hostile_inventory(), out, scope=Scope(level="tables", service="svc" + BAD))
    root = ET.fromstring(out.getvalue())
    assert not [e for e in root.iter() if e.tag.endswith("script")]


# -- scope ------------------------------------------------------------------------------------------------


def test_unknown_service_suggests_the_closest() -> None:
    with pytest.raises(ScopeError, match=r"unknown service 'mesaging'\. Did you mean 'messaging'\?"):
        render("dot", service="mesaging")
    with pytest.raises(ScopeError, match=r"Known services: auth, content, messaging\."):
        render("dot", service="zzz")


def test_exporters_accept_a_graph_too() -> None:
    G = build_graph(small_inventory(), include_dropped=True)
    assert render("csv", G) == render("csv")
    assert render("dot", G, level="tables") == render("dot", level="tables")
    assert "Not available: the report was made from a graph" in render("md", G)


def test_exporters_do_not_modify_their_input() -> None:
    G = build_graph(small_inventory(), include_dropped=True)
    before = (list(G.nodes(data=True)), list(G.edges(keys=True, data=True)), dict(G.graph))
    for fmt in ("dot", "mermaid", "graphml", "graph-json", "csv", "impact-csv", "md", "html"):
        render(fmt, G, level="tables")
    assert before == (list(G.nodes(data=True)), list(G.edges(keys=True, data=True)), dict(G.graph))


# -- report -----------------------------------------------------------------------------------------------


def test_report_sections_and_figures() -> None:
    report = build_report(small_inventory())
    headings = [b.text for b in report.blocks if isinstance(b, Heading) and b.level == 2]
    assert headings == [
        "Executive summary",
        "Service dependencies",
        "Migration files adding cross-service FKs",
        "Service-by-service impact",
        "Cascade chains",
        "Service cycles",
        "Remediation status",
        "Phase 2 SQL: drop the foreign keys",
        "Diagnostics",
    ]
    md = render("md")
    # the fixture's one inferred reference is counted apart, never as a foreign key to remediate
    assert "- **Foreign keys:** 7 present, **4 across service boundaries** (2 service dependencies)" in md
    assert "- **Inferred references:** 1 across services" in md
    assert "- **Remediation:** 1 of 5 cross-service FKs dropped (20%)" in md
    assert "| messaging | 1 | 1 | 2 | 50% |" in md


def test_report_phase_mapping_can_come_from_outside() -> None:
    def phase(fk: object) -> str:
        return "Phase 1: app checks" if getattr(fk, "name", "") == "posts_user_id_fkey" else "FK present"

    md = io.StringIO()
    from exports.markdown import render_markdown

    md.write(render_markdown(build_report(small_inventory(), phase_of=phase)))
    assert "| Service | FK present | Phase 1: app checks | Total | Dropped |" in md.getvalue()
    assert "| content | 2 | 1 | 3 | 0% |" in md.getvalue()


def test_html_report_has_the_same_sections() -> None:
    text = render("html")
    assert text.startswith("<!DOCTYPE html>")
    for heading in ("Executive summary", "Cascade chains", "Remediation status", "Diagnostics"):
        assert f"<h2>{heading}</h2>" in text
    assert "ALTER TABLE public.posts DROP CONSTRAINT IF EXISTS posts_user_id_fkey;" in text


# -- the whole picture (Plotly + Kaleido + Chromium) ----------------------------------------------------


def test_cluster_layout_is_deterministic_and_separates_services() -> None:
    G = build_graph(synthetic_inventory(tables=300, services=6))
    pos, circles = cluster_layout(G)
    assert pos == cluster_layout(G)[0]
    assert len(pos) == G.number_of_nodes()
    for ref, (x, y) in pos.items():
        cx, cy, r = circles[G.nodes[ref]["service"]]
        assert (x - cx) ** 2 + (y - cy) ** 2 <= r * r + 1e-9
    names = sorted(circles)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            (ax, ay, ar), (bx, by, br) = circles[a], circles[b]
            assert (ax - bx) ** 2 + (ay - by) ** 2 >= (ar + br) ** 2


def _need_chromium() -> None:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        message = f"Chromium is required for this test but unavailable: {CHROMIUM} not found"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@pytest.mark.browser
def test_kaleido_png_and_svg_of_the_table_level_picture() -> None:
    _need_chromium()
    png = io.BytesIO()
    EXPORTERS["png"](small_inventory(), png, scope=Scope(level="tables"))
    data = png.getvalue()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width >= 800 and 0.5 < width / height < 2
    svg = image_bytes(hostile_inventory(), "svg", scope=Scope(level="tables")).decode()
    root = ET.fromstring(svg)
    assert not [e for e in root.iter() if e.tag.endswith("script")]
    shown = "".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "<script>alert(1)</script>" in shown  # as text, not markup
    svg = image_bytes(small_inventory(), "svg", scope=Scope(level="tables")).decode()
    for s in SERVICES:
        assert f">{s}<" in svg


# -- never raises -------------------------------------------------------------------------------------------

_names = st.text(min_size=1, max_size=10)


@settings(
    max_examples=int(os.environ.get("FKMAP_HYPOTHESIS_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(_names, _names, _names, _names, _names, st.sampled_from(["CASCADE", "SET NULL", "NO ACTION"]))
def test_text_exports_never_raise_and_stay_parseable(
    t1: str, t2: str, s1: str, s2: str, col: str, action: str
) -> None:
    a, b = TableRef("db", "public", t1), TableRef("db2", "public", t2 + "_")
    inv = Inventory(
        tables=(Table(a, service=s1), Table(b, service=s2 + "_")),
        foreign_keys=(ForeignKey(col, a, (col,), b, (col,), on_delete=action, added_at=Location(col, 1)),),
    )
    for fmt in ("dot", "mermaid", "graphml", "graph-json", "csv", "impact-csv", "md", "html"):
        for level in ("services", "tables"):
            text = render(fmt, inv, level=level)
            if fmt == "graphml":
                ET.fromstring(text.split("\n", 1)[1])
            elif fmt == "graph-json":
                json.loads(text)
            elif fmt == "mermaid":
                assert all(_MERMAID_LINE.match(line.strip()) for line in text.splitlines())
            elif fmt == "dot" and shutil.which("dot"):
                root = ET.fromstring(_svg(text))
                assert (
                    len([g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "node"])
                    == 2
                )


def test_report_names_the_services_without_coupling() -> None:
    from model.inventory import ForeignKey, Inventory, Table, TableRef

    users, posts, jobs = (TableRef("d", "public", n) for n in ("users", "posts", "jobs"))
    inv = Inventory(
        tables=(Table(users, service="auth"), Table(posts, service="content"), Table(jobs, service="queue")),
        foreign_keys=(ForeignKey("posts_user_id_fkey", posts, ("user_id",), users, ("id",)),),
    )
    out = io.StringIO()
    export("md", inv, out)
    assert "**Services:** 3 (2 coupled by cross-service FKs; not coupled: queue)" in out.getvalue()
