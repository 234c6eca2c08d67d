"""View state <-> URL: the page path plus a query string reproduces a view.

A link such as ``/tables?svc=auth&cross=1&del=CASCADE&present=1`` opens the
table graph filtered to the ``auth`` service's cross-service ON DELETE CASCADE
edges in presentation mode. Names are percent-encoded, lists are repeated
parameters, defaults are left out so links stay short.

Examples
--------
>>> s = parse_url("/service/auth", "?present=1")
>>> s.page, s.service, s.present
('service', 'auth', True)
>>> href(s)
'/service/auth?present=1'
>>> parse_url("/tables", "?svc=auth&svc=messaging&cross=1").filter.services
('auth', 'messaging')

A large overview's choice of couplings drawn is ``top`` (a number, or ``all``):

>>> s = parse_url("/", "?top=all")
>>> s.top, to_search(s), to_search(parse_url("/", "?top=5")), parse_url("/tables", "?top=5").top
(0, '?top=all', '?top=5', None)

On a table graph that draws services as one node each (:mod:`ui.lod`), the
services opened table by table are ``open`` and a threshold the user chose is ``lod``:

>>> s = parse_url("/tables", "?open=auth&open=a%26b&lod=500")
>>> s.opened, s.lod, to_search(s)
(('auth', 'a&b'), 500, '?open=auth&open=a%26b&lod=500')

Pan and zoom ride along on the graph pages as ``zoom`` and ``at`` (the model
coordinates shown at the centre of the canvas, so a link shows the same place
on any screen size); :func:`view_key` is the view without them, the key its
saved node positions are stored under.

>>> s = parse_url("/tables", "?cross=1&zoom=1.5&at=120,-40.25")
>>> s.viewport, to_search(s), view_key(s)
((1.5, 120.0, -40.25), '?cross=1&zoom=1.5&at=120%2C-40.25', '/tables?cross=1')
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Literal
from urllib.parse import parse_qs, quote, unquote, urlencode

__all__ = [
    "LAYOUTS",
    "ON_DELETE_KINDS",
    "ORIGINS",
    "Page",
    "TableFilter",
    "ViewState",
    "history_url",
    "href",
    "parse_url",
    "path_of",
    "service_href",
    "to_search",
    "toggle_expanded",
    "view_key",
    "with_present",
]

Page = Literal["overview", "tables", "service", "diagnostics", "remediation", "notfound"]

#: ON DELETE spellings offered by the filter, most dangerous first.
ON_DELETE_KINDS = ("CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION")
ORIGINS = ("declared", "inferred")
#: Layout names accepted in the URL (``preset`` = positions computed on the server).
LAYOUTS = ("preset", "cose", "concentric", "breadthfirst", "grid", "circle", "dagre")
MAX_HOPS = 5


@dataclass(frozen=True)
class TableFilter:
    """What the table-level graph shows. Empty ``services``/``on_delete`` mean all."""

    services: tuple[str, ...] = ()
    cross_only: bool = False
    on_delete: tuple[str, ...] = ()
    origins: tuple[str, ...] = ORIGINS
    include_dropped: bool = False
    focus: str = ""
    hops: int = 1


@dataclass(frozen=True)
class ViewState:
    """Everything the URL says about the current view."""

    page: Page = "overview"
    service: str = ""
    expanded: tuple[str, ...] = ()
    filter: TableFilter = field(default_factory=TableFilter)
    layout: str = "preset"
    present: bool = False
    #: ``(zoom, x, y)``: the zoom and the model point at the canvas centre; None: fit the graph.
    viewport: tuple[float, float, float] | None = None
    #: Services drawn table by table on an aggregated table graph (:mod:`ui.lod`), in the order opened.
    opened: tuple[str, ...] = ()
    #: Tables above which the table graph draws services as one node each; None: :data:`ui.lod.LOD_TABLES`.
    lod: int | None = None
    #: Couplings a large overview draws (``top=N``, 0 for ``top=all``); None: the default for its size.
    top: int | None = None


def _flag(value: list[str] | None) -> bool:
    return bool(value) and value[-1] in ("1", "true", "yes", "on")  # type: ignore[index]


def _page(pathname: str) -> tuple[Page, str]:
    path = (pathname or "/").rstrip("/") or "/"
    if path in ("/", "/overview"):
        return "overview", ""
    if path == "/tables":
        return "tables", ""
    if path == "/diagnostics":
        return "diagnostics", ""
    if path == "/remediation":
        return "remediation", ""
    if path.startswith("/service/") and len(path) > len("/service/"):
        return "service", unquote(path[len("/service/") :])
    return "notfound", ""


#: Zoom levels a URL may ask for (Cytoscape's own limits are narrower per graph).
ZOOM_RANGE = (0.01, 10.0)


def _viewport(zoom: list[str] | None, at: list[str] | None) -> tuple[float, float, float] | None:
    """``zoom=1.5&at=x,y`` as ``(1.5, x, y)``; None when absent or not three finite numbers.

    >>> _viewport(["2"], ["1,2"]), _viewport(["nan"], ["1,2"]), _viewport(["2"], ["1"]), _viewport(None, None)
    ((2.0, 1.0, 2.0), None, None, None)
    """
    if not zoom or not at:
        return None
    try:
        z = float(zoom[-1])
        x, y = (float(v) for v in at[-1].split(","))
    except ValueError:
        return None
    if not all(math.isfinite(v) for v in (z, x, y)) or abs(x) > 1e7 or abs(y) > 1e7:
        return None
    return (min(max(z, ZOOM_RANGE[0]), ZOOM_RANGE[1]), x, y)


def _number(value: float) -> str:
    """A coordinate as short text: ``120`` rather than ``120.0``, at most 3 decimals."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def parse_url(pathname: str | None, search: str | None) -> ViewState:
    """Read a :class:`ViewState` from ``location.pathname`` and ``location.search``.

    Unknown parameters and bad values fall back to the defaults; this never raises.

    >>> parse_url("/tables", "?hops=9&layout=nope").filter.hops
    5
    >>> parse_url("/nowhere", None).page
    'notfound'
    """
    page, service = _page(pathname or "/")
    q = parse_qs((search or "").lstrip("?"), keep_blank_values=False)
    try:
        hops = int(q.get("hops", ["1"])[-1])
    except ValueError:
        hops = 1
    hops = max(1, min(MAX_HOPS, hops))
    origins = tuple(o for o in ORIGINS if o in q.get("origin", [])) or ORIGINS
    flt = TableFilter(
        services=tuple(dict.fromkeys(q.get("svc", []))),
        cross_only=_flag(q.get("cross")),
        on_delete=tuple(k for k in ON_DELETE_KINDS if k in q.get("del", [])),
        origins=origins,
        include_dropped=_flag(q.get("dropped")),
        focus=q.get("focus", [""])[-1],
        hops=hops,
    )
    layout = q.get("layout", ["preset"])[-1]
    tables = page == "tables"
    return ViewState(
        page=page,
        service=service,
        expanded=tuple(dict.fromkeys(q.get("expand", []))),
        filter=flt,
        layout=layout if layout in LAYOUTS else "preset",
        present=_flag(q.get("present")),
        viewport=_viewport(q.get("zoom"), q.get("at")) if page in ("overview", "tables") else None,
        opened=tuple(dict.fromkeys(s for s in q.get("open", []) if s)) if tables else (),
        lod=_count(q.get("lod")) if tables else None,
        top=_top(q.get("top")) if page == "overview" else None,
    )


