"""URL <-> view state, and the doctests of the ui package."""

from __future__ import annotations

import doctest
import importlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ui.state import (
    ON_DELETE_KINDS,
    ORIGINS,
    TableFilter,
    ViewState,
    href,
    parse_url,
    service_href,
    to_search,
    toggle_expanded,
    view_key,
)

UI_MODULES = [
    "ui.state",
    "ui.theme",
    "ui.data",
    "ui.elements",
    "ui.lod",
    "ui.service_elements",
    "ui.shell",
    "ui.pages.overview",
    "ui.pages.tables_graph",
    "ui.pages.service",
    "ui.pages.diagnostics",
]


@pytest.mark.parametrize("name", UI_MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


@pytest.mark.parametrize(
    ("path", "page", "service"),
    [
        ("/", "overview", ""),
        ("", "overview", ""),
        ("/tables", "tables", ""),
        ("/tables/", "tables", ""),
        ("/diagnostics", "diagnostics", ""),
        ("/service/auth", "service", "auth"),
        ("/service/a%2Fb%20%3Cx%3E", "service", "a/b <x>"),
        ("/service/", "notfound", ""),
        ("/elsewhere", "notfound", ""),
    ],
)
def test_pages(path: str, page: str, service: str) -> None:
    state = parse_url(path, "")
    assert (state.page, state.service) == (page, service)


def test_table_filter_round_trip() -> None:
    state = ViewState(
        page="tables",
        filter=TableFilter(
            services=("auth", "content & co"),
            cross_only=True,
            on_delete=("CASCADE", "SET NULL"),
            origins=("declared",),
            include_dropped=True,
            focus="backend/migrations:public.users",
            hops=2,
        ),
        layout="cose",
        present=True,
    )
    link = href(state)
    assert link.startswith("/tables?svc=auth&svc=content+%26+co&cross=1&del=CASCADE&del=SET+NULL")
    path, _, query = link.partition("?")
    assert parse_url(path, "?" + query) == state


def test_defaults_make_short_links() -> None:
    assert href(ViewState()) == "/"
    assert href(ViewState(page="tables")) == "/tables"
    assert to_search(ViewState(page="diagnostics", present=True)) == "?present=1"


def test_bad_values_fall_back() -> None:
    state = parse_url("/tables", "?hops=x&layout=<script>&del=DROP&origin=nope&cross=maybe")
    assert state.filter == TableFilter()
    assert state.layout == "preset"


def test_toggle_expanded_keeps_order() -> None:
    s = toggle_expanded(toggle_expanded(ViewState(), "auth"), "content")
    assert s.expanded == ("auth", "content")
    assert toggle_expanded(s, "auth").expanded == ("content",)
    assert parse_url("/", to_search(s)).expanded == ("auth", "content")


def test_service_href_encodes_names() -> None:
    assert (
        service_href("<img src=x onerror=alert(1)>")
        == "/service/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E"
    )
    assert parse_url(service_href("<img src=x>"), "").service == "<img src=x>"


TEXT = st.characters(exclude_categories=["Cs"])
names = st.text(TEXT, min_size=1, max_size=20)


@given(
    services=st.lists(names, max_size=4, unique=True),
    kinds=st.lists(st.sampled_from(ON_DELETE_KINDS), unique=True),
    origins=st.lists(st.sampled_from(ORIGINS), min_size=1, unique=True),
    focus=st.text(TEXT, max_size=30),
    hops=st.integers(1, 5),
    present=st.booleans(),
    opened=st.lists(names, max_size=3, unique=True),
    lod=st.none() | st.integers(1, 10_000_000),
)
def test_round_trip_property(
    services: list[str],
    kinds: list[str],
    origins: list[str],
    focus: str,
    hops: int,
    present: bool,
    opened: list[str],
    lod: int | None,
) -> None:
    flt = TableFilter(
        services=tuple(services),
        on_delete=tuple(k for k in ON_DELETE_KINDS if k in kinds),
        origins=tuple(o for o in ORIGINS if o in origins),
        focus=focus,
        hops=hops if focus else 1,
    )
    state = ViewState(page="tables", filter=flt, present=present, opened=tuple(opened), lod=lod)
    assert parse_url("/tables", to_search(state)) == state


def test_opened_services_and_threshold_belong_to_the_table_graph() -> None:
    tables = parse_url("/tables", "?open=auth&open=&open=auth&lod=500&zoom=2&at=1,2&present=1")
    assert (tables.opened, tables.lod) == (("auth",), 500)
    assert view_key(tables) == "/tables?open=auth&lod=500"  # saved positions: the view with them open
    assert parse_url("/tables", "?lod=0").lod is None and parse_url("/tables", "?lod=x").lod is None
    overview = parse_url("/", "?open=auth&lod=500")
    assert (overview.opened, overview.lod, to_search(overview)) == ((), None, "")


@given(st.text(max_size=40), st.text(max_size=80))
def test_parse_never_raises(path: str, search: str) -> None:
    parse_url(path, search)
