r"""Names are data: make any string from SQL safe to show on one line of text.

Table, column, constraint and service names come from SQL written by others
and may hold line breaks, terminal escape sequences (``ESC [31m``, ``ESC ]0;title
BEL``) or Unicode bidirectional controls that reorder what a reader sees
("Trojan Source", CVE-2021-42574). Every exporter writes names through
:func:`clean_text`; the text report and the other terminal outputs go through
:func:`display_inventory`, which also escapes backslashes so that two
different names never look the same.

Format-specific escaping (HTML, Markdown, Mermaid, DOT, CSV, XML, SQL identifiers,
GitHub workflow commands) is done by each writer on top of this.

Examples
--------
>>> clean_text("a\nb\x1b[31m\u202ec")
'a\\x0ab\\x1b[31m\\u202ec'
>>> display_text("x\\y\n")
'x\\\\y\\x0a'
"""

from __future__ import annotations

from typing import Any

from model.inventory import Inventory

__all__ = ["BIDI_CONTROLS", "clean_text", "display_inventory", "display_text"]

#: Invisible characters that change the display order of the text around them.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKS = frozenset("\u2028\u2029\x85")


def clean_text(text: str) -> str:
    r"""Control characters (line breaks included) and bidi controls spelled ``\xNN``/``\uNNNN``.

    The result is one line without any character a terminal, a browser or an XML
    reader would act on; everything else (letters of any script, emoji, zero-width
    spaces) is kept.

    >>> clean_text("ok ユーザー😀"), clean_text("\x00\x7f\u2028")
    ('ok ユーザー😀', '\\x00\\x7f\\x2028')
    """
    if text.isprintable() and not (BIDI_CONTROLS & set(text)):
        return text
    out = []
    for ch in text:
        o = ord(ch)
        if o < 32 or o == 127 or ch in _LINE_BREAKS:
            out.append(f"\\x{o:02x}")
        elif ch in BIDI_CONTROLS or 0xD800 <= o <= 0xDFFF or o in (0xFFFE, 0xFFFF):
            out.append(f"\\u{o:04x}")
        else:
            out.append(ch)
    return "".join(out)


def display_text(text: str) -> str:
    r""":func:`clean_text` after doubling backslashes: one line, and distinct names stay distinct.

    >>> display_text("a\nb"), display_text("a\\x0ab")
    ('a\\x0ab', 'a\\\\x0ab')
    """
    return clean_text(text.replace("\\", "\\\\")) if "\\" in text else clean_text(text)


def _strings(value: Any) -> Any:
    if isinstance(value, str):
        return display_text(value)
    if isinstance(value, list):
        return [_strings(v) for v in value]
    if isinstance(value, dict):
        return {k: _strings(v) for k, v in value.items()}
    return value


def display_inventory(inv: Inventory) -> Inventory:
    """A copy of ``inv`` whose every string went through :func:`display_text`.

    For line-oriented text reports: names can then be formatted freely. Enumerated
    values (``CASCADE``, ``present``, ``error``...) hold nothing to escape and are kept.
    """
    data = inv.to_dict()
    if all(display_text(s) == s for s in _all_strings(data)):
        return inv
    return Inventory.from_dict(_strings(data))


def _all_strings(value: Any) -> list[str]:
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
    return found
