"""Names are data: every output of the hostile repository (tests/hostile.py) is read back by a real
parser of its format, and the names come back as text -- never as markup, formulas or commands.

One test per format, all on the same repository, ingested for real.
"""

from __future__ import annotations

import csv
import html.parser
import io
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner

import tests.hostile as h
from exports import export
from exports._common import table_id
from exports.graphml import xml_text
from graph.build import build_graph
from graph.scope import Level, Scope
from model.escape import clean_text, display_text
from model.inventory import ForeignKey, Inventory

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return h.write_hostile_repo(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def inv(repo: Path) -> Inventory:
    return h.hostile_inventory(repo)


def text_of(name: str, inv: Inventory, **kw: Any) -> str:
    out = io.StringIO()
    export(name, inv, out, **kw)
    return out.getvalue()


def present(inv: Inventory) -> list[ForeignKey]:
    return [fk for fk in inv.foreign_keys if fk.state == "present"]


def test_the_fixture_is_hostile_and_ingested(inv: Inventory) -> None:
    names = {t.ref.name for t in inv.tables}
    assert set(h.TABLES) <= names
    assert {c.name for t in inv.tables for c in t.columns} >= set(h.COLUMNS)
    assert set(h.CONSTRAINTS) <= {fk.name for fk in inv.foreign_keys}
    assert {s.name for s in inv.services} == {"auth", h.EVIL_SERVICE, h.LEGACY_SERVICE}
    outside_auth = [fk for fk in present(inv) if fk.table.database != "services/auth/migrations"]
    assert len(outside_auth) == 12  # 11 cross-service and one within the evil service
    assert [d.excerpt for d in inv.diagnostics if d.code == "parse-error"] == [
        "CREATE TABLE <script>alert('d')</script> ("
    ]
    assert any(fk.added_at and fk.added_at.path.endswith(h.NEWLINE_FILE) for fk in inv.foreign_keys)


# ----------------------------------------------------------------------------------------- DOT, SVG


def _graphviz(dot_source: str, fmt: str) -> str:
    dot = shutil.which("dot")
    assert dot, "Graphviz 'dot' is required (apt-get install graphviz)"
    run = subprocess.run([dot, f"-T{fmt}"], input=dot_source, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return run.stdout


def _dot_lexed(text: str) -> str:
    """What Graphviz's lexer makes of a name written by dot_string (only \\" is an escape)."""
    return clean_text(text).replace("\\", "\\\\")


def test_dot_is_parsed_by_graphviz_into_exactly_the_tables_and_fks(inv: Inventory) -> None:
    G = build_graph(inv)
    parsed = json.loads(_graphviz(text_of("dot", inv, scope=Scope(level="tables")), "json"))
    nodes = [o for o in parsed["objects"] if "nodes" not in o]  # clusters carry a 'nodes' list
    assert sorted(o["name"] for o in nodes) == sorted(_dot_lexed(table_id(ref)) for ref in G.nodes)
    assert len(parsed.get("edges", [])) == G.number_of_edges()
    clusters = sorted(o["label"] for o in parsed["objects"] if "nodes" in o)
    assert clusters == sorted(_dot_lexed(s) for s in ("auth", h.EVIL_SERVICE, h.LEGACY_SERVICE))
    services = json.loads(_graphviz(text_of("dot", inv), "json"))
    assert sorted(o["name"] for o in services["objects"]) == sorted(
        _dot_lexed(s) for s in ("auth", h.EVIL_SERVICE, h.LEGACY_SERVICE)
    )


SVG_ELEMENTS = {"svg", "g", "title", "polygon", "path", "text", "ellipse", "polyline", "a", "defs"}


def _svg_check(data: bytes) -> list[str]:
    root = ET.fromstring(data)
    texts = []
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        assert tag in SVG_ELEMENTS, tag
        assert not [a for a in el.attrib if a.lower().startswith("on")], el.attrib
        for attr, value in el.attrib.items():
            assert not value.strip().lower().startswith("javascript:"), (attr, value)
        if el.text:
            texts.append(el.text)
    return texts


def test_svg_pictures_hold_names_as_text(inv: Inventory) -> None:
    out = io.BytesIO()
    export("svg", inv, out)
    texts = _svg_check(out.getvalue())
    assert clean_text(h.EVIL_SERVICE) in texts
    out = io.BytesIO()
    export("svg", inv, out, scope=Scope(service=h.EVIL_SERVICE, level="tables"))
    texts = _svg_check(out.getvalue())
    assert f"public.{clean_text(h.T_MERMAID)}" in texts
    assert f"public.{clean_text(h.T_TERMINAL)}" in texts


# ----------------------------------------------------------------------------------------- Mermaid

_MERMAID_ENTITIES = {
    "#35;": "#",
    "#quot;": '"',
    "#lt;": "<",
    "#gt;": ">",
    "#amp;": "&",
    "#96;": "`",
    "#124;": "|",
    "#91;": "[",
    "#93;": "]",
    "#123;": "{",
    "#125;": "}",
    "#92;": "\\",
}
_PLAIN = r'[^"#<>`|\[\]{}\\\n]*'
_LABEL = rf'"{_PLAIN}(?:(?:#(?:35|quot|lt|gt|amp|96|124|91|93|123|125|92);|<br>){_PLAIN})*"'
_MERMAID_LINE = re.compile(
    rf"(?:flowchart LR|end|subgraph s\d+\[{_LABEL}\]|n\d+\[{_LABEL}\]"
    rf"|n\d+ (?:-->|==>|-\.->)\|{_LABEL}\| n\d+|linkStyle [\d,]+ stroke:#[0-9a-f]{{6}}"
    rf"|style n\d+ stroke-width:3px)"
)


def _mermaid_labels(text: str) -> list[str]:
    labels = []
    for line in text.splitlines():
        assert _MERMAID_LINE.fullmatch(line.strip()), f"not a plain Mermaid statement: {line!r}"
        for raw in re.findall(_LABEL, line):
            label = re.sub(
                "|".join(map(re.escape, _MERMAID_ENTITIES)), lambda m: _MERMAID_ENTITIES[m[0]], raw
            )
            labels.extend(label[1:-1].split("<br>"))
    return labels


def test_mermaid_statements_are_plain_and_labels_decode_to_the_names(inv: Inventory) -> None:
    labels = _mermaid_labels(text_of("mermaid", inv, scope=Scope(level="tables")))
    G = build_graph(inv)
    for ref in G.nodes:
        assert clean_text(ref.qualified) in labels
    for service in ("auth", h.EVIL_SERVICE, h.LEGACY_SERVICE):
        assert clean_text(service) in labels
    assert clean_text(f"{h.C_PLUS} ON DELETE CASCADE") in labels
    services = _mermaid_labels(text_of("mermaid", inv))
    assert clean_text(h.LEGACY_SERVICE) in services


# ----------------------------------------------------------------------------------------- GraphML, JSON


def test_graphml_reads_back_with_every_name(inv: Inventory) -> None:
    text = text_of("graphml", inv, scope=Scope(level="tables"))
    G = nx.read_graphml(io.BytesIO(text.encode()), force_multigraph=True)
    full = build_graph(inv, include_dropped=True)
    assert sorted(G.nodes) == sorted(xml_text(table_id(ref)) for ref in full.nodes)
    assert sorted(d["name"] for _, d in G.nodes(data=True)) == sorted(xml_text(r.name) for r in full.nodes)
    fk_names = sorted(d["name"] for _, _, d in G.edges(data=True))
    assert fk_names == sorted(xml_text(d["fk"].name) for _, _, d in full.edges(data=True))
    services = nx.read_graphml(io.BytesIO(text_of("graphml", inv, scope=Scope(level="services")).encode()))
    assert h.EVIL_SERVICE in services and h.LEGACY_SERVICE in services


def test_graph_json_reads_back_with_every_name_exactly(inv: Inventory) -> None:
    G = nx.node_link_graph(json.loads(text_of("graph-json", inv)), edges="edges")
    full = build_graph(inv, include_dropped=True)
    assert sorted(G.nodes) == sorted(table_id(ref) for ref in full.nodes)
    assert sorted(d["name"] for _, _, d in G.edges(data=True)) == sorted(
        d["fk"].name for _, _, d in full.edges(data=True)
    )


def test_scan_json_document_round_trips_every_name(inv: Inventory) -> None:
    from exports.scan_json import render_json
    from ingest.saved import load_document

    back = load_document(json.loads(render_json(inv)))
    assert back.tables == inv.tables
    assert back.foreign_keys == inv.foreign_keys
    assert back.diagnostics == inv.diagnostics


# ----------------------------------------------------------------------------------------- CSV


def _csv_rows(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text)))
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(FORMULA_START), f"formula cell: {cell!r}"
    return rows


