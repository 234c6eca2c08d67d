"""The app factory and its callbacks through Flask's test client (no browser)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

import app as app_module
from app import create_app
from model.inventory import Inventory
from tests.ui.fixtures import DB
from ui import ids


@pytest.fixture(scope="module")
def client(inventory: Inventory) -> Any:
    return create_app(inventory=inventory).server.test_client()


def _output_key(client: Any, outputs: list[tuple[str, str]], trigger: str) -> str:
    """The output string, as /_dash-dependencies names it (with allow_duplicate hashes), of the
    callback with these outputs that ``trigger`` (``id.property``) sets off."""
    wanted = [f"{i}.{p}" for i, p in outputs]
    for dep in client.get("/_dash-dependencies").get_json():
        parts = dep["output"].strip(".").split("...")
        inputs = {f"{i['id']}.{i['property']}" for i in dep["inputs"]}
        if [re.sub(r"@[0-9a-f]+$", "", part) for part in parts] == wanted and trigger in inputs:
            return str(dep["output"])
    raise AssertionError(f"no callback outputs {wanted}")


def update(
    client: FlaskClient,
    outputs: list[tuple[str, str]],
    inputs: list[dict[str, Any]],
    state: Sequence[dict[str, Any]] = (),
    changed: Sequence[str] = (),
) -> TestResponse:
    """POST one callback request the way dash-renderer does."""
    output = _output_key(client, outputs, f"{inputs[0]['id']}.{inputs[0]['property']}")
    props = [part.split(".", 1) for part in output.strip(".").split("...")]
    spec: Any = [{"id": i, "property": p} for i, p in props]
    body = {
        "output": output,
        "outputs": spec if output.startswith("..") else spec[0],
        "inputs": inputs,
        "state": list(state),
        "changedPropIds": list(changed) or [f"{inputs[0]['id']}.{inputs[0]['property']}"],
    }
    return client.post("/_dash-update-component", json=body)


def page(client: Any, pathname: str, search: str = "") -> dict[str, Any]:
    r = update(
        client,
        [(ids.PAGE, "children"), ("fk-poll", "disabled")],
        [
            {"id": ids.URL, "property": "pathname", "value": pathname},
            {"id": "fk-poll", "property": "n_intervals", "value": None},
            {"id": "fk-history", "property": "data", "value": None},
        ],
        [{"id": ids.URL, "property": "search", "value": search}],
    )
    assert r.status_code == 200, r.data[:500]
    response: dict[str, Any] = r.get_json()["response"]
    return response


def strings(node: Any) -> list[str]:
    found: list[str] = []
    if isinstance(node, str):
        found.append(node)
    elif isinstance(node, list):
        for n in node:
            found += strings(n)
    elif isinstance(node, dict):
        for v in node.values():
            found += strings(v)
    return found


FILTER_OUTPUTS = [
    (ids.TABLE_PAYLOAD, "data"),
    (ids.TABLE_GRAPH, "stylesheet"),
    (ids.TABLE_STATS, "children"),
    (ids.FILTER_LAYOUT, "options"),
    (ids.URL, "search"),
]


def test_layout_endpoint(client: Any) -> None:
    r = client.get("/_dash-layout")
    assert r.status_code == 200
    layout = r.get_json()
    assert layout["props"]["id"] == ids.ROOT
    text = json.dumps(layout)
    for component_id in (ids.URL, ids.NAV, ids.PAGE, ids.PRESENT_TOGGLE):
        assert component_id in text


def test_every_page_renders(client: Any) -> None:
    overview = page(client, "/")
    assert "18" in strings(overview)
    tables = page(client, "/tables", "?cross=1")
    assert any(s == "tables-page" for s in strings(tables))
    service = page(client, "/service/messaging")
    assert "conversations_created_by_fkey" in strings(service)
    diags = page(client, "/diagnostics")
    assert "syntax error at or near ')'" in strings(diags)


def test_filter_callback(client: Any) -> None:
    r = update(
        client,
        FILTER_OUTPUTS,
        [
            {"id": ids.FILTER_SERVICES, "property": "value", "value": ["streaming"]},
            {"id": ids.FILTER_CROSS, "property": "value", "value": ["cross"]},
            {"id": ids.FILTER_ON_DELETE, "property": "value", "value": ["CASCADE", "SET NULL"]},
            {"id": ids.FILTER_ORIGIN, "property": "value", "value": ["declared", "inferred"]},
            {"id": ids.FILTER_FOCUS, "property": "value", "value": None},
            {"id": ids.FILTER_HOPS, "property": "value", "value": 1},
            {"id": ids.FILTER_LAYOUT, "property": "value", "value": "preset"},
        ],
        [
            {"id": ids.URL, "property": "pathname", "value": "/tables"},
            {"id": ids.URL, "property": "search", "value": ""},
            {"id": ids.TABLE_DRAWN, "property": "data", "value": {"drawn": 1}},
        ],
        [f"{ids.FILTER_CROSS}.value"],
    )
    assert r.status_code == 200
    response = r.get_json()["response"]
    elements = response[ids.TABLE_PAYLOAD]["data"]["elements"]
    assert sum("source" in e["data"] for e in elements) == 2
    assert response[ids.URL]["search"] == "?svc=streaming&cross=1&del=CASCADE&del=SET+NULL"


@pytest.mark.parametrize("DRAWN", [{"drawn": 1}, None], ids=["drawn", "page-inserted"])
def test_unchanged_filter_sends_nothing(client: Any, DRAWN: Any) -> None:
    r = update(
        client,
        FILTER_OUTPUTS,
        [
            {"id": ids.FILTER_SERVICES, "property": "value", "value": []},
            {"id": ids.FILTER_CROSS, "property": "value", "value": []},
            {"id": ids.FILTER_ON_DELETE, "property": "value",
             "value": ["CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION"]},
            {"id": ids.FILTER_ORIGIN, "property": "value", "value": ["declared", "inferred"]},
            {"id": ids.FILTER_FOCUS, "property": "value", "value": None},
            {"id": ids.FILTER_HOPS, "property": "value", "value": 1},
            {"id": ids.FILTER_LAYOUT, "property": "value", "value": "preset"},
        ],
        [{"id": ids.URL, "property": "pathname", "value": "/tables"},
         {"id": ids.URL, "property": "search", "value": ""},
         {"id": ids.TABLE_DRAWN, "property": "data", "value": DRAWN}],
    )  # fmt: skip
    assert r.status_code == (204 if DRAWN else 200)


def test_expand_callback(client: Any) -> None:
    r = update(
        client,
        [(ids.SERVICE_GRAPH, "elements"), (ids.URL, "search")],
        [{"id": ids.SERVICE_GRAPH, "property": "tapNode",
          "value": {"data": {"id": "s0", "kind": "service", "service": "auth"}, "timeStamp": 1}}],
        [{"id": ids.URL, "property": "pathname", "value": "/"},
         {"id": ids.URL, "property": "search", "value": "?present=1"},
         {"id": ids.OVERVIEW_TOP, "property": "value", "value": 20}],
    )  # fmt: skip
    assert r.status_code == 200
    response = r.get_json()["response"]
    assert response[ids.URL]["search"] == "?expand=auth&present=1"
    children = [e for e in response[ids.SERVICE_GRAPH]["elements"] if e["data"].get("parent") == "s0"]
    assert len(children) == 3


def test_threshold_callback_draws_and_writes_the_url(client: Any) -> None:
    r = update(
        client,
        [(ids.SERVICE_GRAPH, "elements"), (ids.URL, "search")],
        [{"id": ids.OVERVIEW_TOP, "property": "value", "value": 20}],
        [{"id": ids.URL, "property": "pathname", "value": "/"},
         {"id": ids.URL, "property": "search", "value": "?expand=auth"}],
    )  # fmt: skip
    assert r.status_code == 200
    response = r.get_json()["response"]
    # the demo is a small overview: everything is drawn and 20 is not its default
    assert response[ids.URL]["search"] == "?expand=auth&top=20"
    assert [e for e in response[ids.SERVICE_GRAPH]["elements"] if e["data"].get("parent")]


def test_present_toggle_and_chrome(client: Any) -> None:
    r = update(
        client,
        [(ids.URL, "search"), (ids.PAGE, "children")],
        [{"id": ids.PRESENT_TOGGLE, "property": "n_clicks", "value": 1}],
        [{"id": ids.URL, "property": "pathname", "value": "/tables"},
         {"id": ids.URL, "property": "search", "value": "?cross=1"}],
    )  # fmt: skip
    toggled = r.get_json()["response"]
    assert toggled[ids.URL]["search"] == "?cross=1&present=1"
    # the table graph's page is drawn again for presentation mode, its filters from the URL
    assert toggled[ids.PAGE]["children"]["props"]["className"] == "tables-page"
    assert '"value": ["cross"]' in json.dumps(toggled[ids.PAGE]["children"])
    r = update(
        client,
        [(ids.ROOT, "className"), (ids.NAV, "children"), (ids.PRESENT_TOGGLE, "children")],
        [{"id": ids.URL, "property": "pathname", "value": "/tables"},
         {"id": ids.URL, "property": "search", "value": "?cross=1&present=1"}],
    )  # fmt: skip
    response = r.get_json()["response"]
    assert response[ids.ROOT]["className"] == "app present"
    assert response[ids.PRESENT_TOGGLE]["children"] == "Exit presentation"


def test_everything_is_served_locally(client: Any) -> None:
    index = client.get("/").get_data(as_text=True)
    urls = re.findall(r'(?:src|href)="([^"]+)"', index)
    assert urls, "no scripts found"
    assert all(u.startswith("/") for u in urls), urls
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert "cdn." not in index


def test_ingest_error_is_shown_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(sources: Any, config_path: Any = None, infer: bool = False) -> Inventory:
        raise OSError(f"cannot read {sources[0]}")

    monkeypatch.setattr("ownership.scan.scan", boom)
    client = create_app(["/srv/nowhere"]).server.test_client()
    assert client.get("/_dash-layout").status_code == 200
    response = page(client, "/")
    assert response[ids.PAGE]["children"]["props"]["id"] == ids.ERROR_PANEL
    assert "OSError: cannot read /srv/nowhere" in strings(response)


def test_lazy_server_uses_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    saved = tmp_path / "scan.json"
    monkeypatch.setenv("FKMAP_SOURCES", str(saved))
    monkeypatch.setattr(app_module, "_lazy", {})
    calls: list[Any] = []

    def fake(sources: Any, config_path: Any = None, infer: bool = False) -> Inventory:
        calls.append(list(sources))
        assert not infer  # FKMAP_INFER is unset
        return Inventory()

    monkeypatch.setattr("ownership.scan.scan", fake)
    server = app_module.server
    loader = server.config["FKMAP_LOADER"]
    assert loader.wait(5)
    assert calls == [[str(saved)]]
    assert app_module.server is server
    assert server.test_client().get("/_dash-layout").status_code == 200


def test_focus_link_round_trip(client: Any) -> None:
    response = page(client, "/tables", f"?focus={DB}%3Apublic.messages&hops=2")
    assert f"{DB}:public.messages" in strings(response)
