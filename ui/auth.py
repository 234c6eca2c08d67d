"""Who may see the dashboard and who may change remediation records (``FKMAP_AUTH`` / ``--auth``).

The value is one of:

``none`` (or unset)
    No login. Anyone who reaches the server views and edits; ``fkmap serve`` binds
    127.0.0.1 unless ``--host`` says otherwise. The editor types a name for the audit log.
``basic:/etc/fkmap/users.toml``
    HTTP basic authentication (:class:`dash_auth.BasicAuth`) against a users file.
    Put TLS in front (a reverse proxy): basic authentication sends the password with
    every request.
``header:X-Forwarded-User`` or ``header:X-Forwarded-User:/etc/fkmap/users.toml``
    Trust the user name an authenticating reverse proxy puts in that header; a request
    without it is refused. Only safe when nothing but the proxy can reach the server.
    Without a users file every user is an editor; with one, roles come from it and
    users it does not list are viewers.

The users file::

    [users.alice]
    password = "scrypt:32768:8:1$..."   # python -m ui.auth hash-password (never plain text)
    role = "editor"                      # editor | viewer (the default)

With authentication on, every page, callback and download needs a user (``/healthz``
stays open for load balancers), only *editors* may change records, snapshots and
attachments, and the audit log records the authenticated name -- the name field of
the editor shows it and cannot be changed. Viewers see everything read-only.

The user is known from the request's headers alone: a request without one is answered
401 before its body is read (dash-auth's own check parses a callback's JSON body first,
so fkmap replaces it), and no route is public but ``/healthz``.

Examples
--------
>>> parse_auth("header:X-Forwarded-User")
AuthSettings(mode='header', header='X-Forwarded-User', users=None)
>>> parse_auth(None).enabled
False
"""

from __future__ import annotations

import base64
import binascii
import getpass
import hmac
import logging
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import dash
import dash_auth
import flask
from dash_auth.auth import Auth as _DashAuth
from werkzeug.security import check_password_hash, generate_password_hash

from ui import ids

__all__ = [
    "EDITOR",
    "VIEWER",
    "AuthConfigError",
    "AuthSettings",
    "User",
    "auth_enabled",
    "current_user",
    "edit_identity",
    "hash_password",
    "install_auth",
    "load_users",
    "parse_auth",
]

log = logging.getLogger("fkmap")

Role = Literal["editor", "viewer"]
EDITOR: Role = "editor"
VIEWER: Role = "viewer"
#: Callback outputs that change the remediation store (the editor's status line): editors only.
WRITE_OUTPUTS = (f"{ids.REM_MESSAGE}.children",)
_CONFIG_KEY = "FKMAP_AUTH_SETTINGS"
_HASH_PREFIXES = ("scrypt:", "pbkdf2:")
#: Checked against for unknown users, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("fkmap-no-such-user")


class AuthConfigError(ValueError):
    """``FKMAP_AUTH`` or its users file cannot be used; the message says why and how to fix it."""


@dataclass(frozen=True)
class User:
    """An authenticated user."""

    name: str
    role: Role

    @property
    def can_edit(self) -> bool:
        return self.role == EDITOR


@dataclass(frozen=True)
class _Entry:
    password_hash: str
    role: Role


@dataclass(frozen=True)
class AuthSettings:
    """A parsed ``FKMAP_AUTH``: ``mode`` none|basic|header, the header name, the users file's entries."""

    mode: Literal["none", "basic", "header"] = "none"
    header: str = ""
    users: Mapping[str, _Entry] | None = None

    @property
    def enabled(self) -> bool:
        return self.mode != "none"

    def role_of(self, name: str) -> Role:
        if self.users is None:
            return EDITOR  # header mode without a users file: the proxy decides who gets in
        entry = self.users.get(name)
        return entry.role if entry is not None else VIEWER

    def check_password(self, name: str, password: str) -> bool:
        entry = (self.users or {}).get(name)
        ok = check_password_hash(entry.password_hash if entry else _DUMMY_HASH, password)
        return ok and entry is not None


def hash_password(password: str) -> str:
    """The hash to put in a users file (werkzeug's scrypt)."""
    return generate_password_hash(password)