def _top(value: list[str] | None) -> int | None:
    """``top=all`` as 0, ``top=N`` as N, anything else None.

    >>> _top(["all"]), _top(["12"]), _top(["0"]), _top(["x"]), _top(None)
    (0, 12, 0, None, None)
    """
    if value and value[-1] in ("all", "0"):
        return 0
    return _count(value)


def _count(value: list[str] | None) -> int | None:
    """A positive whole number from the URL, else None.

    >>> _count(["500"]), _count(["-1"]), _count(["x"]), _count(None)
    (500, None, None, None)
    """
    try:
        n = int(value[-1]) if value else 0
    except ValueError:
        return None
    return n if 0 < n <= 10_000_000 else None


def to_search(state: ViewState) -> str:
    """The query string (with ``?``, or ``''``) for ``state``; defaults are omitted.

    Only parameters meaningful on the state's page are written, plus ``present``.

    >>> to_search(ViewState(page="overview", expanded=("a b", "c&d")))
    '?expand=a+b&expand=c%26d'
    """
    pairs: list[tuple[str, str]] = []
    if state.page == "overview":
        pairs += [("expand", s) for s in state.expanded]
        if state.top is not None:
            pairs.append(("top", str(state.top) if state.top else "all"))
    if state.page == "tables":
        f = state.filter
        pairs += [("svc", s) for s in f.services]
        if f.cross_only:
            pairs.append(("cross", "1"))
        pairs += [("del", k) for k in f.on_delete]
        if tuple(f.origins) != ORIGINS:
            pairs += [("origin", o) for o in f.origins]
        if f.include_dropped:
            pairs.append(("dropped", "1"))
        if f.focus:
            pairs.append(("focus", f.focus))
            if f.hops != 1:
                pairs.append(("hops", str(f.hops)))
        pairs += [("open", s) for s in state.opened]
        if state.lod is not None:
            pairs.append(("lod", str(state.lod)))
        if state.layout != "preset":
            pairs.append(("layout", state.layout))
    if state.viewport is not None and state.page in ("overview", "tables"):
        z, x, y = state.viewport
        pairs += [("zoom", _number(z)), ("at", f"{_number(x)},{_number(y)}")]
    if state.present:
        pairs.append(("present", "1"))
    return "?" + urlencode(pairs) if pairs else ""


