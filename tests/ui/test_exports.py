"""The Export menu without a browser: scope from the URL, file names, contents, callbacks.

Expected contents are made by :func:`exports.export` on the same
inventory and scope (what ``fkmap export`` writes); the dashboard must send
exactly those bytes. Callbacks run through Flask's test client.
"""

from __future__ import annotations

import base64
import doctest
import importlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from app import create_app
from exports import FORMATS, export
from exports.legend import screen_legend_data
from graph.scope import Scope
from model.inventory import Inventory
from tests.helpers import not_none
from tests.ui.fixtures import HOSTILE_SERVICE, SERVICES
from ui import ids
from ui.data import UNASSIGNED, AppData, build_app_data
from ui.exports import (
    DATA_FORMATS,
    MIME,
    SERVICE_IMAGE_FORMATS,
    export_download,
    export_file,
    export_scope,
    export_target,
    file_name,
    picture_title,
    safe_name,
    scope_note,
)
from ui.ids import (
    EXPORT_BUTTON,
    EXPORT_DOWNLOAD,
    EXPORT_IMAGE_DONE,
    EXPORT_LEGEND,
    EXPORT_NOTE,
    EXPORT_PNG,
    EXPORT_SCOPE,
    EXPORT_STATUS,
    EXPORT_SVG,
    EXPORT_TARGET,
)
from ui.pages.export_menu import build_export_menu
from ui.state import ViewState, parse_url

ROOT = Path(__file__).resolve().parents[2]
SIX = sorted(SERVICES)


