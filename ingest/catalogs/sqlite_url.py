"""SQLite URLs, SQLAlchemy's spelling: ``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db``.

Examples
--------
>>> is_sqlite_url("sqlite:///data/app.db"), sqlite_path("sqlite:///data/app.db")
(True, 'data/app.db')
"""

from __future__ import annotations

from urllib.parse import unquote

__all__ = ["is_sqlite_url", "sqlite_path"]


def is_sqlite_url(source: str) -> bool:
    """True for ``sqlite:`` URLs.

    >>> is_sqlite_url("sqlite:///app.db"), is_sqlite_url("app.db")
    (True, False)
    """
    return source.lower().startswith("sqlite:")


def sqlite_path(url: str) -> str:
    """The file a ``sqlite:`` URL names (``''`` for none or ``:memory:``).

    >>> sqlite_path("sqlite:///data/app.db"), sqlite_path("sqlite:////var/app.db"), sqlite_path("sqlite://")
    ('data/app.db', '/var/app.db', '')
    """
    rest = url[len("sqlite:") :]
    if rest.startswith("//"):
        rest = rest[2:]
        rest = rest[1:] if rest.startswith("/") else rest  # the empty authority's slash
    rest = rest.split("?", 1)[0]
    path = unquote(rest)
    return "" if path in ("", ":memory:") else path