def path_of(state: ViewState) -> str:
    """The page path of ``state`` (service names percent-encoded)."""
    if state.page == "service":
        return "/service/" + quote(state.service, safe="")
    if state.page in ("tables", "diagnostics", "remediation"):
        return "/" + state.page
    return "/"


def href(state: ViewState) -> str:
    """Path plus query string: a link that reproduces ``state``."""
    return path_of(state) + to_search(state)


def service_href(name: str, *, present: bool = False) -> str:
    """Link to a service page.

    >>> service_href("a/b <x>")
    '/service/a%2Fb%20%3Cx%3E'
    """
    return href(ViewState(page="service", service=name, present=present))


def history_url(
    back: object, pathname: str | None, search: str | None, by_history: bool
) -> tuple[str | None, str | None]:
    """The URL a page is rendered for: the one Back/Forward landed on (``back``, from
    ``assets/uistate.js``) when that is what triggered the render, else ``pathname`` and ``search``.

    >>> history_url({"pathname": "/tables", "search": "?cross=1"}, "/", "", True)
    ('/tables', '?cross=1')
    >>> history_url({"pathname": "/tables"}, "/", "?x", False), history_url("junk", "/", "", True)
    (('/', '?x'), ('/', ''))
    """
    if by_history and isinstance(back, dict) and isinstance(back.get("pathname"), str):
        found = back.get("search")
        return back["pathname"], found if isinstance(found, str) else ""
    return pathname, search


def view_key(state: ViewState) -> str:
    """The key of the view ``state`` shows, under which its node positions are saved.

    Path and filters, without pan/zoom, presentation mode or the couplings drawn: everyone who
    opens a link to the view, on any screen, in presentation mode or not, gets its layout.

    >>> view_key(parse_url("/", "?expand=auth&present=1&zoom=2&at=0,0&top=5"))
    '/?expand=auth'
    """
    return href(replace(state, viewport=None, present=False, top=None))


def toggle_expanded(state: ViewState, service: str) -> ViewState:
    """Expand ``service`` on the overview, or collapse it when already expanded.

    >>> toggle_expanded(toggle_expanded(ViewState(), "auth"), "auth").expanded
    ()
    """
    if service in state.expanded:
        return replace(state, expanded=tuple(s for s in state.expanded if s != service))
    return replace(state, expanded=(*state.expanded, service))


def with_present(state: ViewState, present: bool) -> ViewState:
    """``state`` with presentation mode switched on or off."""
    return replace(state, present=present)
