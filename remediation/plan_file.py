"""The remediation plan as code: records exported to, and imported from, YAML or JSON.

``fkmap plan export`` writes one entry per tracked cross-service key (and one
per orphaned record) to a reviewable file; ``fkmap plan import`` applies a file
to the store (:mod:`remediation.plan_import`). The format follows the file extension: ``.json`` is JSON,
anything else YAML.

.. code-block:: yaml

    format: fkmap-plan
    format_version: 1
    records:
    - id: legacy/migrations/003_posts_schema.sql:6#user_id   # remediation.fkid.fkid
      version: 2                # the store's version when exported; 0 = not stored yet
      fk:                       # what the key looked like when exported (for matching)
        service: content
        table: public.posts
        columns: [user_id]
        ref_service: auth
        ...
      status: {phase: 1, label: Validation added, dropped: false}   # read-only, for reviewers
      owner_team: content-platform
      target_date: '2026-12-15'
      deletion_policy: ''       # check-before-delete | handle-missing-parent | forbid-delete
      marks:
      - {phase: 1, by: alice, at: '2026-11-02T09:15:00Z', note: checks live, link: 'https://...'}

Examples
--------
>>> doc = {"format": "fkmap-plan", "format_version": 1, "records": [
...     {"id": "a.sql:3#x", "version": 0, "owner_team": "core",
...      "marks": [{"phase": 1, "by": "al", "at": "2026-11-02T09:15:00Z"}]}]}
>>> [entry] = parse_plan(doc)
>>> entry.record.owner_team, entry.record.marks[0].by
('core', 'al')
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exports.plan_file import Flow, FlowList
from remediation.records import (
    DELETION_POLICIES,
    MANUAL_PHASES,
    PHASE_LABELS,
    Mark,
    Record,
    fk_info_from_dict,
    record_to_dict,
)
from remediation.status import Status

__all__ = [
    "PLAN_FORMAT",
    "PLAN_VERSION",
    "PlanEntry",
    "PlanError",
    "dump_plan",
    "export_plan",
    "is_json",
    "load_plan",
    "parse_plan",
    "read_plan",
    "write_plan",
]

PLAN_FORMAT = "fkmap-plan"
PLAN_VERSION = 1
HEADER = (
    "# fkmap remediation plan: one entry per cross-service foreign key.\n"
    "# Review changes like code; `fkmap plan import FILE` applies them to the store.\n"
    "# Phases: 1 validation added, 2 FK dropped (read from migrations/catalogs, never set here),\n"
    "# 3 application-layer validation only, 4 eventual consistency (deletion events, or a\n"
    f"# deletion_policy for NO ACTION/RESTRICT keys: {', '.join(DELETION_POLICIES)}).\n"
    "# `status` is informational and ignored on import.\n"
)


class PlanError(ValueError):
    """A plan file that cannot be read: the message names the entry and the problem."""


@dataclass(frozen=True)
class PlanEntry:
    """One entry of a plan file: the record it describes (``version`` as exported)."""

    record: Record
    index: int = 0
    orphaned: bool = False


#: The key's description written to a plan (``structural``/``name_key`` are derived again on import).
_FK_KEYS = (
    "service",
    "table",
    "columns",
    "ref_service",
    "ref_table",
    "ref_columns",
    "name",
    "on_delete",
    "database",
)


def _entry(s: Status | None, record: Record | None, *, orphaned: bool = False) -> dict[str, Any]:
    data = record_to_dict(record) if record is not None else {}
    out: dict[str, Any] = {
        "id": s.id if s is not None else data["fk_id"],
        "version": record.version if record is not None else 0,
    }
    if record is not None and record.uid:
        out["uid"] = record.uid
    info = s.item.info() if s is not None else (record.fk if record is not None else None)
    if info is not None:
        fk = record_to_dict(Record("", fk=info))["fk"]
        out["fk"] = {
            k: FlowList(v) if isinstance(v, list) else v
            for k in _FK_KEYS
            if (v := fk.get(k)) not in ("", [], None)
        }
    if s is not None:
        out["status"] = Flow(phase=s.phase, label=PHASE_LABELS[s.phase], dropped=s.item.dropped)
        if s.contradictions:
            out["status"]["contradictions"] = list(s.contradictions)
    if orphaned:
        out["orphaned"] = True
    out["owner_team"] = data.get("owner_team", "")
    out["target_date"] = data.get("target_date", "")
    out["deletion_policy"] = data.get("deletion_policy", "")
    out["marks"] = data.get("marks", [])
    return out


def export_plan(rows: Sequence[Status], orphans: Iterable[Record] = ()) -> dict[str, Any]:
    """The plan document: every status (with or without record), then orphaned records."""
    records = [_entry(s, s.record) for s in rows]
    records += [_entry(None, r, orphaned=True) for r in sorted(orphans, key=lambda r: r.fk_id)]
    return {"format": PLAN_FORMAT, "format_version": PLAN_VERSION, "records": records}


def is_json(path: str | Path) -> bool:
    """True when ``path`` names a JSON plan (``.json``); anything else is YAML."""
    return str(path).lower().endswith(".json")


def dump_plan(doc: dict[str, Any], *, json_format: bool = False) -> str:
    """The document as YAML (with an explanatory header) or JSON text (:mod:`exports.plan_file`)."""
    from exports import render_text

    if json_format:
        return render_text("plan-json", doc)
    return render_text("plan-yaml", doc, header=HEADER)


def write_plan(doc: dict[str, Any], path: str | Path) -> None:
    """Write ``doc`` to ``path`` (JSON for ``.json``, else YAML)."""
    Path(path).write_text(dump_plan(doc, json_format=is_json(path)), encoding="utf-8")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        stamp: str = value.strftime("%Y-%m-%dT%H:%M:%SZ")
        return stamp
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _mark(raw: Any, where: str) -> Mark:
    if not isinstance(raw, dict) or "phase" not in raw:
        raise PlanError(f"{where}: a mark is a mapping with at least 'phase'")
    try:
        phase = int(raw["phase"])
    except (TypeError, ValueError):
        raise PlanError(f"{where}: phase {raw['phase']!r} is not a number") from None
    if phase not in MANUAL_PHASES:
        raise PlanError(
            f"{where}: phase {phase} cannot be set in a plan; phase 2 (FK dropped) is read from the "
            "migrations and live catalogs, phases 1, 3 and 4 are marked"
        )
    return Mark(
        phase, _text(raw.get("by")), _text(raw.get("at")), _text(raw.get("note")), _text(raw.get("link"))
    )


def parse_plan(doc: Any) -> list[PlanEntry]:
    """Validate a loaded document and turn it into entries (:class:`PlanError` on bad input)."""
    if not isinstance(doc, dict) or doc.get("format") != PLAN_FORMAT:
        raise PlanError(
            f"not an fkmap plan (expected 'format: {PLAN_FORMAT}'); write one with `fkmap plan export`"
        )
    if doc.get("format_version") != PLAN_VERSION:
        raise PlanError(f"plan format_version {doc.get('format_version')!r}; this fkmap reads {PLAN_VERSION}")
    raw = doc.get("records") or []
    if not isinstance(raw, list):
        raise PlanError("'records' must be a list")
    out: list[PlanEntry] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        where = f"record {i + 1}"
        if not isinstance(item, dict) or not item.get("id"):
            raise PlanError(f"{where}: each record needs an 'id'")
        fk_id = _text(item["id"])
        where = f"record {i + 1} ({fk_id})"
        if fk_id in seen:
            raise PlanError(f"{where}: the id appears twice")
        seen.add(fk_id)
        policy = _text(item.get("deletion_policy"))
        if policy and policy not in DELETION_POLICIES:
            raise PlanError(
                f"{where}: deletion_policy {policy!r} is not one of {', '.join(DELETION_POLICIES)}"
            )
        marks = [_mark(m, where) for m in item.get("marks") or []]
        if len({m.phase for m in marks}) != len(marks):
            raise PlanError(f"{where}: a phase is marked twice")
        try:
            version = int(item.get("version", 0) or 0)
        except (TypeError, ValueError):
            raise PlanError(f"{where}: version {item.get('version')!r} is not a number") from None
        fk = item.get("fk")
        record = Record(
            fk_id=fk_id,
            uid=_text(item.get("uid")),
            version=version,
            marks=tuple(sorted(marks, key=lambda m: m.phase)),
            owner_team=_text(item.get("owner_team")).strip(),
            target_date=_text(item.get("target_date")).strip(),
            deletion_policy=policy,
            fk=fk_info_from_dict(fk) if isinstance(fk, dict) else None,
        )
        out.append(PlanEntry(record, i, bool(item.get("orphaned"))))
    return out


def load_plan(text: str, *, json_format: bool = False) -> list[PlanEntry]:
    """Parse plan text (YAML, or JSON with ``json_format``)."""
    try:
        if json_format:
            doc = json.loads(text)
        else:
            import yaml

            doc = yaml.safe_load(text)
    except ValueError as exc:  # json.JSONDecodeError
        raise PlanError(f"not valid JSON: {exc}") from None
    except Exception as exc:  # yaml.YAMLError
        raise PlanError(f"not valid YAML: {exc}") from None
    return parse_plan(doc)


def read_plan(path: str | Path) -> list[PlanEntry]:
    """Read and parse the plan file ``path`` (format by extension)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError(f"cannot read {path}: {exc}") from None
    return load_plan(text, json_format=is_json(path))
