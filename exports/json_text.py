"""JSON text exactly as ``json.dumps(indent=2, ensure_ascii=False)`` lays it out, written by msgspec.

:func:`json_text` renders a value; :func:`write_json` streams an object whose values may be
:class:`Entries` -- a long list rendered one entry at a time, so a document of 20,000 tables
is never held whole, neither as dicts nor as one more copy of its text. :func:`materialize`
turns such an object into plain lists and dicts.

msgspec keeps the keys in insertion order and writes the same escapes, separators and
indentation as the standard library, and the same floats for the ones fkmap writes (4 decimal
places at most), at a tenth of the cost. Nested text is indented by shifting every line break
(inside a string a line break is the escape ``\\n``, never a raw one). A lone surrogate (from a
file name that was not UTF-8) is no UTF-8, so only the standard library writes it, as it always did.

>>> import io
>>> doc = {"n": 1, "rows": Entries([1, 2], lambda i: {"i": i, "sq": [i * i]}), "none": Entries([], str)}
>>> out = io.StringIO()
>>> write_json(doc, out)
>>> out.getvalue() == json.dumps(materialize(doc), indent=2, ensure_ascii=False)
True
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

import msgspec

__all__ = ["CHUNK", "Entries", "json_text", "materialize", "write_json"]

#: Entries laid out together: one encoding per chunk instead of one per entry, a bounded text.
CHUNK = 256


@dataclass(frozen=True)
class Entries:
    """A list value rendered lazily: ``render(item)`` for each of ``items``, in order."""

    items: Sequence[Any]
    render: Callable[[Any], Any]


def json_text(value: Any) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)``, the same text (see the module docstring).

    >>> value = {"a": [], "b": {"c": [1, None, 0.25]}, "d": "é\\n"}
    >>> json_text(value) == json.dumps(value, indent=2, ensure_ascii=False)
    True
    """
    try:
        raw = msgspec.json.encode(value)
    except UnicodeEncodeError:  # dataclasses as msgspec writes them: the dicts of their fields
        return json.dumps(msgspec.to_builtins(value), indent=2, ensure_ascii=False)
    del value  # a document passed in as a temporary is freed before the text is laid out
    text = msgspec.json.format(raw, indent=2)
    del raw
    return text.decode("utf-8")


def _nested(value: Any, depth: int) -> str:
    """:func:`json_text` of ``value`` placed ``depth`` levels deep (its first line not indented)."""
    return json_text(value).replace("\n", "\n" + "  " * depth)


def write_json(doc: Mapping[str, Any], stream: TextIO, *, end: str = "") -> None:
    """Write the object ``doc`` as :func:`json_text` of ``materialize(doc)`` would, rendering
    each :class:`Entries` value entry by entry, then ``end``.

    A file gets the pieces as they come, so the text is never held whole. An in-memory
    :class:`io.StringIO` gets them joined, in one write: it keeps a single string as it is, but
    would copy many pieces into a growing buffer."""
    if isinstance(stream, io.StringIO):
        stream.write("".join(_pieces(doc, end)))
    else:
        for piece in _pieces(doc, end):
            stream.write(piece)


def _pieces(doc: Mapping[str, Any], end: str) -> Iterator[str]:
    if not doc:
        yield "{}" + end
        return
    for i, (key, value) in enumerate(doc.items()):
        yield ("{\n  " if i == 0 else ",\n  ") + json_text(key) + ": "
        if not isinstance(value, Entries):
            yield _nested(value, 1)
        elif not value.items:
            yield "[]"
        else:
            yield from _rendered(value)
    yield "\n}" + end


def _rendered(entries: Entries) -> Iterator[str]:
    """The list of ``entries`` as a value of the top object, :data:`CHUNK` entries per piece.

    A chunk is laid out as one list (``[`` + each entry two levels deep, ``,`` between them +
    ``]``) and its brackets are cut, so the pieces join into the text of the whole list."""
    items, render = entries.items, entries.render
    for start in range(0, len(items), CHUNK):
        text = _nested([render(item) for item in items[start : start + CHUNK]], 1)
        yield (text if start == 0 else "," + text[1:])[: -len("\n  ]")]
    yield "\n  ]"


def materialize(doc: Mapping[str, Any]) -> dict[str, Any]:
    """``doc`` with each :class:`Entries` value rendered into a list."""
    return {k: [v.render(x) for x in v.items] if isinstance(v, Entries) else v for k, v in doc.items()}
