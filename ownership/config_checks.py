"""Checked access to parsed ``fkmap.toml`` values, with diagnostics that say where.

:class:`ConfigChecker` reads one value at a time (a table, a string, an array
of strings, a regular expression), reports what is wrong as a
:class:`~model.inventory.Diagnostic` (code ``config``) naming the key and its
line, and hands back a default instead. :class:`KeyLines` finds that line:
:mod:`tomllib` keeps no positions, so headers (``[a.b]``, ``[[a]]``, counted
per array) and ``key = value`` lines are indexed; an inline table or array
holding the key gives the line of its own key; a key not found is line 0.

Examples
--------
>>> lines = KeyLines('[services.auth]\\ntables = ["users"]\\n[[replicas]]\\ntable = "x"\\n')
>>> lines.line_of(("services", "auth", "tables")), lines.line_of(("replicas", 0, "table"))
(2, 4)
>>> lines.excerpt(2), lines.line_of(("infer",))
('tables = ["users"]', 0)
>>> checker = ConfigChecker('[scan]\\ndialect = 5\\n', "fkmap.toml")
>>> checker.string({"dialect": 5}, ("scan", "dialect"), "postgres")
'postgres'
>>> [(d.line, d.message) for d in checker.diagnostics]
[(2, "'scan.dialect' must be a non-empty string, not an integer; ignored")]
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from model.inventory import Diagnostic, Severity
from ownership.patterns import nested_repeat

__all__ = ["ConfigChecker", "Key", "KeyLines", "config_diagnostic", "display_key", "kind_of"]

#: A dotted TOML key; array items are counted from 0 (``("replicas", 0, "owner")``).
Key = tuple[str | int, ...]


class KeyLines:
    """The line of a key in one TOML text (the index is built on first use)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self._index: list[tuple[str, bool, int]] | None = None

    def excerpt(self, line: int) -> str:
        """Line ``line`` (1-based), stripped and cut to 120 characters; ``""`` when there is none."""
        return self.lines[line - 1].strip()[:120] if 0 < line <= len(self.lines) else ""

    def line_of(self, key: Key) -> int:
        """Best-effort line of a key (tomllib keeps no positions); 0 when not found."""
        if self._index is None:
            self._index = self._build_index()
        target = ".".join(str(k) for k in key)
        fallback = 0
        for dotted, is_header, no in self._index:
            if dotted == target or dotted.startswith(target + "."):
                return no
            if not is_header and not fallback and target.startswith(dotted + "."):
                fallback = no  # an inline table or array holding the key
        return fallback

    def _build_index(self) -> list[tuple[str, bool, int]]:
        index: list[tuple[str, bool, int]] = []
        header, counts = "", dict[str, int]()
        for no, raw in enumerate(self.lines, 1):
            text = raw.strip()
            head = re.match(r"\[(\[?)([^\]]*)\]", text)
            if head:
                name = _norm_key(head.group(2))
                if head.group(1):
                    counts[name] = counts.get(name, -1) + 1
                    name = f"{name}.{counts[name]}"
                header = name
                index.append((header, True, no))
                continue
            pair = re.match(r"""([A-Za-z0-9_\-."' ]+?)\s*=""", text)
            if pair:
                key = _norm_key(pair.group(1))
                index.append((f"{header}.{key}" if header else key, False, no))
        return index


def _norm_key(text: str) -> str:
    """``services . "auth"`` -> ``services.auth`` (best effort, for line lookup only)."""
    return re.sub(r"\s*\.\s*", ".", text.strip()).replace('"', "").replace("'", "")


def config_diagnostic(
    severity: Severity, message: str, path: str, line: int = 0, excerpt: str = ""
) -> Diagnostic:
    """A diagnostic about ``fkmap.toml`` (code ``config``)."""
    return Diagnostic(severity, message, path, line, excerpt, "config")


_KIND = {
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a float",
    list: "an array",
    dict: "a table",
}


def display_key(key: Key) -> str:
    """``("replicas", 0, "owner")`` -> ``replicas[0].owner``, as messages spell a key."""
    out = ""
    for part in key:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def kind_of(value: Any) -> str:
    """What a TOML value is, for messages: ``a string``, ``an array``, ``a table``..."""
    return _KIND.get(type(value), f"a {type(value).__name__}")


