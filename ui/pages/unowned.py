"""The overview's warning about tables no service owns, and the next step (``fkmap init``).

A foreign key into a table without an owner cannot be called cross-service or
not: the banner says how many there are, which command writes a config to
review, and, when the cross-service count is 0, that the 0 may be wrong.

Examples
--------
>>> from ui.unowned import Unowned
>>> banner_sentences(Unowned(3, 7, (), 0), "fkmap init db -o fkmap.toml")[0]
'7 foreign keys point into 3 tables no service owns'
>>> banner_sentences(Unowned(0, 0, (), 4), "x") == []
True
"""

from __future__ import annotations

from dash import dcc, html

from ui import ids
from ui.data import UNASSIGNED, AppData
from ui.state import TableFilter, ViewState, href
from ui.unowned import Unowned, init_command, unowned_of

__all__ = ["DOUBT", "banner_sentences", "build_unowned_banner"]

#: What the banner adds when the cross-service headline is 0 but FKs point into unowned tables.
DOUBT = (
    "The 0 cross-service foreign keys may be wrong: until these tables have an owner, "
    "fkmap cannot tell whether the foreign keys into them cross a service boundary."
)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def banner_sentences(u: Unowned, command: str) -> list[str]:
    """The banner's text: the finding, the next step, the doubt about a 0 ([] when nothing to say)."""
    if not u.any:
        return []
    tables = _plural(u.tables, "table")
    if u.fks_into:
        verb = "points" if u.fks_into == 1 else "point"
        finding = f"{_plural(u.fks_into, 'foreign key')} {verb} into {tables} no service owns"
    else:
        finding = f"{tables} no service owns"
    out = [finding, f"run `{command}`, review and commit it"]
    if u.cross_count_doubtful:
        out.append(DOUBT)
    return out


def build_unowned_banner(data: AppData, state: ViewState) -> html.Div | None:
    """The banner at the top of the overview, or None when every table has an owner."""
    u = unowned_of(data)
    command = init_command(data.inventory)
    sentences = banner_sentences(u, command)
    if not sentences:
        return None
    link = href(ViewState(page="tables", filter=TableFilter(services=(UNASSIGNED,)), present=state.present))
    return html.Div(
        id=ids.UNOWNED_BANNER,
        className="banner warn",
        role="alert",
        children=[
            html.Div(
                className="banner-text",
                children=[
                    html.B(sentences[0]),
                    " — run ",
                    html.Code(command, className="command"),
                    ", review and commit it.",
                    html.Div(sentences[2], className="banner-doubt") if len(sentences) > 2 else None,
                ],
            ),
            dcc.Link("Show them in the table graph", href=link, className="btn")
            if UNASSIGNED in data.services
            else None,
        ],
    )
