"""The ``check-text``, ``check-json`` and ``check-github`` formats: what ``fkmap check`` prints.

They write a :class:`checks.baseline.CheckResult` (the comparison lives there):
one line per finding and a summary line; a JSON document (sorted keys); or
GitHub Actions workflow commands, ``::error file=PATH,line=N::message`` per
finding. Names may hold line breaks, terminal escapes and bidi controls: they
are spelled out, so a finding stays one line.

Examples
--------
>>> from checks.baseline import CheckResult
>>> print(format_text(CheckResult((), 2, 2, "fkmap-baseline.json")), end="")
fkmap check: OK: 2 cross-service foreign keys, all listed in fkmap-baseline.json
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TextIO

from checks.baseline import CheckResult
from exports._common import count
from model.escape import clean_text

__all__ = [
    "format_github",
    "format_json",
    "format_text",
    "write_check_github",
    "write_check_json",
    "write_check_text",
]


def _one_line(text: str) -> str:
    """Names may hold line breaks, terminal escapes and bidi controls: spell them out."""
    return clean_text(text)


def _summary(result: CheckResult) -> str:
    if result.ok:
        return (
            f"fkmap check: OK: {count(result.checked, 'cross-service foreign key')}, "
            f"all listed in {result.baseline}"
        )
    return (
        f"fkmap check: FAILED: {count(len(result.new), 'new cross-service foreign key')}, "
        f"{count(len(result.stale), 'stale baseline entry', 'stale baseline entries')}"
    )


def format_text(result: CheckResult) -> str:
    """One line per finding, then a summary line."""
    return "".join(f"{_one_line(f.message)}\n" for f in result.findings) + _summary(result) + "\n"


def format_json(result: CheckResult) -> str:
    """The result as a JSON document (sorted keys)."""
    doc = {
        "format_version": 1,
        "ok": result.ok,
        "baseline": result.baseline,
        "checked": result.checked,
        "accepted": result.accepted,
        "new": [f.to_dict() for f in result.new],
        "stale": [f.to_dict() for f in result.stale],
    }
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(result: CheckResult, *, resolve: Callable[[str], str] = lambda p: p) -> str:
    """GitHub Actions workflow commands: ``::error file=PATH,line=N::message`` per finding.

    ``resolve`` maps a finding's path (relative to the scanned folder) to a
    path relative to the repository root.
    """
    out = []
    for f in result.findings:
        props = []
        if f.path:
            props.append(f"file={_gh_prop(resolve(f.path) if f.kind == 'new' else f.path)}")
            if f.line:
                props.append(f"line={f.line}")
        title = "new cross-service foreign key" if f.kind == "new" else "stale baseline entry"
        props.append(f"title={_gh_prop('fkmap check: ' + title)}")
        message = f.message
        for prefix in (f"{f.path}:{f.line}: ", f"{f.path}: "):
            if f.path and message.startswith(prefix):  # the annotation carries the place
                message = message[len(prefix) :]
                break
        out.append(f"::error {','.join(props)}::{_gh_data(_one_line(message))}\n")
    out.append(_summary(result) + "\n")
    return "".join(out)


def write_check_text(result: CheckResult, stream: TextIO) -> None:
    """Write :func:`format_text`."""
    stream.write(format_text(result))


def write_check_json(result: CheckResult, stream: TextIO) -> None:
    """Write :func:`format_json`."""
    stream.write(format_json(result))


def write_check_github(
    result: CheckResult, stream: TextIO, *, resolve: Callable[[str], str] = lambda p: p
) -> None:
    """Write :func:`format_github`; ``resolve`` maps finding paths to repository paths."""
    stream.write(format_github(result, resolve=resolve))