def test_doctests() -> None:
    result = doctest.testmod(importlib.import_module("ui.exports"), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 10


# ------------------------------------------------------------ scope + names ---

SCOPES = [
    ("/", "", Scope()),
    ("/", "?expand=auth&present=1", Scope()),
    ("/tables", "", Scope(level="tables")),
    ("/tables", "?cross=1", Scope(cross_only=True, level="tables")),
    ("/tables", "?svc=auth", Scope(service="auth", level="tables")),
    ("/tables", "?svc=auth&cross=1&dropped=1", Scope("auth", True, "tables", True)),
    ("/tables", "?svc=auth&svc=messaging&cross=1", Scope(cross_only=True, level="tables")),
    ("/tables", "?svc=nope", Scope(level="tables")),
    ("/tables", "?svc=%28unassigned%29", Scope(level="tables")),
    ("/service/messaging", "", Scope(service="messaging")),
    ("/service/nope", "", None),
    ("/diagnostics", "", None),
    ("/remediation", "", None),
]


@pytest.mark.parametrize(("path", "search", "expected"), SCOPES, ids=[f"{p}{s}" for p, s, _ in SCOPES])
def test_scope_from_url(path: str, search: str, expected: Scope | None) -> None:
    assert export_scope(parse_url(path, search), [*SIX, UNASSIGNED]) == expected


@pytest.mark.parametrize(
    ("search", "note"),
    [
        ("", ""),
        ("?svc=auth&cross=1", ""),
        ("?svc=auth&svc=content", "Data files cover all services."),
        ("?svc=%28unassigned%29", "Data files cover all services."),
        ("?del=CASCADE&origin=declared", "Data files ignore the ON DELETE filter and the origin filter."),
        (
            "?svc=a&svc=b&focus=x&del=CASCADE",
            "Data files cover all services and ignore the ON DELETE filter and the focus.",
        ),
    ],
)
def test_scope_note_names_the_filters_a_file_cannot_follow(search: str, note: str) -> None:
    assert scope_note(parse_url("/tables", search)) == note


@pytest.mark.parametrize(
    ("scope", "fmt", "name"),
    [
        (Scope(), "dot", "fkmap-all.dot"),
        (Scope(), "mermaid", "fkmap-all.mmd"),
        (Scope(), "graphml", "fkmap-all.graphml"),
        (Scope(), "graph-json", "fkmap-all.json"),
        (Scope(), "csv", "fkmap-all.csv"),
        (Scope(), "impact-csv", "fkmap-all-impact.csv"),
        (Scope(), "md", "fkmap-all.md"),
        (Scope(), "html", "fkmap-all.html"),
        (Scope(cross_only=True, level="tables"), "dot", "fkmap-all-cross-tables.dot"),
        (Scope(cross_only=True, level="tables"), "graphml", "fkmap-all-cross.graphml"),
        (Scope(service="auth"), "svg", "fkmap-service-auth.svg"),
        (
            Scope(service="auth", level="tables", include_dropped=True),
            "csv",
            "fkmap-service-auth-with-dropped.csv",
        ),
        (Scope(service="../../etc/passwd"), "md", "fkmap-service-_.._.._etc_passwd.md"),
        (Scope(service=HOSTILE_SERVICE), "png", "fkmap-service-_script_alert_2___script_.png"),
    ],
)
def test_file_names(scope: Scope, fmt: str, name: str) -> None:
    assert file_name(scope, fmt) == name


def test_file_names_are_always_safe() -> None:
    for text in ["", ".", "..", "a b/c\\d", "é€", "x" * 500, "\x00\n", "<script>"]:
        name = file_name(Scope(service=text), "md")
        assert re.fullmatch(r"fkmap-service-[A-Za-z0-9_][A-Za-z0-9_.-]*\.md", name), name
        assert len(name) <= 80
    assert safe_name("..") == "_.."


def test_picture_targets() -> None:
    assert export_target(parse_url("/", "?expand=auth")) == {
        "graph": ids.SERVICE_GRAPH,
        "name": "fkmap-overview",
        "title": "Service overview — auth expanded",
    }
    assert export_target(parse_url("/tables", "")) == {
        "graph": ids.TABLE_GRAPH,
        "name": "fkmap-tables",
        "title": "Tables — all services",
    }
    five = "".join(f"&svc={s}" for s in SIX[:5])
    assert not_none(export_target(parse_url("/tables", f"?cross=1{five}")))["name"] == (
        "fkmap-tables-auth-content-experiments-and-2-more-cross"
    )
    assert export_target(parse_url("/service/auth", "")) is None


def test_picture_titles_say_what_the_view_filters() -> None:
    search = "?svc=auth&svc=content&cross=1&del=CASCADE&origin=declared&dropped=1&focus=users&hops=2"
    state = parse_url("/tables", search)
    assert picture_title(state) == (
        f"Tables — services {', '.join(state.filter.services)}, cross-service FKs only, ON DELETE CASCADE, "
        f"{' and '.join(state.filter.origins)} only, dropped FKs shown, around users (2 hops)"
    )
    assert picture_title(parse_url("/", "")) == "Service overview"


def test_the_pictures_legend_is_the_pages_legend(data: AppData) -> None:
    """One legend definition: the menu's store carries the entries the page's legend shows."""
    from ui.pages.overview import build_overview
    from ui.pages.tables_graph import build_tables_page

    for legend_data, page in (
        (screen_legend_data("services"), build_overview(data, ViewState())),
        (screen_legend_data("tables"), build_tables_page(data, ViewState(page="tables"))),
    ):
        store = next(c for c in walk(page) if getattr(c, "id", None) == EXPORT_LEGEND)
        assert store.data == legend_data
        legend = next(c for c in walk(page) if "legend" in str(getattr(c, "className", "")).split())
        texts = [[x for x in walk(item) if isinstance(x, str)] for item in legend.children[1:]]
        assert texts == [[e["text"]] for e in store.data]


# ---------------------------------------------------------------- contents ---


def expected(inventory: Inventory, fmt: str, scope: Scope, **options: Any) -> str | bytes:
    if fmt in ("svg", "png", "pdf"):
        binary = io.BytesIO()
        export(fmt, inventory, binary, scope=scope, **options)
        return binary.getvalue()
    text = io.StringIO()
    export(fmt, inventory, text, scope=scope, **options)
    return text.getvalue()


@pytest.mark.parametrize("fmt", [f for f, _ in DATA_FORMATS])
@pytest.mark.parametrize(
    "scope", [Scope(), Scope(service="messaging"), Scope(cross_only=True, level="tables")], ids=str
)
def test_files_equal_the_cli_export(data: AppData, inventory: Inventory, fmt: str, scope: Scope) -> None:
    name, content = export_file(data, scope, fmt)
    assert name == file_name(scope, fmt)
    assert content == expected(inventory, fmt, scope)
    assert content, fmt


def test_markdown_of_everything_names_every_service(data: AppData) -> None:
    _, content = export_file(data, Scope(), "md")
    assert isinstance(content, str) and content.startswith("# Cross-service foreign key inventory")
    for service in SIX:
        assert service in content, service


def test_the_report_shows_the_phases_it_is_given(data: AppData) -> None:
    """The download button passes the store's phases (remediation.handle.tracked_phases) to the report."""
    _, plain = export_file(data, Scope(), "md")
    _, phased = export_file(data, Scope(), "md", lambda fk: "Phase 3: Application only")
    assert "Phase 3: Application only" in phased and "Phase 3: Application only" not in plain
    _, picture = export_file(data, Scope(), "csv", lambda fk: "Phase 3: Application only")
    assert "Phase 3" not in picture  # formats without phases ignore them


def test_csv_of_cross_only_lists_just_the_crossing_fks(data: AppData) -> None:
    from graph.analysis import cross_service_fks

    _, content = export_file(data, Scope(cross_only=True, level="tables"), "csv")
    rows = list(__import__("csv").DictReader(io.StringIO(str(content))))
    crossing = sorted((fk.name, fk.state) for fk in cross_service_fks(data.graph))
    assert sorted((r["name"], r["state"]) for r in rows) == crossing
    assert ("messages_sender_id_fkey", "dropped") in crossing  # CSV keeps remediated FKs, with their state
    assert all(r["cross_service"] == "true" for r in rows)


def test_download_data_for_dcc_download(data: AppData, inventory: Inventory) -> None:
    sent, status = export_download(data, "/tables", "?svc=auth&cross=1", "dot")
    scope = Scope(service="auth", cross_only=True, level="tables")
    assert sent == {
        "content": expected(inventory, "dot", scope),
        "filename": "fkmap-service-auth-cross-tables.dot",
        "type": MIME["dot"],
        "base64": False,
    }
    assert status == "Downloaded fkmap-service-auth-cross-tables.dot"


def test_service_page_pictures_come_from_graphviz(data: AppData) -> None:
    sent, status = export_download(data, "/service/auth", "", "png")
    assert status == "Downloaded fkmap-service-auth.png"
    assert sent is not None and sent["base64"] is True and sent["filename"] == "fkmap-service-auth.png"
    assert base64.b64decode(sent["content"])[:8] == b"\x89PNG\r\n\x1a\n"
    sent, _ = export_download(data, "/service/auth", "", "svg")
    assert sent is not None and sent["type"] == "image/svg+xml"
    svg = base64.b64decode(sent["content"]).decode()
    assert "<svg" in svg and ">auth</text>" in svg


def test_failures_become_a_message(data: AppData, monkeypatch: pytest.MonkeyPatch) -> None:
    assert export_download(data, "/diagnostics", "", "md") == (None, "Nothing to export on this page.")
    assert export_download(data, "/service/nope", "", "md") == (None, "Nothing to export on this page.")
    assert export_download(data, "/", "", "exe") == (None, "Unknown export format 'exe'.")
    monkeypatch.setenv("PATH", "/nonexistent")
    sent, status = export_download(data, "/service/auth", "", "svg")
    assert sent is None
    assert status == "Export failed: Graphviz 'dot' not found: install it (apt-get install graphviz)"


# ------------------------------------------------------------------ layout ---


def walk(node: Any) -> list[Any]:
    """Every component below ``node`` (Dash components or their JSON form)."""
    found = [node]
    children = getattr(node, "children", None)
    if isinstance(node, dict):
        children = node.get("props", {}).get("children")
    for child in children if isinstance(children, list) else [children] if children is not None else []:
        found += walk(child)
    return found


def ids_of(node: Any) -> list[Any]:
    return [getattr(c, "id", None) for c in walk(node) if getattr(c, "id", None) is not None]


def test_menus_per_page(data: AppData) -> None:
    data_buttons = [{"type": EXPORT_BUTTON, "format": f} for f, _ in DATA_FORMATS]
    overview = ids_of(build_export_menu(data, ViewState()))
    assert {EXPORT_PNG, EXPORT_SVG, EXPORT_TARGET, EXPORT_IMAGE_DONE, EXPORT_DOWNLOAD} <= {
        i for i in overview if isinstance(i, str)
    }
    assert [i for i in overview if isinstance(i, dict)] == data_buttons
    service = ids_of(build_export_menu(data, ViewState(page="service", service="auth")))
    assert EXPORT_PNG not in service and EXPORT_TARGET in service
    assert [i for i in service if isinstance(i, dict)] == [
        {"type": EXPORT_BUTTON, "format": f} for f, _ in SERVICE_IMAGE_FORMATS
    ] + data_buttons


def test_pages_carry_the_menu_on_the_canvas(data: AppData) -> None:
    from ui.pages.overview import build_overview
    from ui.pages.service import build_service_page
    from ui.pages.tables_graph import build_tables_page

    for page in (build_overview(data, ViewState()), build_tables_page(data, ViewState(page="tables"))):
        canvases = [c for c in walk(page) if "canvas" in str(getattr(c, "className", "")).split()]
        assert len(canvases) == 1
        assert [getattr(c, "id", None) for c in canvases[0].children][1] == "fk-export-menu"
    service = build_service_page(data, ViewState(page="service", service="auth"))
    assert "fk-export-menu" in ids_of(service)


def test_presentation_mode_hides_the_menu() -> None:
    css = (ROOT / "assets" / "exports.css").read_text()
    assert ".app.present .export-menu { display: none; }" in css


# --------------------------------------------------------------- callbacks ---


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("store") / "state.db"


@pytest.fixture(scope="module")
def client(inventory: Inventory, store_path: Path) -> Any:
    return create_app(inventory=inventory, state=str(store_path)).server.test_client()


def _output_key(client: Any, outputs: list[tuple[str, str]]) -> str:
    wanted = [f"{i}.{p}" for i, p in outputs]
    for dep in client.get("/_dash-dependencies").get_json():
        parts = dep["output"].strip(".").split("...")
        if [re.sub(r"@[0-9a-f]+$", "", part) for part in parts] == wanted:
            return str(dep["output"])
    raise AssertionError(f"no callback outputs {wanted}")


def post(
    client: Any, outputs: list[tuple[str, str]], inputs: list[Any], state: list[Any], changed: str
) -> Any:
    output = _output_key(client, outputs)
    spec = [{"id": i, "property": p} for i, p in outputs]
    body = {
        "output": output,
        "outputs": spec if len(spec) > 1 else spec[0],
        "inputs": inputs,
        "state": state,
        "changedPropIds": [changed],
    }
    return client.post("/_dash-update-component", json=body)


def click(client: Any, fmt: str, pathname: str, search: str = "", clicks: int | None = 1) -> Any:
    formats = [f for f, _ in (*SERVICE_IMAGE_FORMATS, *DATA_FORMATS)]
    buttons = [
        {
            "id": {"type": EXPORT_BUTTON, "format": f},
            "property": "n_clicks",
            "value": clicks if f == fmt else None,
        }
        for f in formats
    ]
    button = json.dumps({"format": fmt, "type": EXPORT_BUTTON}, separators=(",", ":"))
    return post(
        client,
        [(EXPORT_DOWNLOAD, "data"), (EXPORT_STATUS, "children")],
        [buttons],
        [
            {"id": ids.URL, "property": "pathname", "value": pathname},
            {"id": ids.URL, "property": "search", "value": search},
        ],
        f"{button}.n_clicks",
    )


def test_download_callback_sends_the_file(client: Any, inventory: Inventory, store_path: Path) -> None:
    from remediation.service import inventory_view, report_phase_of
    from remediation.store import open_store
    from remediation.totals import report_totals

    r = click(client, "md", "/tables", "?svc=messaging&cross=1")
    assert r.status_code == 200, r.data[:500]
    response = r.get_json()["response"]
    sent = response[EXPORT_DOWNLOAD]["data"]
    assert sent["filename"] == "fkmap-service-messaging-cross.md"
    store = open_store(str(store_path))
    phase_of = report_phase_of(inventory, store)
    totals = report_totals(inventory_view(inventory, store), "messaging")
    scope = Scope("messaging", True, "tables")
    assert sent["content"] == expected(inventory, "md", scope, phase_of=phase_of, totals=totals)
    assert (
        "- **0 · Not started:** " in sent["content"]
    )  # the totals of remediation.totals, from the app's store
    assert response[EXPORT_STATUS]["children"] == "Downloaded fkmap-service-messaging-cross.md"


@pytest.mark.parametrize("fmt", ["dot", "mermaid", "graphml", "graph-json", "csv", "impact-csv", "html"])
def test_download_callback_every_format(
    client: Any, inventory: Inventory, fmt: str, store_path: Path
) -> None:
    from remediation.service import inventory_view, report_phase_of
    from remediation.store import open_store
    from remediation.totals import report_totals

    response = click(client, fmt, "/").get_json()["response"]
    store = open_store(str(store_path))
    options: dict[str, Any] = {}
    if FORMATS[fmt].phases:
        options = {
            "phase_of": report_phase_of(inventory, store),
            "totals": report_totals(inventory_view(inventory, store)),
        }
    assert response[EXPORT_DOWNLOAD]["data"]["content"] == expected(inventory, fmt, Scope(), **options)
    assert response[EXPORT_DOWNLOAD]["data"]["type"] == MIME[fmt]


def test_download_callback_ignores_inserted_buttons(client: Any) -> None:
    assert click(client, "md", "/", clicks=None).status_code == 204


def test_download_callback_reports_failures(client: Any) -> None:
    response = click(client, "md", "/service/nope").get_json()["response"]
    assert EXPORT_DOWNLOAD not in response
    assert response[EXPORT_STATUS]["children"] == "Nothing to export on this page."


def test_scope_line_follows_the_filters(client: Any) -> None:
    r = post(
        client,
        [(EXPORT_SCOPE, "children"), (EXPORT_NOTE, "children"), (EXPORT_TARGET, "data")],
        [{"id": ids.URL, "property": "search", "value": "?svc=auth&cross=1&del=CASCADE"}],
        [{"id": ids.URL, "property": "pathname", "value": "/tables"}],
        f"{ids.URL}.search",
    )
    response = r.get_json()["response"]
    assert response[EXPORT_SCOPE]["children"] == (
        "Scope: service 'auth' and the tables its FKs connect to, cross-service FKs only"
    )
    assert response[EXPORT_NOTE]["children"] == "Data files ignore the ON DELETE filter."
    assert response[EXPORT_TARGET]["data"] == {
        "graph": ids.TABLE_GRAPH,
        "name": "fkmap-tables-auth-cross",
        "title": "Tables — service auth, cross-service FKs only, ON DELETE CASCADE",
    }


def test_image_export_is_a_clientside_callback(client: Any) -> None:
    deps = client.get("/_dash-dependencies").get_json()
    (dep,) = [d for d in deps if d["output"].startswith(EXPORT_IMAGE_DONE)]
    assert dep["clientside_function"] == {"namespace": "fkmap", "function_name": "exportImage"}
    assert [i["id"] for i in dep["inputs"]] == [EXPORT_PNG, EXPORT_SVG]
    js = (ROOT / "assets" / "fkmap.js").read_text()
    assert "exportImage:" in js and "cy.svg(" in js and "cy.png(" in js


def test_hostile_service_download_name_is_sanitised(hostile_inventory: Inventory) -> None:
    data = build_app_data(hostile_inventory)
    sent, _ = export_download(data, f"/service/{HOSTILE_SERVICE}", "", "md")
    assert sent is not None
    assert sent["filename"] == "fkmap-service-_script_alert_2___script_.md"
    scope = Scope(service=HOSTILE_SERVICE)
    assert sent["content"] == expected(hostile_inventory, "md", scope)
    assert "Scope: service '\\<script\\>alert(2)\\</script\\>'" in sent["content"]  # escaped, not HTML
