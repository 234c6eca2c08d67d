"""MySQL/MariaDB URLs (``mysql://user:secret@host:3306/shop``, ``mariadb://...``, and
SQLAlchemy's spelling with a driver, ``mysql+pymysql://...``): parse them, and never show a
password.

:attr:`MysqlDsn.label` is what users see: ``scheme://user@host:port/database``, without
password or parameters. Without a database (``mysql://app@db/``) the URL names the whole
server. A ``+driver`` suffix of the scheme is accepted and dropped (fkmap always reads with
PyMySQL). Query parameters understood: ``connect_timeout``, ``charset``, ``unix_socket`` (or a
host that is a percent-encoded socket path), ``ssl_ca``, ``ssl_cert``, ``ssl_key``,
``ssl_verify_cert``, ``ssl_verify_identity``, ``ssl_disabled``; the others are kept in
:attr:`MysqlDsn.ignored` (the reader warns about them).

Examples
--------
>>> d = parse_mysql_dsn("mysql://app:s3cret@db:3306/shop?connect_timeout=3")
>>> d.label, d.database, d.instance.label
('mysql://app@db:3306/shop', 'shop', 'mysql://app@db:3306/')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from ingest.dsn import dsn_secrets, mask_dsn, scrub

__all__ = ["SCHEMES", "MysqlDsn", "is_mysql_dsn", "parse_mysql_dsn"]

SCHEMES = ("mysql://", "mariadb://")
#: ``mysql://``, ``mariadb://``, with an optional SQLAlchemy ``+driver`` (``mysql+pymysql://``).
_SCHEME_RE = re.compile(r"(?i)^(mysql|mariadb)(?:\+[a-z0-9_]+)?://")
_PARAMS = (
    "connect_timeout",
    "charset",
    "unix_socket",
    "ssl_ca",
    "ssl_cert",
    "ssl_key",
    "ssl_verify_cert",
    "ssl_verify_identity",
    "ssl_disabled",
)


def is_mysql_dsn(source: str) -> bool:
    """True for ``mysql://`` and ``mariadb://`` URLs (also ``mysql+pymysql://``).

    >>> is_mysql_dsn("MariaDB://db/shop"), is_mysql_dsn("mysql+pymysql://db/"), is_mysql_dsn("pgsql://db/")
    (True, True, False)
    """
    return _SCHEME_RE.match(source) is not None


@dataclass(frozen=True)
class MysqlDsn:
    """A parsed ``mysql://``/``mariadb://`` URL; :attr:`label` is what users see."""

    scheme: str
    user: str = ""
    password: str = field(default="", repr=False, compare=False)
    host: str = ""
    port: int | None = None
    database: str = ""
    params: tuple[tuple[str, str], ...] = ()
    ignored: tuple[str, ...] = ()

    @property
    def secrets(self) -> tuple[str, ...]:
        """The password, to scrub from any text."""
        return (self.password,) if self.password else ()

    @property
    def label(self) -> str:
        """``scheme://user@host:port/database`` without password or parameters."""
        user = f"{quote(self.user, safe='')}@" if self.user else ""
        host = f"[{self.host}]" if ":" in self.host else quote(self.host, safe="")
        port = f":{self.port}" if self.port is not None else ""
        return f"{self.scheme}://{user}{host}{port}/{quote(self.database, safe='')}"

    @property
    def instance(self) -> MysqlDsn:
        """The same settings without a database: every database of the server."""
        return self.for_database("")

    def for_database(self, name: str) -> MysqlDsn:
        """The same settings pointed at database ``name``."""
        return MysqlDsn(self.scheme, self.user, self.password, self.host, self.port, name, self.params)


def _split_userinfo(body: str) -> tuple[str, str, str]:
    """``(user, password, rest)`` of what follows ``scheme://``, still percent-encoded.

    The user-info runs to the last ``@`` before the query, as libpq reads it, so a password
    with an unencoded ``/`` or ``@`` never ends up in the host, port or an error message.
    """
    qcut = min((i for i in (body.find(c) for c in "?#") if i >= 0), default=len(body))
    at = body.rfind("@", 0, qcut)
    if at < 0:
        return "", "", body
    user, _, password = body[:at].partition(":")
    return user, password, body[at + 1 :]


def parse_mysql_dsn(dsn: str) -> MysqlDsn:
    """Parse a ``mysql://`` or ``mariadb://`` URL.

    Raises
    ------
    ValueError
        For a malformed URL; the message holds no password.

    >>> parse_mysql_dsn("mysql://u:p%40ss@%2Frun%2Fmysqld.sock/db").params
    (('unix_socket', '/run/mysqld.sock'),)
    >>> parse_mysql_dsn("mysql+pymysql://u:pw@db/shop").label
    'mysql://u@db/shop'
    >>> parse_mysql_dsn("mysql://u:p/w@db/shop").password  # user-info ends at the last '@'
    'p/w'
    """
    try:
        known = _SCHEME_RE.match(dsn.strip())
        if known is None:
            raise ValueError(f"not a MySQL URL (use {' or '.join(SCHEMES)})")
        user, password, rest = _split_userinfo(dsn.strip()[known.end() :])
        parts = urlsplit("mysql://" + rest)
        port = parts.port
        host = unquote(parts.hostname or "") if "[" not in parts.netloc else (parts.hostname or "")
        params: list[tuple[str, str]] = []
        ignored: list[str] = []
        if host.startswith("/"):
            params.append(("unix_socket", host))
            host = "localhost"
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            if key in _PARAMS:
                params.append((key, value))
            elif key.lower() not in ("password", "passwd"):
                ignored.append(key)
        database = unquote(parts.path.lstrip("/"))
        if "/" in database:
            raise ValueError(f"the path names more than a database: {database!r}")
        return MysqlDsn(
            known.group(1).lower(),
            unquote(user),
            unquote(password),
            host,
            port,
            database,
            tuple(params),
            tuple(ignored),
        )
    except ValueError as exc:
        shown = f"...@{dsn.rsplit('@', 1)[-1]}" if "@" in dsn else mask_dsn(dsn)
        raise ValueError(scrub(f"invalid MySQL URL {shown!r}: {exc}", dsn_secrets(dsn))) from None
