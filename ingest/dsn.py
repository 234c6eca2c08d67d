"""Connection strings: parse PostgreSQL's, and never show the password of any.

Two PostgreSQL forms are accepted, exactly as libpq reads them: URLs
(``postgresql://user:secret@host:5432/shop?sslmode=require``, also
``postgres://``) and ``key=value`` strings (``host=db user=app dbname=shop``).
MySQL/MariaDB URLs are parsed by :mod:`ingest.catalogs.mysql_dsn`, SQLite URLs by
:mod:`ingest.catalogs.sqlite_url`.

A DSN *without a database* names the whole instance: fkmap then reads every
database of it (see :mod:`ingest.catalogs.postgres`).

Everything fkmap shows — sources, locations, diagnostics, logs, the state store's
label — goes through :func:`mask_dsn` (or a parsed DSN's ``label``), the one masking
function: it drops the password of every DSN form (any ``scheme://user:password@``
URL, ``?password=``, ``password=...`` keywords). Every error text goes through
:func:`scrub`, which also removes the password *string* wherever a driver message
echoes it (:func:`dsn_secrets` finds it in a DSN no driver could parse).

Recognising and masking a DSN need no driver: psycopg's ``conninfo`` functions are
imported when a DSN is parsed or built.

Examples
--------
>>> mask_dsn("postgresql://app:s3cret@db:5432/shop")
'postgresql://app@db:5432/shop'
>>> mask_dsn("host=db user=app password='s3 cret' dbname=shop")
'host=db user=app dbname=shop'
>>> d = parse_dsn("postgresql://app:s3cret@db:5432/")
>>> d.is_instance, d.label
(True, 'postgresql://app@db:5432/')
>>> d.for_database("shop").label
'postgresql://app@db:5432/shop'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

__all__ = [
    "Dsn",
    "dsn_secrets",
    "is_dsn",
    "is_postgres_source",
    "is_url",
    "mask_dsn",
    "parse_dsn",
    "scrub",
    "to_instance_dsn",
]

#: Connection parameters whose values are secrets.
SECRET_KEYS = ("password", "sslpassword")

#: Any URL: its ``scheme://``, then everything up to white space, a double quote or ``<>``.
_URL_RE = re.compile(r"(?i)(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*://)([^\s\"<>]*)")
#: Database URL schemes (with SQLAlchemy's ``+driver``): a password may hold ``/`` unencoded.
_DB_SCHEME_RE = re.compile(r"(?i)^(?:postgres(?:ql)?|mysql|mariadb)(?:\+[a-z0-9_]+)?://$")
#: Query parameters of a URL whose values are secrets.
_QUERY_SECRETS = (*SECRET_KEYS, "passwd")
_KV_SECRET_RE = re.compile(
    r"(?i)(^|\s)\s*(?:" + "|".join(SECRET_KEYS) + r")\s*=\s*(?:'(?:[^'\\]|\\.)*'?|\S*)",
)


def is_url(source: str) -> bool:
    """True when ``source`` starts with a URL scheme and ``://`` (of any kind: never a path).

    >>> is_url("redis://cache/0"), is_url("mysql+pymysql://db/x"), is_url("db/migrations")
    (True, True, False)
    """
    return _URL_RE.match(source) is not None


def is_dsn(source: str) -> bool:
    """True when ``source`` is a PostgreSQL URL (``postgresql://`` or ``postgres://``).

    >>> is_dsn("postgres://db/shop"), is_dsn("migrations/")
    (True, False)
    """
    return source.lower().startswith(("postgresql://", "postgres://"))


_CONNINFO = re.compile(r"\s*[A-Za-z_]+\s*=")


def is_postgres_source(source: str) -> bool:
    """True when ``source`` names a PostgreSQL database: a URL (:func:`is_dsn`), or a libpq
    ``key=value`` string (``host=db dbname=shop``) that is no existing path.

    >>> is_postgres_source("host=db dbname=shop"), is_postgres_source("mysql://db/shop")
    (True, False)
    """
    return is_dsn(source) or (_CONNINFO.match(source) is not None and not Path(source).exists())


def mask_dsn(text: str) -> str:
    """Remove every password from ``text``: the one masking function of fkmap.

    It knows every form of DSN fkmap accepts, and more: the user-info password and the
    ``?password=`` (``sslpassword``, ``passwd``) parameter of *any* ``scheme://`` URL
    (``postgres(ql)://``, ``mysql://``, ``mariadb://``, ``mysql+pymysql://``, ``sqlite://``,
    ``redis://``...), and ``password=...`` in libpq ``key=value`` strings. Works on any text
    (a DSN, or a message that contains some) and never raises; the rest of the text is kept.

    >>> mask_dsn("postgres://u:p%40ss@h/db?sslmode=require&password=x")
    'postgres://u@h/db?sslmode=require'
    >>> mask_dsn("could not connect to postgresql://u:pw@h:5432/db: refused")
    'could not connect to postgresql://u@h:5432/db: refused'
    >>> mask_dsn("dbname=shop password=pw")
    'dbname=shop'
    >>> mask_dsn("mariadb://root:pw@db:3306/shop"), mask_dsn("redis://:pw@cache:6379/0")
    ('mariadb://root@db:3306/shop', 'redis://cache:6379/0')
    """
    out = _URL_RE.sub(lambda m: m.group(1) + _mask_url_body(m.group(1), m.group(2)), text)
    if _KV_SECRET_RE.search(out):
        out = " ".join(_KV_SECRET_RE.sub(" ", out).split(" ")).strip()
        out = re.sub(r"  +", " ", out)
    return out


def _userinfo_end(scheme: str, body: str) -> int:
    """Index of the ``@`` ending the user-info of a URL's ``body`` (after ``scheme://``), or -1.

    The user-info ends at the last ``@`` before the query: safe even when a password holds an
    unencoded ``/`` or ``@``. For schemes other than PostgreSQL and MySQL, an ``@`` after a
    ``/`` counts only when a ``:`` or ``@`` comes before that ``/`` (``https://host/a@b`` has
    none).

    >>> _userinfo_end("https://", "host/a@b"), _userinfo_end("redis://", ":p/w@host")
    (-1, 4)
    """
    qcut = min((i for i in (body.find(c) for c in "?#") if i >= 0), default=len(body))
    at = body.rfind("@", 0, qcut)
    if at < 0 or _DB_SCHEME_RE.match(scheme):
        return at
    first = body[: at + 1].split("/", 1)[0]
    return at if (":" in first or "@" in first) else -1


def _mask_url_body(scheme: str, body: str) -> str:
    """``body`` (what follows ``scheme://``) without its password and secret query parameters."""
    at = _userinfo_end(scheme, body)
    if at >= 0:
        user = body[:at].split(":", 1)[0].split("/", 1)[0]
        body = f"{user}@{body[at + 1 :]}" if user else body[at + 1 :]
    path, sep, query = body.partition("?")
    if not sep:
        return body
    query, hash_, fragment = query.partition("#")
    kept = [kv for kv in query.split("&") if unquote(kv.split("=", 1)[0]).lower() not in _QUERY_SECRETS]
    return path + ("?" + "&".join(kept) if any(kept) else "") + hash_ + fragment


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """Make ``text`` safe to show on one line: mask DSNs, remove ``secrets``, join lines.

    ``secrets`` are removed in their raw and URL-encoded spellings, so a driver
    message that echoes a password never leaks it.

    >>> scrub('failed for "hunter2"\\n\\tIs the server running?', ["hunter2"])
    'failed for "***"; Is the server running?'
    """
    out = mask_dsn(text)
    for secret in secrets:
        if not secret:
            continue
        for spelling in {secret, quote(secret, safe=""), quote(secret), unquote(secret)}:
            if spelling:
                out = out.replace(spelling, "***")
    lines = [" ".join(line.split()) for line in out.splitlines()]
    return "; ".join(line for line in lines if line)


@dataclass(frozen=True)
class Dsn:
    """A parsed connection string.

    ``params`` are the libpq keywords (``host``, ``port``, ``user``,
    ``dbname``...) including the password; only :attr:`conninfo` hands them
    to the driver. :attr:`label` is the masked, canonical URL shown to users.
    """

    raw: str
    params: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    @property
    def dbname(self) -> str:
        """The database, or ``''`` for an instance DSN."""
        return self.params.get("dbname", "")

    @property
    def is_instance(self) -> bool:
        """True when no database is named: the DSN means every database of the instance."""
        return not self.dbname

    @property
    def secrets(self) -> tuple[str, ...]:
        """The secret values (passwords) of this DSN, to scrub from any text."""
        return tuple(self.params[k] for k in SECRET_KEYS if self.params.get(k))

    @property
    def conninfo(self) -> str:
        """The libpq connection string (contains the password: never display it)."""
        from psycopg.conninfo import make_conninfo

        return make_conninfo(self.raw)

    @property
    def label(self) -> str:
        """``postgresql://user@host:port/dbname`` without password or options.

        >>> parse_dsn("host=/run/postgresql user=app dbname=shop").label
        'postgresql://app@%2Frun%2Fpostgresql/shop'
        """
        p = self.params
        hosts = p.get("host", "") or p.get("hostaddr", "")
        ports = p.get("port", "")
        host_list = hosts.split(",") if hosts else []
        port_list = ports.split(",") if ports else []
        if len(port_list) == 1 and len(host_list) > 1:
            port_list = port_list * len(host_list)
        parts = []
        for i, host in enumerate(host_list or [""]):
            shown = f"[{host}]" if ":" in host else quote(host, safe="")
            port = port_list[i] if i < len(port_list) else ""
            parts.append(f"{shown}:{port}" if port else shown)
        if not host_list and port_list:
            parts = [f":{port_list[0]}"]
        user = quote(p.get("user", ""), safe="")
        authority = (f"{user}@" if user else "") + ",".join(parts)
        return f"postgresql://{authority}/{quote(self.dbname, safe='')}"

    @property
    def instance(self) -> Dsn:
        """The same connection settings without a database: the whole instance."""
        from psycopg.conninfo import make_conninfo

        params = {k: v for k, v in self.params.items() if k != "dbname"}
        return Dsn(make_conninfo("", **params), params)

    def for_database(self, dbname: str) -> Dsn:
        """The same connection settings, pointed at ``dbname``."""
        from psycopg.conninfo import make_conninfo

        return Dsn(make_conninfo(self.raw, dbname=dbname), {**self.params, "dbname": dbname})


def parse_dsn(dsn: str) -> Dsn:
    """Parse a URL or ``key=value`` DSN the way libpq does.

    Raises
    ------
    ValueError
        When libpq rejects the string; the message is already scrubbed of secrets.

    >>> parse_dsn("postgresql://app@db/shop").params["dbname"]
    'shop'
    """
    from psycopg.conninfo import conninfo_to_dict

    try:
        params = {k: str(v) for k, v in conninfo_to_dict(dsn).items() if v is not None}
    except Exception as exc:
        raise ValueError(scrub(f"invalid DSN {mask_dsn(dsn)!r}: {exc}", dsn_secrets(dsn))) from None
    return Dsn(dsn, params)


def to_instance_dsn(dsn: str) -> str:
    """The DSN with its database removed, i.e. naming the whole instance (``--all-databases``).

    Unparseable input is returned unchanged (the reader reports it).

    >>> to_instance_dsn("postgresql://app:pw@db:5432/shop?sslmode=require")
    'postgresql://app:pw@db:5432/?sslmode=require'
    >>> to_instance_dsn("host=db dbname=shop")
    'host=db'
    """
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    if is_dsn(dsn):
        m = re.match(r"(?i)^(postgres(?:ql)?://[^/?#]*)(/[^?#]*)?(.*)$", dsn, re.S)
        if m:
            return f"{m.group(1)}/{m.group(3)}"
        return dsn
    try:
        params = conninfo_to_dict(dsn)
    except Exception:
        return dsn
    params.pop("dbname", None)
    return make_conninfo("", **params)


def dsn_secrets(text: str) -> list[str]:
    """The password values written in ``text`` (URL user-info, secret query parameters,
    ``password=`` keywords), even when no driver could parse it: what :func:`scrub` must remove.

    >>> dsn_secrets("mysql://root:p%40ss@db/x and host=db password='a b'")
    ['p%40ss', 'a b']
    """
    found = []
    for m in _URL_RE.finditer(text):
        body = m.group(2)
        at = _userinfo_end(m.group(1), body)
        if at >= 0 and ":" in body[:at]:
            found.append(body[:at].split(":", 1)[1])
        for key in _QUERY_SECRETS:
            found += re.findall(rf"(?i)[?&]{key}=([^&#]*)", body)
    for key in SECRET_KEYS:
        for value in re.findall(rf"(?i)\b{key}\s*=\s*('(?:[^'\\]|\\.)*'?|[^\s&#]*)", text):
            found.append(value.strip("'"))
    return [s for s in found if s]