def _unneutralised(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_START) else cell


@pytest.mark.parametrize("level", ["tables", "services"])
def test_csv_cells_are_never_formulas_and_read_back(inv: Inventory, level: Level) -> None:
    rows = _csv_rows(text_of("csv", inv, scope=Scope(level=level)))
    header, body = rows[0], rows[1:]
    if level == "tables":
        names = [_unneutralised(r[header.index("name")]) for r in body]
        assert sorted(names) == sorted(fk.name for fk in inv.foreign_keys if fk.table.database)
        columns = {_unneutralised(r[header.index("columns")]) for r in body}
        assert {h.C_PLUS, h.C_MINUS, h.C_AT, h.C_MYSQL} <= columns
    else:
        assert {_unneutralised(r[0]) for r in body} == {h.EVIL_SERVICE, h.LEGACY_SERVICE}


def test_impact_csv_cells_are_never_formulas(inv: Inventory) -> None:
    rows = _csv_rows(text_of("impact-csv", inv))
    services = {_unneutralised(r[0]) for r in rows[1:]}
    assert services == {"auth", h.EVIL_SERVICE, h.LEGACY_SERVICE}


# ----------------------------------------------------------------------------------------- Markdown, HTML


class _Tags(html.parser.HTMLParser):
    """Every tag, attribute and the text of an HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


REPORT_TAGS = {"h1", "h2", "h3", "h4", "p", "ul", "li", "table", "thead", "tbody", "tr", "th", "td"}
REPORT_TAGS |= {"code", "pre", "strong"}


def _parsed(html_text: str) -> _Tags:
    p = _Tags()
    p.feed(html_text)
    p.close()
    return p


def test_markdown_report_renders_no_markup_from_names(inv: Inventory) -> None:
    from markdown_it import MarkdownIt

    md = text_of("md", inv)
    rendered = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(md)
    p = _parsed(rendered)
    assert {tag for tag, _ in p.tags} <= REPORT_TAGS, {tag for tag, _ in p.tags} - REPORT_TAGS
    assert not p.comments
    assert all(
        attrs in ([], [("class", "language-sql")], [("style", "text-align:right")]) for _, attrs in p.tags
    )
    text = "".join(p.text)
    for name in (h.EVIL_SERVICE, h.LEGACY_SERVICE, h.T_SCRIPT, h.T_IMG, h.T_MARKDOWN, h.C_PLUS, h.K_BOLD):
        assert clean_text(name) in text, name
    # every table row has as many cells as its header
    for table in re.findall(r"<table>.*?</table>", rendered, re.S):
        header = len(re.findall("<th[ >]", table.split("</thead>")[0]))
        for row in re.findall(r"<tr>(.*?)</tr>", table.split("</thead>")[1], re.S):
            assert len(re.findall("<td", row)) == header


def test_html_report_holds_names_as_text_only(inv: Inventory) -> None:
    p = _parsed(text_of("html", inv))
    allowed = REPORT_TAGS | {"html", "head", "meta", "title", "style", "body"}
    assert {tag for tag, _ in p.tags} <= allowed
    for tag, attrs in p.tags:
        for attr, _value in attrs:
            assert attr in ("class", "lang", "charset", "name", "content"), (tag, attr)
    text = "".join(p.text)
    for name in (h.EVIL_SERVICE, h.T_SCRIPT, h.T_IMG, h.K_BOLD, h.K_MYSQL, h.T_MARKDOWN):
        assert clean_text(name) in text, name


# ----------------------------------------------------------------------------------------- SQL


def _fk_rows(inv: Inventory, database: str) -> list[tuple[ForeignKey, str]]:
    G = build_graph(inv)
    return [
        (d["fk"], d["ref_service"]) for _, _, d in G.edges(data=True) if d["fk"].table.database == database
    ]


def _pg_statements(script: str) -> list[dict[str, Any]]:
    from pglast.parser import parse_sql_json

    return [s["stmt"] for s in json.loads(parse_sql_json(script))["stmts"]]


def test_generated_postgresql_uses_quoted_identifiers_that_parse_back(inv: Inventory) -> None:
    from exports.sqlgen import drop_script, orphan_checks_script, rollback_script

    rows = _fk_rows(inv, "services/evil/migrations")
    assert rows
    drops = [s["AlterTableStmt"] for s in _pg_statements(drop_script(rows)) if "AlterTableStmt" in s]
    assert [(d["relation"]["relname"], d["cmds"][0]["AlterTableCmd"]["name"]) for d in drops] == [
        (fk.table.name, fk.name) for fk, _ in rows
    ]
    adds = [s["AlterTableStmt"] for s in _pg_statements(rollback_script(rows)) if "AlterTableStmt" in s]
    constraints = [
        a["cmds"][0]["AlterTableCmd"]["def"]["Constraint"]
        for a in adds
        if "def" in a["cmds"][0]["AlterTableCmd"]
    ]
    assert [(c["conname"], c["pktable"]["relname"]) for c in constraints] == [
        (fk.name, fk.ref_table.name) for fk, _ in rows
    ]
    assert len(_pg_statements(orphan_checks_script(rows))) == len(rows)
    for script in (drop_script(rows), rollback_script(rows), orphan_checks_script(rows)):
        assert clean_text(script.replace("\n", " ")) == script.replace("\n", " "), "raw control characters"


def test_generated_mysql_uses_backquoted_identifiers_that_parse_back(inv: Inventory) -> None:
    import sqlglot

    from exports.sqlgen import drop_script

    rows = _fk_rows(inv, "services/legacy/migrations")
    parsed = [e for e in sqlglot.parse(drop_script(rows, dialect="mysql"), read="mysql") if e is not None]
    alters = [e for e in parsed if e.key == "alter"]
    assert [(a.this.name, a.args["actions"][0].args["tables"][0].name) for a in alters] == [
        (h.T_MYSQL, h.K_MYSQL)
    ]


@pytest.mark.postgres
def test_generated_scripts_run_on_postgresql_and_touch_only_the_keys(
    inv: Inventory, repo: Path, fresh_database: Any
) -> None:
    import psycopg

    from exports.sqlgen import drop_script, rollback_script
    from ingest.migrations.split import split_statements

    dsn = fresh_database()
    with psycopg.connect(dsn, autocommit=True) as conn:
        evil = "services/evil/migrations/"
        for rel in (
            "services/auth/migrations/001_users.sql",
            *(evil + f for f in ("001_evil.sql", h.EVIL_FILE, h.NEWLINE_FILE)),
        ):
            for st in split_statements((repo / rel).read_bytes().decode()):  # keep \r as written
                try:
                    conn.execute(st.text.encode())
                except psycopg.errors.SyntaxError:
                    assert "<script>alert('d')" in st.text  # the one broken statement

        def keys() -> set[tuple[str, str]]:
            rows = conn.execute(
                "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE contype = 'f'"
            ).fetchall()
            return {(r[0], r[1]) for r in rows}

        def tables() -> int:
            row = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname <> 'pg_catalog'").fetchone()
            return int(row[0]) if row else 0

        before, count = keys(), tables()
        rows = _fk_rows(inv, "services/evil/migrations")
        assert len(before) == len(rows) == 11
        conn.execute(drop_script(rows).encode())
        assert keys() == set() and tables() == count  # "fk\nDROP TABLE users; --" stayed a name
        conn.execute(rollback_script(rows).encode())
        assert keys() == before


# ----------------------------------------------------------------------------------------- text reports


def _assert_clean_lines(text: str) -> None:
    for line in text.split("\n"):
        assert clean_text(line) == line, f"raw control or bidi character in {line!r}"


def test_table_report_is_one_line_per_row_without_terminal_escapes(inv: Inventory) -> None:
    from exports.text_report import render_table

    text = render_table(inv)
    _assert_clean_lines(text)
    assert not [line for line in text.splitlines() if line.startswith("::")]
    for name in (h.T_NEWLINE, h.T_TERMINAL, h.T_UNICODE, h.T_DOT, h.EVIL_SERVICE):
        assert display_text(name) in text, name
    rows = [
        line
        for line in text.splitlines()
        if re.match(r"  \S.* -> \S.*\((.*)\)\s+(CASCADE|NO ACTION|SET NULL)", line)
    ]
    cross = [d for _, _, d in build_graph(inv, include_dropped=True).edges(data=True) if d["cross_service"]]
    assert len(rows) == len(cross) == 11  # 10 present, 1 dropped


def test_cli_scan_table_and_json_outputs(repo: Path, inv: Inventory) -> None:
    from cli import main

    runner = CliRunner()
    table = runner.invoke(main, ["scan", str(repo)])
    assert table.exit_code == 0, table.output
    _assert_clean_lines(table.output)
    doc = runner.invoke(main, ["scan", str(repo), "--format", "json"])
    assert json.loads(doc.output)["summary"]["cross_service_fks"] == 10


def test_diff_text_keeps_names_on_their_line(repo: Path, tmp_path: Path) -> None:
    from cli import main

    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "001.sql").write_text("CREATE TABLE users (id int PRIMARY KEY);\n")
    result = CliRunner().invoke(main, ["diff", str(repo), str(empty)])
    assert result.exit_code == 1, result.output
    _assert_clean_lines(result.output)
    only_a = [line for line in result.output.splitlines() if line.startswith("  - ")]
    assert len(only_a) == 12  # every present FK of the repository


# ----------------------------------------------------------------------------------------- fkmap check

_COMMAND = re.compile(r"::error (?P<props>[^:]*)::(?P<data>.*)")


def _unescape_data(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _unescape_prop(text: str) -> str:
    return _unescape_data(text.replace("%3A", ":").replace("%2C", ","))


def test_github_annotations_follow_the_workflow_command_escapes(
    repo: Path, inv: Inventory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each finding is one ``::error`` command; its properties and message decode to the real values."""
    from cli import main

    monkeypatch.chdir(repo.parent)
    result = CliRunner().invoke(main, ["check", str(repo), "--format", "github", "--baseline", "none.json"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[-1].startswith("fkmap check: FAILED: 10 new")
    commands = [_COMMAND.fullmatch(line) for line in lines[:-1]]
    assert all(commands), lines
    files = set()
    for m in commands:
        assert m is not None
        props = dict(p.split("=", 1) for p in m["props"].split(","))
        assert set(props) == {"file", "line", "title"}
        files.add(Path(_unescape_prop(props["file"])).name)
        message = _unescape_data(m["data"])
        assert clean_text(message) == message  # no line break, escape or bidi control reaches the log
    assert h.EVIL_FILE in files and h.NEWLINE_FILE in files
    data = "\n".join(_unescape_data(m["data"]) for m in commands if m)
    assert clean_text(h.K_NEWLINE) in data and clean_text(h.T_TERMINAL) in data


def test_check_text_and_json(repo: Path) -> None:
    from cli import main

    result = CliRunner().invoke(main, ["check", str(repo)])
    _assert_clean_lines(result.stdout)
    assert len(result.stdout.splitlines()) == 11  # 10 findings and the summary
    doc = json.loads(CliRunner().invoke(main, ["check", str(repo), "--format", "json"]).stdout)
    assert {f["entry"]["name"] for f in doc["new"]} >= set(h.CONSTRAINTS) - {h.K_PIPE} | {h.K_PIPE}


# ----------------------------------------------------------------------------------------- dashboard pages


def _walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


FORBIDDEN_TYPES = {"Markdown", "Iframe", "Script", "Embed", "ObjectEl"}
FORBIDDEN_PROPS = {"dangerously_allow_html", "dangerouslySetInnerHTML", "srcDoc", "highlight_config"}


def _plotly_texts(figure: dict[str, Any]) -> list[str]:
    """Strings Plotly renders with its pseudo-HTML (labels, ticks, hover templates, titles)."""
    found = []
    for item in _walk(figure):
        if isinstance(item, dict):
            for key, value in item.items():
                if key in ("x", "y", "text", "hovertext", "ticktext", "name", "customdata", "hovertemplate"):
                    found += [v for v in _walk(value) if isinstance(v, str)]
    return found


def _check_page(response: dict[str, Any]) -> list[str]:
    strings: list[str] = []
    for item in _walk(response):
        if isinstance(item, dict):
            if item.get("type") in FORBIDDEN_TYPES:
                raise AssertionError(f"component {item.get('type')} renders raw markup")
            raw = item.get("props")
            props: dict[str, Any] = raw if isinstance(raw, dict) else {}
            assert not FORBIDDEN_PROPS & set(props), props
            for key in ("href", "src", "action"):
                value = props.get(key)
                if isinstance(value, str):
                    assert not value.strip().lower().startswith(("javascript:", "data:", "vbscript:")), value
            if item.get("type") == "Graph" and isinstance(props.get("figure"), dict):
                for text in _plotly_texts(props["figure"]):
                    assert not re.search(r"<(?!br>|extra>|/extra>)", text), f"Plotly markup: {text!r}"
        elif isinstance(item, str):
            strings.append(item)
    return strings


@pytest.fixture(scope="module")
def client(inv: Inventory, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from app import create_app

    state = tmp_path_factory.mktemp("state") / "state.db"
    return create_app(inventory=inv, state=str(state)).server.test_client()


def _page(client: Any, pathname: str, search: str = "") -> dict[str, Any]:
    from tests.ui.test_app import page

    return page(client, pathname, search)


def test_pages_hold_names_as_text(client: Any) -> None:
    from ui.state import service_href

    seen: list[str] = []
    for path in (
        "/",
        "/tables",
        service_href(h.EVIL_SERVICE),
        service_href(h.LEGACY_SERVICE),
        "/diagnostics",
    ):
        pathname, _, search = path.partition("?")
        seen += _check_page(_page(client, pathname, "?" + search if search else ""))
    text = "\n".join(seen)
    assert h.EVIL_SERVICE in text and h.LEGACY_SERVICE in text
    assert "CREATE TABLE <script>alert('d')</script> (" in text


def test_remediation_page_holds_names_as_text(client: Any) -> None:
    from ui import ids

    _check_page(_page(client, "/remediation"))
    for service in ("", h.EVIL_SERVICE):
        r = h.remediation_render(client, service)
        assert r.status_code == 200, r.data[:300]
        response = r.get_json()["response"]
        for key in (ids.REM_PROGRESS, ids.REM_BURNDOWN):
            figure = response[key]["figure"]
            texts = _plotly_texts(figure)
            assert texts, key
            for text in texts:
                assert not re.search(r"<(?!br>|extra>|/extra>)", text), f"Plotly markup: {text!r}"
            templates = [t.get("hovertemplate", "") for t in figure["data"]]
            assert not [t for t in templates if "onload" in t], "a name inside a Plotly hover template"
        _check_page(response)
        rows = response[ids.REM_GRID]["rowData"]
        assert {r["service"] for r in rows} >= (
            {h.EVIL_SERVICE} if service else {h.EVIL_SERVICE, h.LEGACY_SERVICE}
        )


@pytest.mark.browser
def test_pages_in_chromium_run_no_script_from_names(
    inv: Inventory, browser: Any, tmp_path: Path, artifacts_dir: Path
) -> None:
    """The real page: no dialog, no page error, no element made from a name's markup."""
    import threading

    from werkzeug.serving import make_server

    from app import create_app
    from ui.state import service_href

    app = create_app(inventory=inv, state=str(tmp_path / "state.db"))
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    problems: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()

        def dialog(d: Any) -> None:
            problems.append(f"dialog: {d.message}")
            d.dismiss()

        page.on("dialog", dialog)
        page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
        base = f"http://127.0.0.1:{server.server_port}"
        for i, path in enumerate(
            ["/", "/tables", service_href(h.EVIL_SERVICE), "/diagnostics", "/remediation"]
        ):
            page.goto(base + path)
            page.wait_for_selector("#fk-page > *", timeout=15000)
            page.wait_for_timeout(1500)
            injected = page.evaluate(
                "() => [...document.querySelectorAll('[onload], [onerror], img[src=x], svg, b, i')]"
                ".filter(e => e.matches('[onload], [onerror], img')"
                " || ['x', 'm', 'described'].includes(e.textContent)).map(e => e.outerHTML)"
            )
            assert injected == [], (path, injected)
            page.screenshot(path=str(artifacts_dir / f"hostile-{i}.png"))
        body = page.inner_text("body")
        assert "<svg onload=alert(5)>" in body or path == "/remediation"
    finally:
        context.close()
        server.shutdown()
        thread.join(5)
    assert problems == [], problems