def load_users(path: str | Path) -> dict[str, _Entry]:
    """Read a users file (see the module docstring); :class:`AuthConfigError` says what is wrong."""
    label = str(path)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise AuthConfigError(f"cannot read the users file {label}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise AuthConfigError(f"the users file {label} is not valid TOML: {exc}") from None
    users = data.get("users")
    if not isinstance(users, dict) or not users:
        raise AuthConfigError(f"the users file {label} has no [users.<name>] table")
    out: dict[str, _Entry] = {}
    for name, entry in users.items():
        if not isinstance(entry, dict):
            raise AuthConfigError(f"{label}: [users.{name}] must be a table with password and role")
        unknown = sorted(set(entry) - {"password", "role"})
        if unknown:
            raise AuthConfigError(
                f"{label}: [users.{name}] has unknown keys {unknown}; use password and role"
            )
        password = entry.get("password")
        if not isinstance(password, str) or not password.startswith(_HASH_PREFIXES):
            raise AuthConfigError(
                f"{label}: the password of {name!r} must be a hash (python -m ui.auth hash-password), "
                "never the password itself"
            )
        role = entry.get("role", VIEWER)
        if role not in (EDITOR, VIEWER):
            raise AuthConfigError(f"{label}: the role of {name!r} is {role!r}; use 'editor' or 'viewer'")
        out[name] = _Entry(password, role)
    return out


def parse_auth(spec: str | None) -> AuthSettings:
    """Parse ``FKMAP_AUTH``; :class:`AuthConfigError` names the problem (unknown mode, bad users file)."""
    text = (spec or "").strip()
    if text.lower() in ("", "none", "off"):
        return AuthSettings()
    mode, _, rest = text.partition(":")
    mode = mode.strip().lower()
    if mode == "basic":
        if not rest.strip():
            raise AuthConfigError("FKMAP_AUTH=basic needs a users file: basic:/path/to/users.toml")
        return AuthSettings("basic", users=load_users(rest.strip()))
    if mode == "header":
        header, _, users_file = rest.partition(":")
        header = header.strip()
        if not header or not all(c.isalnum() or c in "-_" for c in header):
            raise AuthConfigError("FKMAP_AUTH=header needs a header name: header:X-Forwarded-User")
        users = load_users(users_file.strip()) if users_file.strip() else None
        return AuthSettings("header", header=header, users=users)
    raise AuthConfigError(
        f"unknown FKMAP_AUTH mode {mode!r}: use none, basic:/path/users.toml or header:X-Forwarded-User"
    )


# ------------------------------------------------------------------------------------------------ requests
def _settings() -> AuthSettings:
    if not flask.has_app_context():
        return AuthSettings()
    settings = flask.current_app.config.get(_CONFIG_KEY)
    return settings if isinstance(settings, AuthSettings) else AuthSettings()


def auth_enabled() -> bool:
    """True when the app serving the current request requires a login."""
    return _settings().enabled


def current_user() -> User | None:
    """The authenticated user of the current request; None without authentication or outside a request."""
    if not flask.has_request_context():
        return None
    user = flask.g.get("fkmap_user")
    return user if isinstance(user, User) else None


def edit_identity(typed: str | None) -> tuple[str, str]:
    """``(who, refusal)`` for a change to the remediation store.

    Without authentication ``who`` is the name typed in the editor. With it, it is the
    authenticated user (whatever was typed), and a viewer -- or a request without a
    user -- gets a refusal message instead.
    """
    if not auth_enabled():
        return (typed or "").strip(), ""
    user = current_user()
    if user is None:
        return "", "Not saved: sign in first."
    if not user.can_edit:
        return "", f"Not saved: {user.name} has read-only access (role viewer)."
    return user.name, ""


def _basic_credentials() -> tuple[str, str] | None:
    header = flask.request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "basic" or not token:
        return None
    try:
        name, sep, password = base64.b64decode(token.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return (name, password) if sep and name else None


def _require_user(auth: _BasicAuth | _HeaderAuth) -> None:
    """Answer every request without a user with ``auth.login_request()`` (401), from its headers
    alone: the body of a refused request is never read (see the module docstring)."""

    def check() -> flask.Response | None:
        return None if auth.is_authorized() else auth.login_request()

    auth.app.server.before_request(check)


class _BasicAuth(dash_auth.BasicAuth):  # type: ignore[misc]
    """dash-auth's basic authentication with hashed passwords, roles, and no Flask session.

    Malformed ``Authorization`` headers are a refusal (401), never an error page.
    """

    def __init__(self, app: dash.Dash, settings: AuthSettings) -> None:
        self.settings = settings
        super().__init__(app, auth_func=self._verify)

    def _protect(self) -> None:
        _require_user(self)

    def _verify(self, name: str, password: str) -> bool:
        return self.settings.check_password(name, password)

    def is_authorized(self) -> bool:
        credentials = _basic_credentials()
        if credentials is None or not self._verify(*credentials):
            return False
        flask.g.fkmap_user = User(credentials[0], self.settings.role_of(credentials[0]))
        return True

    def login_request(self) -> flask.Response:
        return flask.Response(
            "Login required\n",
            status=401,
            headers={"WWW-Authenticate": 'Basic realm="fkmap", charset="UTF-8"'},
        )


class _HeaderAuth(_DashAuth):  # type: ignore[misc]
    """Trust the user name a reverse proxy sets in ``settings.header``."""

    def __init__(self, app: dash.Dash, settings: AuthSettings) -> None:
        self.settings = settings
        super().__init__(app)

    def _protect(self) -> None:
        _require_user(self)

    def is_authorized(self) -> bool:
        name = flask.request.headers.get(self.settings.header, "").strip()
        if not name:
            return False
        flask.g.fkmap_user = User(name, self.settings.role_of(name))
        return True

    def login_request(self) -> flask.Response:
        return flask.Response(f"Authentication required: no {self.settings.header} header\n", status=401)


def _guard_writes() -> flask.Response | None:
    """Refuse a viewer's call of a callback that writes (runs after authentication)."""
    if flask.request.path != "/_dash-update-component" or flask.request.method != "POST":
        return None
    user = current_user()
    body = flask.request.get_json(silent=True)
    output = str(body.get("output", "")) if isinstance(body, dict) else ""
    if user is not None and not user.can_edit and any(w in output for w in WRITE_OUTPUTS):
        return flask.Response(f"{user.name} has read-only access\n", status=403)
    return None


def install_auth(app: dash.Dash, settings: AuthSettings | str | None) -> AuthSettings:
    """Protect ``app`` as ``settings`` (an :class:`AuthSettings` or an ``FKMAP_AUTH`` string) says.

    Every route needs a user but ``/healthz``, which is answered before authentication
    (never through dash-auth's public routes: those also open any callback request that
    names a public path in a ``pathname`` input). Returns the settings in force.
    """
    parsed = settings if isinstance(settings, AuthSettings) else parse_auth(settings)
    server = app.server
    server.config[_CONFIG_KEY] = parsed
    if not parsed.enabled:
        return parsed
    healthz = server.view_functions.get("fkmap_healthz")

    def open_health_check() -> Any:
        if healthz is not None and flask.request.path == "/healthz":
            return healthz()
        return None

    server.before_request(open_health_check)  # first: it answers /healthz without a user
    if parsed.mode == "basic":
        _BasicAuth(app, parsed)
    else:
        _HeaderAuth(app, parsed)
    server.before_request(_guard_writes)  # after the authentication hook registered above
    return parsed


def main(argv: list[str] | None = None) -> int:
    """``python -m ui.auth hash-password``: read a password (twice, not echoed) and print its hash."""
    args = sys.argv[1:] if argv is None else argv
    if args != ["hash-password"]:
        print("usage: python -m ui.auth hash-password", file=sys.stderr)
        return 2
    if sys.stdin.isatty():
        first, second = getpass.getpass("Password: "), getpass.getpass("Again: ")
        if not hmac.compare_digest(first, second):
            print("the passwords differ", file=sys.stderr)
            return 1
    else:
        first = sys.stdin.readline().rstrip("\n")
    if not first:
        print("an empty password is not allowed", file=sys.stderr)
        return 1
    print(hash_password(first))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
