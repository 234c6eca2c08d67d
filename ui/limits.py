"""What the dashboard's server accepts: request bodies up to a size, and callback requests of Dash's shape.

:func:`limit_requests` sets Flask's ``MAX_CONTENT_LENGTH``: a larger body is answered
``413`` without being read (``FKMAP_MAX_REQUEST_MB``, default :data:`DEFAULT_MAX_MB`; the
largest body the dashboard sends is the remediation grid's rows, about 0.5 KB per tracked
foreign key). A callback request (``POST /_dash-update-component``) whose JSON is not a
callback call of this app is answered ``400`` instead of raising in Dash (a ``500`` with
a traceback in the log). Install it after authentication (:func:`ui.auth.install_auth`),
so a request without a user gets its ``401`` before any body is read.

Examples
--------
>>> max_request_bytes({"FKMAP_MAX_REQUEST_MB": "2"}), max_request_bytes({})
(2097152, 8388608)
>>> callback_problem({"output": "x.children", "inputs": []}, {"x.children"})
''
>>> callback_problem({}, {"x.children"})
'not a Dash callback request: no output'
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from typing import Any

import dash
import flask

__all__ = ["DEFAULT_MAX_MB", "callback_problem", "limit_requests", "max_request_bytes"]

#: Default largest request body, in MB.
DEFAULT_MAX_MB = 8.0
_CALLBACK_PATH = "/_dash-update-component"


def max_request_bytes(environ: Mapping[str, str] | None = None) -> int:
    """``FKMAP_MAX_REQUEST_MB`` in bytes (default :data:`DEFAULT_MAX_MB`; a bad value is the default)."""
    env = os.environ if environ is None else environ
    try:
        mb = float(env.get("FKMAP_MAX_REQUEST_MB", "") or DEFAULT_MAX_MB)
    except ValueError:
        mb = DEFAULT_MAX_MB
    return int((mb if mb > 0 else DEFAULT_MAX_MB) * 1024 * 1024)


def callback_problem(body: Any, outputs: Collection[str]) -> str:
    """What makes ``body`` no callback request of an app whose callbacks have ``outputs``; ``''`` if fine."""
    if not isinstance(body, dict):
        return "not a Dash callback request: the body is no JSON object"
    output = body.get("output")
    if not isinstance(output, str) or not output:
        return "not a Dash callback request: no output"
    if output not in outputs:
        return "not a Dash callback request: unknown output"
    for key in ("inputs", "state", "changedPropIds"):
        if not isinstance(body.get(key, []), list):
            return f"not a Dash callback request: {key} is no list"
    if not isinstance(body.get("outputs", []), (list, dict)):
        return "not a Dash callback request: outputs is no list"
    return ""


def limit_requests(app: dash.Dash, max_bytes: int | None = None) -> None:
    """Cap request bodies at ``max_bytes`` (default :func:`max_request_bytes`) and refuse malformed
    callback requests (see the module docstring)."""
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = max_request_bytes() if max_bytes is None else max_bytes

    def check_callback() -> flask.Response | None:
        request = flask.request
        if request.path != _CALLBACK_PATH or request.method != "POST":
            return None
        limit = server.config["MAX_CONTENT_LENGTH"]
        if request.content_length is not None and request.content_length > limit:
            flask.abort(413)
        problem = callback_problem(request.get_json(silent=True), app.callback_map)
        return flask.Response(problem + "\n", status=400, mimetype="text/plain") if problem else None

    server.before_request(check_callback)
