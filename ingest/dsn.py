"""PostgreSQL connection strings: parse them, and never show a password.

Two forms are accepted, exactly as libpq reads them: URLs
(``postgresql://user:secret@host:5432/shop?sslmode=require``, also
``postgres://``) and ``key=value`` strings (``host=db user=app dbname=shop``).

A DSN *without a database* names the whole instance: fkmap then reads every
database of it (see :mod:`ingest.catalogs.postgres`).

Everything fkmap shows — sources, locations, diagnostics, logs — goes through
:func:`mask_dsn` or :attr:`Dsn.label`, which drop the password, and every
error text through :func:`scrub`, which also removes the password *string*
wherever a driver message echoes it.

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

__all__ = ["Dsn", "is_dsn", "is_postgres_source", "mask_dsn", "parse_dsn", "scrub", "to_instance_dsn"]

#: Connection parameters whose values are secrets.
SECRET_KEYS = ("password", "sslpassword")

_URL_RE = re.compile(r"(?i)\b(postgres(?:ql)?://)([^\s'\"]*)")
_KV_SECRET_RE = re.compile(
    r"(?i)(^|\s)\s*(?:" + "|".join(SECRET_KEYS) + r")\s*=\s*(?:'(?:[^'\\]|\\.)*'?|\S*)",
)


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
    """Remove every password from ``text``: URL user-info, ``?password=`` and ``password=...``.

    Works on any text (a DSN, or a message that contains one) and never raises;
    the rest of the text is kept as written.

    >>> mask_dsn("postgres://u:p%40ss@h/db?sslmode=require&password=x")
    'postgres://u@h/db?sslmode=require'
    >>> mask_dsn("could not connect to postgresql://u:pw@h:5432/db: refused")
    'could not connect to postgresql://u@h:5432/db: refused'
    >>> mask_dsn("dbname=shop password=pw")
    'dbname=shop'
    """

    def url(m: re.Match[str]) -> str:
        body = m.group(2)
        # The user-info ends at the last '@' before the query: safe even when a
        # password holds an unencoded '/' or '@' (libpq would reject it anyway).
        qcut = min((i for i in (body.find(c) for c in "?#") if i >= 0), default=len(body))
        at = body.rfind("@", 0, qcut)
        if at >= 0:
            user = body[:at].split(":", 1)[0].split("/", 1)[0]
            body = f"{user}@{body[at + 1 :]}" if user else body[at + 1 :]
        cut = min((i for i in (body.find(c) for c in "/?#") if i >= 0), default=len(body))
        authority, rest = body[:cut], body[cut:]
        path, sep, query = rest.partition("?")
        if sep:
            query, hash_, fragment = query.partition("#")
            kept = [kv for kv in query.split("&") if kv.split("=", 1)[0].lower() not in SECRET_KEYS]
            rest = path + ("?" + "&".join(kept) if any(kept) else "") + hash_ + fragment
        return f"{m.group(1)}{authority}{rest}"

    out = _URL_RE.sub(url, text)
    if _KV_SECRET_RE.search(out):
        out = " ".join(_KV_SECRET_RE.sub(" ", out).split(" ")).strip()
        out = re.sub(r"  +", " ", out)
    return out


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
        raise ValueError(scrub(f"invalid DSN {mask_dsn(dsn)!r}: {exc}", _guess_secrets(dsn))) from None
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


def _guess_secrets(dsn: str) -> list[str]:
    """Best-effort password values of a DSN libpq could not parse."""
    found = []
    m = _URL_RE.search(dsn)
    if m:
        body = m.group(2)
        qcut = min((i for i in (body.find(c) for c in "?#") if i >= 0), default=len(body))
        userinfo = body[: max(body.rfind("@", 0, qcut), 0)]
        if ":" in userinfo:
            found.append(userinfo.split(":", 1)[1])
    for key in SECRET_KEYS:
        for value in re.findall(rf"(?i)\b{key}\s*=\s*('(?:[^'\\]|\\.)*'?|[^\s&#]*)", dsn):
            found.append(value.strip("'"))
    return [s for s in found if s]
