"""The stored form of parse-cache entries: typed MessagePack (msgspec), data only, never a pickle.

Reading a pickle can run any code it names, so a cache that holds pickles is only as safe as
its folder. These entries hold data only: :mod:`msgspec` decodes them into exactly the expected
frozen dataclasses of :mod:`model.inventory` and :mod:`ingest.migrations.ops`, checking every
field's type; an operation is stored as ``(class name, fields)`` and only the classes of
:data:`OPS` are accepted. Anything else -- truncated, foreign, from another version, planted --
raises :class:`ValueError`, which the cache counts as a miss. Decoding is about as fast as
unpickling (the measured figures are in the README's Security section).

Examples
--------
>>> from ingest.migrations.ops import DropTable, QName
>>> parsed = ("postgres", [DropTable((QName(None, "t"),), line=3)], [], "")
>>> load_parsed(dump_parsed("k", "001.sql", parsed)) == ("k", "001.sql", parsed)
True
>>> load_parsed(b"\\x93\\xa1k")
Traceback (most recent call last):
...
ValueError: not a parse-cache entry: Expected `array` of length 6, got 3
"""

from __future__ import annotations

from typing import Any

import msgspec

from ingest.migrations import ops
from model.inventory import Diagnostic, ForeignKey, Table

__all__ = ["OPS", "dump", "dump_parsed", "load", "load_parsed"]

#: Every operation class an entry may name.
OPS: dict[str, type[ops.Op]] = {
    name: cls
    for name in ops.__all__
    if isinstance(cls := getattr(ops, name), type)
    and issubclass(cls, ops.Op)
    and cls not in (ops.Op, ops.TableOp)
}

_ENCODER = msgspec.msgpack.Encoder()
_OP_DECODERS = {name: msgspec.msgpack.Decoder(cls) for name, cls in OPS.items()}
#: (key, rel, dialect, [(op class, op fields)], diagnostics, internal error)
_PARSED = msgspec.msgpack.Decoder(tuple[str, str, str, list[tuple[str, msgspec.Raw]], list[Diagnostic], str])
_SET = msgspec.msgpack.Decoder(
    tuple[str, tuple[tuple[Table, ...], tuple[ForeignKey, ...], tuple[Diagnostic, ...]]]
)
_PACK = msgspec.msgpack.Decoder(tuple[str, dict[str, bytes]])
_DECODERS: dict[str, msgspec.msgpack.Decoder[Any]] = {"set": _SET, "pack": _PACK}

Parsed = tuple[str, list[ops.Op], list[Diagnostic], str]


def dump_parsed(key: str, rel: str, parsed: Parsed) -> bytes:
    """The bytes of one file's parse (``(dialect, operations, diagnostics, error)``) under ``key``."""
    dialect, operations, diags, error = parsed
    tagged = [(type(op).__name__, msgspec.Raw(_ENCODER.encode(op))) for op in operations]
    return _ENCODER.encode((key, rel, dialect, tagged, diags, error))


def load_parsed(data: bytes | memoryview) -> tuple[str, str, Parsed]:
    """``(key, rel, parsed)`` of :func:`dump_parsed` bytes; ValueError for anything else."""
    try:
        key, rel, dialect, tagged, diags, error = _PARSED.decode(data)
        operations = [_OP_DECODERS[name].decode(raw) for name, raw in tagged]
    except (msgspec.DecodeError, KeyError) as exc:
        raise ValueError(f"not a parse-cache entry: {exc}") from None
    return key, rel, (dialect, operations, diags, error)


def dump(kind: str, key: str, payload: Any) -> bytes:
    """The bytes of a ``set`` result (tables, FKs, diagnostics) or a ``pack`` (key -> entry bytes)."""
    if kind not in _DECODERS:
        raise ValueError(f"unknown entry kind {kind!r}")
    return _ENCODER.encode((key, payload))


def load(kind: str, data: bytes | memoryview) -> tuple[str, Any]:
    """``(key, payload)`` of :func:`dump` bytes of ``kind``, type-checked; ValueError for anything else."""
    try:
        key, payload = _DECODERS[kind].decode(data)
    except (msgspec.DecodeError, KeyError) as exc:
        raise ValueError(f"not a parse-cache {kind} entry: {exc}") from None
    return key, payload