class ConfigChecker:
    """Reads values of one parsed file, collecting a diagnostic for each one that is wrong."""

    def __init__(self, text: str, path: str) -> None:
        self.where = KeyLines(text)
        self.path = path
        self.name = Path(path).name
        self.diagnostics: list[Diagnostic] = []

    def report(self, severity: Severity, message: str, key: Key) -> None:
        """Add a diagnostic about ``key`` with its line and that line's text."""
        line = self.where.line_of(key)
        self.diagnostics.append(
            config_diagnostic(severity, message, self.path, line, self.where.excerpt(line))
        )

    def table(self, value: Any, key: Key) -> dict[str, Any] | None:
        """``value`` when it is a table, else None (reported)."""
        if isinstance(value, dict):
            return value
        self.report("error", f"'{display_key(key)}' must be a table, not {kind_of(value)}; ignored", key)
        return None

    def known_keys(self, data: dict[str, Any], valid: Sequence[str], prefix: Key) -> None:
        """Warn about each key of ``data`` not in ``valid``, suggesting the closest valid one."""
        for key in data:
            if key in valid:
                continue
            shown = display_key((*prefix, key))
            close = difflib.get_close_matches(key.lower(), valid, n=1, cutoff=0.6)
            if close:
                hint = f"did you mean '{display_key((*prefix, close[0]))}'?"
            else:
                hint = "valid keys here: " + ", ".join(valid)
            self.report("warning", f"unknown key '{shown}' in {self.name}; {hint}", (*prefix, key))

    def boolean(self, data: dict[str, Any], key: Key) -> bool:
        """The boolean at ``key``; False when it is absent or not a boolean (reported)."""
        value = data.get(str(key[-1]), False)
        if isinstance(value, bool):
            return value
        self.report(
            "error", f"'{display_key(key)}' must be true or false, not {kind_of(value)}; using false", key
        )
        return False

    def string(self, data: dict[str, Any], key: Key, default: str = "", *, required: bool = False) -> str:
        """The string at ``key``; ``default`` when it is absent or not a (non-empty, if required) string."""
        name = str(key[-1])
        if name not in data:
            if required:
                self.report("error", f"'{display_key(key)}' is missing; entry ignored", key[:-1])
            return default
        value = data[name]
        if isinstance(value, str) and (value or not required):
            return value
        what = "an empty string" if isinstance(value, str) else kind_of(value)
        tail = "entry ignored" if required else "ignored"
        self.report("error", f"'{display_key(key)}' must be a non-empty string, not {what}; {tail}", key)
        return default

    def strings(self, data: dict[str, Any], key: Key, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        """The array of strings at ``key`` without items that are not non-empty strings."""
        name = str(key[-1])
        if name not in data:
            return default
        value = data[name]
        if not isinstance(value, list):
            shown = display_key(key)
            example = f'{name} = ["{value}"]' if isinstance(value, str) else f"{name} = [...]"
            msg = f"'{shown}' must be an array of strings (write {example}), not {kind_of(value)}; ignored"
            self.report("error", msg, key)
            return default
        good = tuple(v for v in value if isinstance(v, str) and v)
        if len(good) != len(value):
            bad = ", ".join(repr(v) for v in value if not (isinstance(v, str) and v))
            self.report(
                "error",
                f"'{display_key(key)}' holds items that are not non-empty strings ({bad}); "
                "those items are ignored",
                key,
            )
        return good

    def regex(self, data: dict[str, Any], key: Key, default: str) -> str:
        """The regular expression at ``key``; ``default`` when it does not compile or nests repeats."""
        pattern = self.string(data, key, default)
        shown = display_key(key)
        try:
            re.compile(pattern)
        except re.error as exc:
            self.report(
                "error",
                f"'{shown}' is not a valid regular expression ({exc}); using the default {default!r}",
                key,
            )
            return default
        if nested_repeat(pattern):
            self.report(
                "error",
                f"'{shown}' repeats a group that itself repeats ({pattern!r}): matching it can take "
                f"exponential time; write it without nested repeats; using the default {default!r}",
                key,
            )
            return default
        return pattern
