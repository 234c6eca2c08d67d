"""``fkmap init``: the ``fkmap.toml`` that reproduces a scan's inferred ownership, evidence as comments.

:func:`render_config` writes, for an inventory whose services are assigned:

* ``[scan]`` -- the keys the scan depended on: the dialect, ``map_by`` when it
  was set, patterns and ``ignore_tables`` that are not the defaults (and any
  other ``[scan]`` key of the config the scan used);
* one ``[services.<name>]`` per service, its ``tables`` claimed by the compact
  rules of :func:`ownership.init_rules.plan_rules`, each rule under comments
  giving the evidence that placed its tables;
* ``[[replicas]]`` for every copy of another service's entity (with ``owner``),
  then the ``deny`` entries of the config the scan used;
* ``[infer]`` when the config the scan used had one;
* a closing comment block listing the tables no service owns, with what
  evidence there was.

Scanning the same sources with the file gives every table the same service and
``replica_of`` and every foreign key the same ``cross_service`` (a replica whose
declaration would change how an external table resolves is written commented
out); :func:`ownership.init_check.ownership_differences` lists what differs
between two scans.

Examples
--------
>>> from model.inventory import Evidence, Inventory, Table, TableRef
>>> why = Evidence("file-name", "auth", "migration file name 'db/001_auth.sql'", "db/001_auth.sql", 1)
>>> users = Table(TableRef("db", "public", "users"), service="auth", owner_evidence=(why,))
>>> inv = Inventory(tables=(users, Table(TableRef("db", "public", "notes"), external=True)))
>>> print(render_config(inv, Config()).split("\\n\\n", 1)[1])
[services.auth]
databases = [
  # 1 table(s): users
  #   file-name: migration file name 'db/001_auth.sql'
  "db",
]
<BLANKLINE>
# Tables no service owns (1): foreign keys into them couple nobody until they
# get an owner. To give one, add it to a service's 'tables' above.
#   db:public.notes (external: defined by no scanned database)
#     no evidence
<BLANKLINE>
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from model.escape import BIDI_CONTROLS, clean_text
from model.inventory import Evidence, Inventory, Table
from ownership.config import (
    DEFAULT_DATABASE_PATTERN,
    DEFAULT_IGNORE_TABLES,
    DEFAULT_SCHEMA_PATTERN,
    Config,
    InferConfig,
)
from ownership.config_file import _SCAN_KEYS
from ownership.init_rules import (
    ReplicaPlan,
    Rule,
    RuleKey,
    ServicePlan,
    placed_tables,
    plan_replicas,
    plan_rules,
    table_glob,
)
from ownership.naming import service_from_pattern

__all__ = ["external_note", "external_notes", "render_config"]

#: Evidence lines shown above one table before "... N more".
EVIDENCE_SHOWN = 3
_GROUP_KEYS: tuple[RuleKey, ...] = ("paths", "databases", "schemas")
#: Characters a reader of the file would not see as they are (bidi controls, line separators).
_INVISIBLE = BIDI_CONTROLS | frozenset("\u2028\u2029\x85")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


# -- TOML pieces --------------------------------------------------------------------------------------


def toml_str(text: str) -> str:
    """A TOML basic string holding ``text`` exactly; control, line-separating and bidi characters escaped.

    >>> print(toml_str('say "hi"\\n'))
    "say \\"hi\\"\\n"
    """
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F or ch in _INVISIBLE:
            out.append(f"\\u{ord(ch):04x}")
        elif 0xD800 <= ord(ch) <= 0xDFFF:
            out.append("?")  # no TOML string holds a lone surrogate
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_key(name: str) -> str:
    """A bare key when TOML allows one, else a quoted one: ``auth``, ``"my service"``."""
    return name if _BARE_KEY.match(name) else toml_str(name)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return toml_str(value)
    return "[" + ", ".join(_value(v) for v in value) + "]"


def _comment(text: str, indent: str = "") -> str:
    return f"{indent}# {clean_text(text)}".rstrip()


# -- evidence as comments -----------------------------------------------------------------------------


def _evidence_text(e: Evidence) -> str:
    where = f"{e.path}:{e.line}" if e.path and e.line else e.path
    return f"{e.kind}: {e.detail}" + (f" ({where})" if where and where not in e.detail else "")


def _table_comments(t: Table, indent: str) -> list[str]:
    evidence = [e for e in t.owner_evidence if e.kind != "replica-of"]
    lines = [_comment(_evidence_text(e), indent) for e in evidence[:EVIDENCE_SHOWN]]
    if len(evidence) > EVIDENCE_SHOWN:
        lines.append(_comment(f"... {len(evidence) - EVIDENCE_SHOWN} more", indent))
    return lines or [_comment("no evidence recorded (kept from the loaded inventory)", indent)]


def _rule_comments(rule: Rule) -> list[str]:
    """What placed the tables a group rule claims: each decisive reason with its count."""
    reasons = Counter(
        next((f"{e.kind}: {e.detail}" for e in t.owner_evidence if e.kind != "replica-of"), "kept")
        for t in rule.tables
    )
    names = ", ".join(t.ref.name for t in rule.tables[:5]) + (", ..." if len(rule.tables) > 5 else "")
    lines = [_comment(f"{len(rule.tables)} table(s): {names}")]
    for reason, n in reasons.most_common(EVIDENCE_SHOWN):
        lines.append(_comment(f"  {reason}" + (f" ({n} tables)" if n > 1 else "")))
    if len(reasons) > EVIDENCE_SHOWN:
        lines.append(_comment(f"  ... {len(reasons) - EVIDENCE_SHOWN} more reasons"))
    return lines


def _service_block(plan: ServicePlan) -> list[str]:
    lines = [f"[services.{toml_key(plan.name)}]"]
    if plan.description:
        lines.append(f"description = {toml_str(plan.description)}")
    if not plan.rules:
        lines.append(_comment("holds no table of the scan (named as the owner of a copy)"))
    for key in _GROUP_KEYS:
        rules = plan.of(key)
        if rules:
            lines.append(f"{key} = [")
            for rule in rules:
                lines += [f"  {c}" for c in _rule_comments(rule)]
                lines.append(f"  {toml_str(rule.pattern)},")
            lines.append("]")
    tables = plan.of("tables")
    if tables:
        lines.append("tables = [")
        for rule in tables:
            lines += _table_comments(rule.tables[0], "  ")
            lines.append(f"  {toml_str(rule.pattern)},")
        lines.append("]")
    return lines


# -- the other sections -------------------------------------------------------------------------------


#: A ``database_pattern`` that matches nothing.
NO_DATABASE_PATTERN = "(?!)"


def _named_by_database(inv: Inventory, config: Config, unowned: Sequence[Table]) -> list[Table]:
    """Unowned tables outside any migration set whose database ``database_pattern`` would name.

    Only a saved scan read without a config has such tables (it keeps the owners
    it was saved with); with the written config the pattern would give them one.
    """
    if config.map_by != "path":
        return []
    try:
        pattern = re.compile(config.database_pattern)
    except re.error:
        return []
    sets = {m.database for m in inv.migrations}
    return [
        t
        for t in unowned
        if not t.external and t.ref.database not in sets and service_from_pattern(pattern, t.ref.database)
    ]


def _scan_section(config: Config, dialect: str | None, silence: Sequence[Table]) -> list[str]:
    keys: dict[str, Any] = {}
    if dialect or config.dialect:
        keys["dialect"] = dialect or config.dialect
    if config.map_by_explicit:
        keys["map_by"] = config.map_by
    if silence:
        keys["database_pattern"] = NO_DATABASE_PATTERN
    elif config.database_pattern != DEFAULT_DATABASE_PATTERN:
        keys["database_pattern"] = config.database_pattern
    if config.schema_pattern != DEFAULT_SCHEMA_PATTERN:
        keys["schema_pattern"] = config.schema_pattern
    if config.ignore_tables != DEFAULT_IGNORE_TABLES:
        keys["ignore_tables"] = list(config.ignore_tables)
    for key, value in _other_scan_keys(config).items():
        keys.setdefault(key, value)
    if not keys:
        return []
    lines = ["[scan]"]
    for key, value in keys.items():
        if key == "database_pattern" and silence:
            database = silence[0].ref.database
            lines.append(_comment("matches no database: the unowned tables listed at the end stay so"))
            lines.append(_comment(f"(the default would name a service after {database!r})"))
        lines.append(f"{key} = {_value(value)}")
    return lines


def _other_scan_keys(config: Config) -> dict[str, Any]:
    """``[scan]`` keys of the config file that :class:`Config` does not spell out, as written."""
    if not config.path or not Path(config.path).is_file():
        return {}
    try:
        scan = tomllib.loads(Path(config.path).read_text(encoding="utf-8")).get("scan", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    known = {"dialect", "map_by", "database_pattern", "schema_pattern", "ignore_tables"}
    return (
        {k: v for k, v in scan.items() if k in _SCAN_KEYS and k not in known and _plain(v)}
        if isinstance(scan, dict)
        else {}
    )


def _plain(value: Any) -> bool:
    if isinstance(value, list):
        return all(isinstance(v, str) for v in value)
    return isinstance(value, str | bool | int | float)


def _replica_block(plan: ReplicaPlan) -> list[str]:
    why = next((e for e in plan.table.owner_evidence if e.kind == "replica-of"), None)
    lines = [_comment(_evidence_text(why))] if why is not None else []
    entry = [
        "[[replicas]]",
        f"table = {toml_str(table_glob(plan.table.ref, 'full'))}",
        f"owner = {toml_str(plan.owner)}",
    ]
    if plan.active:
        return lines + entry
    lines.append(
        _comment(
            "declaring it would resolve references to this table name in other databases to the "
            "original instead of leaving them unresolved; remove the '# ' below to do so"
        )
    )
    return lines + [f"# {line}" for line in entry]


def _deny_blocks(config: Config, services: set[str]) -> list[list[str]]:
    out = []
    for r in config.replicas:
        if r.deny:
            owner = [f"owner = {toml_str(r.owner)}"] if r.owner and r.owner in services else []
            out.append(["[[replicas]]", f"table = {toml_str(r.table)}", *owner, "deny = true"])
    return out


def _infer_blocks(infer: InferConfig) -> list[list[str]]:
    if infer == InferConfig():
        return []
    blocks = [["[infer]", f"enabled = {_value(infer.enabled)}", f"suffixes = {_value(list(infer.suffixes))}"]]
    for ref in infer.references:
        blocks.append(
            ["[[infer.references]]", f"column = {toml_str(ref.column)}", f"target = {toml_str(ref.target)}"]
        )
    return blocks


def external_note(inv: Inventory, t: Table) -> str:
    """Why an external table has no table of its own: no scanned database defines it, or several do.

    >>> from model.inventory import TableRef
    >>> t = Table(TableRef("chat", "public", "users"), external=True)
    >>> external_note(Inventory(tables=(t,)), t)
    'external: defined by no scanned database'
    """
    return external_notes(inv)(t)


def external_notes(inv: Inventory) -> Callable[[Table], str]:
    """:func:`external_note` for many tables of ``inv`` (the defining tables are indexed once)."""
    definers: dict[str, list[str]] = {}
    for o in inv.tables:
        if not o.external and o.dropped_at is None:
            definers.setdefault(o.ref.name, []).append(o.ref.database)

    def note(t: Table) -> str:
        others = sorted(db for db in definers.get(t.ref.name, ()) if db != t.ref.database)
        if len(others) > 1:
            listed = ", ".join(others)
            return f"external: defined by {len(others)} other databases ({listed}), so resolved to none"
        if others:
            return f"external: resolved to {others[0]}"
        return "external: defined by no scanned database"

    return note


def _unowned_block(inv: Inventory, tables: Sequence[Table]) -> list[str]:
    if not tables:
        return []
    note = external_notes(inv)
    lines = [
        _comment(f"Tables no service owns ({len(tables)}): foreign keys into them couple nobody until they"),
        _comment("get an owner. To give one, add it to a service's 'tables' above."),
    ]
    for t in tables:
        where = f"created at {t.defined_at}" if t.defined_at is not None else note(t)
        lines.append(_comment(f"  {t.ref} ({where})"))
        evidence = [_comment(f"    {_evidence_text(e)}") for e in t.owner_evidence[:EVIDENCE_SHOWN]]
        if len(t.owner_evidence) > EVIDENCE_SHOWN:
            evidence.append(_comment(f"    ... {len(t.owner_evidence) - EVIDENCE_SHOWN} more"))
        lines += evidence or [_comment("    no evidence")]
    return lines


def render_config(
    inv: Inventory, config: Config, *, sources: Sequence[str] = (), dialect: str | None = None
) -> str:
    """The ``fkmap.toml`` text that reproduces ``inv``'s ownership (see the module docstring).

    ``config`` is the config the scan used (``Config()`` when there was none);
    ``sources`` only label the header; ``dialect`` is the one the scan used.
    """
    services = plan_rules(inv, {r.name: r.description for r in config.services if r.description})
    names = {p.name for p in services} | {ref.target_service for ref in config.infer.references}
    services += [ServicePlan(n) for n in sorted(names - {p.name for p in services})]
    shown = " ".join(sources) if sources else "<sources>"
    blocks: list[list[str]] = [
        [
            _comment(f"Written by `fkmap init {shown}`: the ownership fkmap inferred, made explicit."),
            _comment("Review it (each rule says why above it) and commit it."),
        ]
    ]
    unowned = [
        t for t in sorted(placed_tables(inv), key=lambda t: t.ref) if not t.owner and t.dropped_at is None
    ]
    scan = _scan_section(config, dialect, _named_by_database(inv, config, unowned))
    if scan:
        blocks.append(scan)
    blocks += [_service_block(p) for p in services]
    blocks += [_replica_block(p) for p in plan_replicas(inv, config)]
    blocks += _deny_blocks(config, names)
    blocks += _infer_blocks(config.infer)
    if unowned:
        blocks.append(_unowned_block(inv, unowned))
    return "\n\n".join("\n".join(b) for b in blocks) + "\n"
