"""Saved scans as a source: a ``.json`` file a scan was written to, read back into an inventory.

The saved-scan document is fkmap's JSON contract, what ``fkmap scan --format json`` writes
(:func:`exports.scan_json.scan_document`; its docstring documents every field).
:func:`load_document` reads one back: tables (with their ``owner_evidence``), FKs, shared
access, diagnostics, services and sources come back as they were; the computed fields
(``cross_service``, ``summary``...) are left out (they are recomputed from the rest), and
migrations are not part of the document.

For compatibility the same reader takes the internal form too, the output of
:meth:`Inventory.to_json <model.inventory.Inventory.to_json>`; :func:`is_scan_document`
tells the two apart.

:func:`read` is the reader of ``.json`` sources (:mod:`ingest.registry`). It never raises:
an unreadable file is an ``io-error``, text that is no JSON a ``parse-error``; a scan
document it cannot read (a newer ``format_version``, missing fields) is one error with code
``source-failed``; an internal inventory must carry this fkmap's ``format_version``
(``unsupported`` otherwise) and be well formed (``parse-error``). The inventory read gets
``Source("inventory", <path>)``.

Examples
--------
>>> from model.inventory import ForeignKey, Inventory, Table, TableRef
>>> p, u = TableRef("db", "public", "posts"), TableRef("db", "public", "users")
>>> fk = ForeignKey("posts_user_id_fkey", p, ("user_id",), u, ("id",))
>>> inv = Inventory(tables=(Table(p), Table(u)), foreign_keys=(fk,))
>>> doc = {"format_version": 1, "tables": [], "foreign_keys": [], "summary": {}}
>>> is_scan_document(doc), load_document(doc) == Inventory()
(True, True)
>>> load_document(inv.to_dict()) == inv
True
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

import msgspec

from model.inventory import (
    Column,
    Diagnostic,
    Evidence,
    ForeignKey,
    Inventory,
    Location,
    Service,
    SharedAccess,
    Source,
    Table,
    TableRef,
)

__all__ = ["FORMAT_VERSION", "is_scan_document", "load_document", "read"]

#: ``format_version`` of the scan document this fkmap writes and reads.
FORMAT_VERSION = 1


def is_scan_document(doc: Any) -> bool:
    """True for a scan document (as opposed to ``Inventory.to_dict`` output).

    >>> is_scan_document({"foreign_keys": [], "summary": {}}), is_scan_document(Inventory().to_dict())
    (True, False)
    """
    return isinstance(doc, dict) and "summary" in doc and isinstance(doc.get("foreign_keys"), list)


def _to_ref(d: dict[str, Any] | None) -> TableRef | None:
    return None if d is None else TableRef(str(d["database"]), str(d["schema"]), str(d["name"]))


def _to_loc(d: dict[str, Any] | None) -> Location | None:
    return None if d is None else Location(str(d["path"]), int(d.get("line", 0)))


def _load_table(d: dict[str, Any]) -> Table:
    ref = _to_ref(d)
    assert ref is not None
    return Table(
        ref=ref,
        columns=tuple(
            Column(c["name"], c.get("type", ""), c.get("nullable", True)) for c in d.get("columns", [])
        ),
        primary_key=tuple(d.get("primary_key", ())),
        external=bool(d.get("external", False)),
        defined_at=_to_loc(d.get("defined_at")),
        dropped_at=_to_loc(d.get("dropped_at")),
        service=d.get("service", ""),
        replica_of=d.get("replica_of", ""),
        resolved_to=_to_ref(d.get("resolved_to")),
        provided_by=str(d.get("provided_by", "")),
        owner_evidence=tuple(_load_evidence(e) for e in d.get("owner_evidence", ())),
    )


def _load_evidence(d: dict[str, Any]) -> Evidence:
    return Evidence(
        str(d["kind"]),
        str(d["service"]),
        str(d.get("detail", "")),
        str(d.get("path", "")),
        int(d.get("line", 0)),
    )


def _load_access(d: dict[str, Any]) -> SharedAccess:
    table = _to_ref(d["table"])
    if table is None:
        raise ValueError("a shared_access entry has no table")
    access: Literal["read", "write"] = "write" if d.get("access") == "write" else "read"
    return SharedAccess(
        table, str(d["owner"]), str(d["service"]), access, str(d.get("path", "")), int(d.get("line", 0))
    )


def _load_fk(d: dict[str, Any], created: set[TableRef]) -> ForeignKey:
    table, ref_table = _to_ref(d["table"]), _to_ref(d["referenced_table"])
    assert table is not None and ref_table is not None
    return ForeignKey(
        name=d["name"],
        table=table,
        columns=tuple(d["columns"]),
        ref_table=ref_table,
        ref_columns=tuple(d["referenced_columns"]),
        on_delete=d.get("on_delete", "NO ACTION"),
        on_update=d.get("on_update", "NO ACTION"),
        deferrable=bool(d.get("deferrable", False)),
        initially_deferred=bool(d.get("initially_deferred", False)),
        validated=bool(d.get("validated", True)),
        on_delete_columns=tuple(d.get("on_delete_columns", ())),
        added_at=_to_loc(d.get("added_at")),
        dropped_at=_to_loc(d.get("dropped_at")),
        origin="inferred" if d.get("origin") == "inferred" else "declared",
        on_delete_enforced_by="application"
        if d.get("on_delete_enforced_by") == "application"
        else "database",
        # the model keeps only what the tables do not show (see ForeignKey.fresh_db_failure)
        fresh_db_failure=bool(d.get("fresh_db_failure", False)) and ref_table in created,
    )


def _load_scan(doc: dict[str, Any]) -> Inventory:
    try:
        tables = tuple(sorted((_load_table(t) for t in doc.get("tables", [])), key=lambda t: t.ref))
        created = {t.ref for t in tables if not t.external}
        return Inventory(
            tables=tables,
            foreign_keys=tuple(_load_fk(fk, created) for fk in doc["foreign_keys"]),
            diagnostics=tuple(
                Diagnostic(
                    severity=d.get("severity", "warning"),
                    message=d.get("message", ""),
                    path=d.get("path", ""),
                    line=int(d.get("line", 0)),
                    excerpt=d.get("excerpt", ""),
                    code=d.get("code", ""),
                )
                for d in doc.get("diagnostics", [])
            ),
            services=tuple(Service(s["name"], s.get("description", "")) for s in doc.get("services", [])),
            sources=tuple(Source(s["kind"], s["label"]) for s in doc.get("sources", [])),
            shared_access=tuple(_load_access(a) for a in doc.get("shared_access", [])),
        )
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ValueError(f"malformed scan document: {type(exc).__name__}: {exc}") from exc


def load_document(doc: dict[str, Any]) -> Inventory:
    """Read a saved scan document (or ``Inventory.to_dict`` output) back into an inventory.

    Raises
    ------
    ValueError
        For a ``format_version`` newer than this fkmap reads, or a document that is
        neither form.
    """
    if not isinstance(doc, dict):
        raise ValueError("not a scan document: expected a JSON object")
    version = doc.get("format_version", FORMAT_VERSION)
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ValueError(f"unsupported format_version {version!r}: this fkmap reads {FORMAT_VERSION}")
    if is_scan_document(doc):
        return _load_scan(doc)
    if isinstance(doc.get("tables"), list) or isinstance(doc.get("foreign_keys"), list):
        return Inventory.from_dict(doc)
    raise ValueError("not a scan document: no 'foreign_keys' list")


def _failed(label: str, message: str, code: str) -> Inventory:
    return Inventory(
        diagnostics=(Diagnostic("error", message, label, code=code),), sources=(Source("inventory", label),)
    )


def _inventory_problem(data: Any) -> str:
    """Why ``data`` is no ``Inventory.to_json`` document this fkmap reads (``''`` when it is one)."""
    if not isinstance(data, dict) or "format_version" not in data:
        return "not an fkmap inventory (no format_version); save one with Inventory.to_json"
    if data["format_version"] != Inventory.FORMAT_VERSION:
        version, mine = data["format_version"], Inventory.FORMAT_VERSION
        return f"inventory format_version {version!r}; this fkmap reads {mine}"
    return ""


def _load_json(raw: bytes) -> Any:
    r"""The JSON value of a file's bytes, as ``json.loads`` of its UTF-8 text gives it.

    msgspec's decoder reads a scan of 20,000 tables in a fraction of the standard library's
    time; what it refuses (not UTF-8, a byte-order mark, ``NaN``, an integer over 64 bits,
    malformed text) goes to the standard library, which reads it the same way as before or
    raises the error the diagnostics quote (:class:`json.JSONDecodeError` with its line).

    >>> _load_json(b'{"a": [1, 2.5, "\\u00e9", null]}'), _load_json(b'[NaN]')
    ({'a': [1, 2.5, 'é', None]}, [nan])
    """
    try:
        return msgspec.json.decode(raw)
    except msgspec.DecodeError:
        text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")  # as read_text reads it
        return json.loads(text)


def read(source: str, *, dialect: str | None = None) -> Inventory:
    """The inventory a saved ``.json`` scan holds, in either form (see the module docstring).

    Never raises; ``dialect`` is not used.
    """
    try:
        data = _load_json(Path(source).read_bytes())
    except (OSError, UnicodeDecodeError) as exc:
        return _failed(source, f"cannot read inventory: {exc}", "io-error")
    except json.JSONDecodeError as exc:
        return _failed(source, f"not valid JSON: {exc.msg} (line {exc.lineno})", "parse-error")
    if is_scan_document(data):
        try:
            inv = load_document(data)
        except ValueError as exc:
            return _failed(source, f"{source}: {exc}", "source-failed")
    else:
        problem = _inventory_problem(data)
        if problem:
            return _failed(source, problem, "unsupported")
        try:
            inv = Inventory.from_dict(data)
        except Exception as exc:
            return _failed(source, f"malformed inventory: {type(exc).__name__}: {exc}", "parse-error")
    saved = Source("inventory", source)
    return inv if saved in inv.sources else replace(inv, sources=(*inv.sources, saved))
