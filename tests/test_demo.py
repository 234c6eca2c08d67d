"""The bundled demo, ``examples/demo``, against its hand-written golden file.

Three kinds of checks:

* the golden file is consistent with itself and with the demo's SQL text
  (every ``added_at`` line holds a foreign key clause, every ``defined_at`` the
  ``CREATE TABLE``...), so a typo in ``tests/demo_expected.py`` is caught first;
* a real PostgreSQL replays every migration set (``postgres`` marker) and must
  end with exactly the golden *present* FKs and tables: the golden file is
  right about what the SQL does (for the sets declared in code, Django's and
  Sequelize's, the SQL their own tool ran: :data:`TOOL_SQL`);
* fkmap (``scan.scan`` + the JSON contract, and ``fkmap scan --format json``)
  must report exactly the golden FKs, tables, services, diagnostics and
  migration order: fkmap is right about the demo;
* the ownership evidence: the services' code units, the rule that decided each
  table, the code that writes it, the copies found without configuration and
  the code that uses another service's table.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from model.inventory import Evidence, Table
from tests.demo_expected import (
    DECIDED_BY,
    DEMO_COUNTS,
    DETECTED_REPLICAS,
    DIAGNOSTICS,
    FK_DEFAULTS,
    FK_DETAILS,
    FOREIGN_KEYS,
    INFERRED_REFERENCES,
    INFO_DIAGNOSTICS,
    MIGRATIONS,
    MODERATION,
    NOT_WRITTEN,
    PHASE_7B,
    SERVICES,
    SHARED_ACCESS,
    TABLES,
    WALLET,
    ExpectedAccess,
    ExpectedDiagnostic,
    ExpectedFK,
    ExpectedTable,
    Ref,
)

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo"
DEMO_ARG = "examples/demo"  # as the README and `make scan` spell it (cwd = repository root)
IGNORED_TABLES = {"schema_migrations", "ar_internal_metadata"}  # created by the Rails structure.sql
#: Sets written in code (Django, Sequelize): PostgreSQL replays the SQL their own tool ran for them.
TOOL_SQL = {
    MODERATION: ROOT / "tests" / "fixtures" / "demo_tool_sql" / "moderation-service.sql",
    WALLET: ROOT / "tests" / "fixtures" / "demo_tool_sql" / "wallet-service.sql",
}
#: A clause declaring a key: SQL, a Django field, a Sequelize ``references``.
FK_CLAUSE = re.compile(r"REFERENCES|FOREIGN KEY|models\.ForeignKey\(|references: \{")
#: The statement creating a table: SQL, Django's ``CreateModel``, Sequelize's ``createTable``.
CREATE_TABLE = re.compile(r"\s*(CREATE TABLE|migrations\.CreateModel\(|await queryInterface\.createTable\()")


# -- helpers ----------------------------------------------------------------------------------------


def _lines(path: str) -> list[str]:
    return (DEMO / path).read_text(encoding="utf-8").splitlines()


def _line_at(where: str) -> str:
    path, _, line = where.rpartition(":")
    return _lines(path)[int(line) - 1]


def _show(items: Iterable[Any]) -> str:
    return "\n".join(f"    {item}" for item in sorted(items, key=repr)) or "    (none)"


def _fk_label(fk: ExpectedFK) -> str:
    return f"{fk.table} {fk.name} (added {fk.added_at})"


def _explain_fk_diff(expected: set[ExpectedFK], actual: set[ExpectedFK]) -> str:
    """Missing/unexpected FKs; pairs that share table and name are shown field by field."""
    missing, unexpected = expected - actual, actual - expected
    by_key: dict[tuple[Ref, str], list[ExpectedFK]] = defaultdict(list)
    for fk in unexpected:
        by_key[(fk.table, fk.name)].append(fk)
    changed, gone = [], []
    for fk in sorted(missing):
        twins = by_key.get((fk.table, fk.name))
        if twins:
            got = twins.pop(0)
            diffs = [
                f"{field}: expected {want!r}, got {have!r}"
                for field, want, have in zip(ExpectedFK._fields, fk, got, strict=True)
                if want != have
            ]
            changed.append(f"{_fk_label(fk)}: " + "; ".join(diffs))
        else:
            gone.append(_fk_label(fk))
    extra = [f"{fk}" for twins in by_key.values() for fk in twins]
    parts = [f"{len(expected)} expected FKs, {len(actual)} reported"]
    if changed:
        parts.append(f"{len(changed)} FK(s) reported differently:\n" + _show(changed))
    if gone:
        parts.append(f"{len(gone)} FK(s) missing:\n" + _show(gone))
    if extra:
        parts.append(f"{len(extra)} unexpected FK(s):\n" + _show(extra))
    return "\n".join(parts)


def _explain_table_diff(expected: set[ExpectedTable], actual: set[ExpectedTable]) -> str:
    missing, unexpected = expected - actual, actual - expected
    by_ref = {t.ref: t for t in unexpected}
    changed, gone = [], []
    for t in sorted(missing):
        got = by_ref.pop(t.ref, None)
        if got is None:
            gone.append(str(t.ref))
            continue
        diffs = [
            f"{field}: expected {want!r}, got {have!r}"
            for field, want, have in zip(ExpectedTable._fields, t, got, strict=True)
            if want != have
        ]
        changed.append(f"{t.ref}: " + "; ".join(diffs))
    parts = [f"{len(expected)} expected tables, {len(actual)} reported"]
    if changed:
        parts.append(f"{len(changed)} table(s) reported differently:\n" + _show(changed))
    if gone:
        parts.append(f"{len(gone)} table(s) missing:\n" + _show(gone))
    if by_ref:
        parts.append(f"{len(by_ref)} unexpected table(s):\n" + _show(by_ref.values()))
    return "\n".join(parts)


def _where(loc: dict[str, Any] | None) -> str | None:
    return None if loc is None else f"{loc['path']}:{loc['line']}"


def _doc_ref(d: dict[str, Any] | None) -> Ref | None:
    return None if d is None else Ref(d["database"], d["schema"], d["name"])


def fks_of_document(doc: dict[str, Any]) -> set[ExpectedFK]:
    """The scan document's FKs in the golden file's shape."""
    out = set()
    for fk in doc["foreign_keys"]:
        table, ref_table = _doc_ref(fk["table"]), _doc_ref(fk["referenced_table"])
        assert table is not None and ref_table is not None
        out.add(
            ExpectedFK(
                fk["name"],
                table,
                tuple(fk["columns"]),
                ref_table,
                tuple(fk["referenced_columns"]),
                fk["on_delete"],
                fk["service"],
                fk["referenced_service"],
                fk["cross_service"],
                fk["state"],
                _where(fk["added_at"]) or "",
                _where(fk["dropped_at"]),
            )
        )
    return out


def tables_of_document(doc: dict[str, Any]) -> set[ExpectedTable]:
    """The scan document's tables in the golden file's shape."""
    return {
        ExpectedTable(
            Ref(t["database"], t["schema"], t["name"]),
            t["service"],
            t["replica_of"],
            t["external"],
            _where(t["defined_at"]),
            _where(t["dropped_at"]),
            _doc_ref(t["resolved_to"]),
        )
        for t in doc["tables"]
    }


INFERRED_KEYS = {(fk.table, fk.name) for fk in INFERRED_REFERENCES}
EXPECTED_FKS = set(FOREIGN_KEYS) | set(INFERRED_REFERENCES)  # the scan reports both origins
EXPECTED_TABLES = set(TABLES)
TABLES_BY_REF = {t.ref: t for t in TABLES}


def _owner(ref: Ref) -> str:
    t = TABLES_BY_REF[ref]
    if t.resolved_to is not None:
        return _owner(t.resolved_to)
    return t.replica_of or t.service


# -- 1. the golden file itself ----------------------------------------------------------------------


def test_golden_file_has_no_duplicates() -> None:
    assert len(EXPECTED_FKS) == len(FOREIGN_KEYS) + len(INFERRED_REFERENCES)
    assert len(EXPECTED_TABLES) == len(TABLES) == len(TABLES_BY_REF)
    names = Counter(
        (fk.table.database, fk.table.schema, fk.name) for fk in FOREIGN_KEYS if fk.state == "present"
    )
    assert [k for k, n in names.items() if n > 1] == []


def test_golden_counts() -> None:
    present = [fk for fk in FOREIGN_KEYS if fk.state == "present"]
    cross = [fk for fk in FOREIGN_KEYS if fk.cross_service]
    defined = [t for t in TABLES if not t.external and t.dropped_at is None]
    counts = {
        "services": len(({t.service for t in TABLES} | {t.replica_of for t in TABLES}) - {""}),
        "tables": len(defined),
        "tables_dropped": sum(t.dropped_at is not None for t in TABLES),
        "tables_external": sum(t.external for t in TABLES),
        "foreign_keys": len(FOREIGN_KEYS),
        "foreign_keys_present": len(present),
        "foreign_keys_dropped": len(FOREIGN_KEYS) - len(present),
        "cross_service": len(cross),
        "cross_service_present": sum(fk.state == "present" for fk in cross),
        "cross_service_dropped": sum(fk.state == "dropped" for fk in cross),
    }
    assert counts == DEMO_COUNTS
    assert sorted(({t.service for t in TABLES} | {t.replica_of for t in TABLES}) - {""}) == list(SERVICES)
    # the acceptance: at least 8 services and 60 tables
    assert counts["services"] >= 8 and counts["tables"] >= 60


@pytest.mark.parametrize("fk", FOREIGN_KEYS, ids=_fk_label)
def test_golden_fk_is_consistent(fk: ExpectedFK) -> None:
    assert fk.table in TABLES_BY_REF, f"{fk.table} is not in TABLES"
    assert fk.referenced_table in TABLES_BY_REF, f"{fk.referenced_table} is not in TABLES"
    assert fk.service == TABLES_BY_REF[fk.table].service
    assert fk.referenced_service == _owner(fk.referenced_table)
    assert fk.cross_service == (fk.service != fk.referenced_service)
    assert fk.state == ("present" if fk.dropped_at is None else "dropped")
    assert len(fk.columns) == len(fk.referenced_columns)
    # the line numbers point at what they claim to
    clause = _line_at(fk.added_at)
    assert FK_CLAUSE.search(clause), f"{fk.added_at} holds no FK clause: {clause!r}"
    field = fk.columns[0].lower().removesuffix("_id")  # a Django field is named without _id
    assert field in clause.lower() or "CONSTRAINT" in clause or "references: {" in clause, (
        fk.added_at,
        clause,
    )
    if fk.dropped_at is not None:
        drop = _line_at(fk.dropped_at)
        dropped_table = TABLES_BY_REF[fk.table].dropped_at == fk.dropped_at
        assert (
            ("DROP TABLE" in drop)
            if dropped_table
            else (f"DROP CONSTRAINT {fk.name}" in drop or f"DROP CONSTRAINT IF EXISTS {fk.name}" in drop)
        )


@pytest.mark.parametrize("fk", INFERRED_REFERENCES, ids=_fk_label)
def test_golden_inferred_reference_is_consistent(fk: ExpectedFK) -> None:
    """A comment-declared reference: its line is the Prisma field, commented ``References``."""
    assert fk.table in TABLES_BY_REF and fk.referenced_table in TABLES_BY_REF
    assert fk.service == TABLES_BY_REF[fk.table].service
    assert fk.referenced_service == _owner(fk.referenced_table)
    assert fk.cross_service == (fk.service != fk.referenced_service)
    assert fk.name == f"inferred:{fk.table.name}.{fk.columns[0]}"
    line = _line_at(fk.added_at)
    assert re.search(r"//\s*References\s+\w+\.User\.id", line) and f'@map("{fk.columns[0]}")' in line, line


@pytest.mark.parametrize("table", TABLES, ids=lambda t: str(t.ref))
def test_golden_table_is_consistent(table: ExpectedTable) -> None:
    assert table.service in SERVICES
    if table.external:
        assert table.defined_at is None and table.resolved_to in TABLES_BY_REF
        return
    assert table.defined_at is not None and table.defined_at.startswith(table.ref.database + "/")
    line = _line_at(table.defined_at)
    assert CREATE_TABLE.match(line), (table.defined_at, line)
    if table.dropped_at is not None:
        assert "DROP TABLE" in _line_at(table.dropped_at)


def test_golden_migrations_exist_and_cover_every_sql_file() -> None:
    listed = {p for files in MIGRATIONS.values() for p in files}
    for path in listed:
        assert (DEMO / path).is_file(), path
    on_disk = {p.relative_to(DEMO).as_posix() for p in DEMO.rglob("*.sql")}
    skipped = on_disk - listed
    # only down migrations are not replayed
    assert skipped == {p for p in on_disk if p.endswith((".down.sql", "/down.sql"))}, _show(
        skipped - {p for p in on_disk if p.endswith("down.sql")}
    )


# -- 2. a real PostgreSQL agrees with the golden file ------------------------------------------------


def _up_text(path: str) -> str:
    """What a migration tool would run: the dbmate down section is cut off."""
    text = (DEMO / path).read_text(encoding="utf-8")
    if "-- migrate:up" in text:
        text = text.split("-- migrate:down", 1)[0]
    return text


def _replay(
    dsn: str, files: Iterable[str], prelude: str = "", text: Callable[[str], str] = _up_text
) -> list[tuple[str, str]]:
    """Run every statement in autocommit mode, going on after errors like ``psql -f``."""
    import psycopg
    from pglast import split

    errors = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        if prelude:
            conn.execute(prelude)
        for path in files:
            for statement in split(text(path), with_parser=False):
                try:
                    conn.execute(statement)
                except psycopg.Error as exc:
                    errors.append((path, str(exc).splitlines()[0]))
    return errors


_CATALOG_FKS = """
SELECT n.nspname, c.relname, con.conname,
       ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i),
       rn.nspname, rc.relname,
       ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i),
       con.confdeltype, con.confupdtype, con.condeferrable, con.condeferred, con.convalidated,
       ARRAY(SELECT a.attname FROM unnest(coalesce(con.confdelsetcols, '{}')) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i)
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_class rc ON rc.oid = con.confrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace
WHERE con.contype = 'f'
"""
_ACTION = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
_TABLES = """
SELECT schemaname, tablename FROM pg_tables
WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
"""


def _catalog(dsn: str, database: str) -> tuple[set[tuple[Any, ...]], set[Ref]]:
    import psycopg

    with psycopg.connect(dsn) as conn:
        fks = {
            (
                Ref(database, s, t),
                name,
                tuple(cols),
                Ref(database, rs, rt),
                tuple(rcols),
                _ACTION[dt],
                _ACTION[ut],
                deferrable,
                deferred,
                validated,
                tuple(setcols),
            )
            for s, t, name, cols, rs, rt, rcols, dt, ut, deferrable, deferred, validated, setcols in (
                conn.execute(_CATALOG_FKS).fetchall()
            )
        }
        tables = {Ref(database, s, t) for s, t in conn.execute(_TABLES).fetchall()}
    return fks, tables


def _golden_present(database: str) -> tuple[set[tuple[Any, ...]], set[Ref]]:
    fks = set()
    for fk in FOREIGN_KEYS:
        if fk.table.database != database or fk.state != "present":
            continue
        details = {**FK_DEFAULTS, **FK_DETAILS.get((fk.table, fk.name), {})}
        by_application = details["on_delete_enforced_by"] == "application"
        fks.add(
            (
                fk.table,
                fk.name,
                fk.columns,
                fk.referenced_table,
                fk.referenced_columns,
                "NO ACTION" if by_application else fk.on_delete,  # the constraint has none
                details["on_update"],
                details["deferrable"],
                details["initially_deferred"],
                details["validated"],
                tuple(details["on_delete_columns"]),
            )
        )
    tables = {t.ref for t in TABLES if t.ref.database == database and not t.external and t.dropped_at is None}
    return fks, tables


_EXPECTED_PG_ERRORS = {
    "legacy/migrations/063_posts_add_polls.sql": ['syntax error at or near "CREAT"'],
}


@pytest.mark.postgres
@pytest.mark.parametrize("database", sorted(MIGRATIONS))
def test_postgresql_replay_matches_golden(database: str, fresh_database: Callable[..., str]) -> None:
    files = MIGRATIONS[database]
    prelude, text = "", _up_text
    if database == PHASE_7B:
        # It fails on a fresh database; it worked against the shared cluster, where users existed.
        errors = _replay(fresh_database(), files)
        assert errors and errors[0] == (files[0], 'relation "users" does not exist'), errors
        prelude = "CREATE TABLE users (id UUID PRIMARY KEY)"
    if database in TOOL_SQL:
        files, text = (str(TOOL_SQL[database]),), lambda path: Path(path).read_text(encoding="utf-8")
    if database == MODERATION:  # it runs on the monolith's database, which has users and posts
        prelude = "CREATE TABLE users (id UUID PRIMARY KEY); CREATE TABLE posts (id UUID PRIMARY KEY)"
    dsn = fresh_database()
    errors = _replay(dsn, files, prelude, text)
    wanted = [(path, msg) for path, msgs in _EXPECTED_PG_ERRORS.items() if path in files for msg in msgs]
    assert errors == wanted
    fks, tables = _catalog(dsn, database)
    golden_fks, golden_tables = _golden_present(database)
    if database in (PHASE_7B, MODERATION):
        tables -= {Ref(database, "public", "users"), Ref(database, "public", "posts")}
    tables = {t for t in tables if t.name not in IGNORED_TABLES}
    assert fks == golden_fks, (
        f"PostgreSQL has, golden lacks:\n{_show(fks - golden_fks)}\n"
        f"golden has, PostgreSQL lacks:\n{_show(golden_fks - fks)}"
    )
    assert tables == golden_tables, (
        f"PostgreSQL has, golden lacks:\n{_show(tables - golden_tables)}\n"
        f"golden has, PostgreSQL lacks:\n{_show(golden_tables - tables)}"
    )


# -- 3. fkmap agrees with the golden file ----------------------------------------------------------


@cache
def _scan() -> tuple[Any, dict[str, Any]]:
    import os

    from exports.scan_json import scan_document
    from ownership import scan

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        inv = scan.scan([DEMO_ARG])
    finally:
        os.chdir(cwd)
    return inv, json.loads(json.dumps(scan_document(inv)))


def test_scan_foreign_keys_match_golden() -> None:
    _, doc = _scan()
    actual = fks_of_document(doc)
    assert actual == EXPECTED_FKS, _explain_fk_diff(EXPECTED_FKS, actual)


def test_scan_foreign_key_details_match_golden() -> None:
    _, doc = _scan()
    wrong = []
    for fk in doc["foreign_keys"]:
        table = _doc_ref(fk["table"])
        assert table is not None
        want = {**FK_DEFAULTS, **FK_DETAILS.get((table, fk["name"]), {})}
        have = {key: fk[key] for key in FK_DEFAULTS}
        have["on_delete_columns"] = tuple(have["on_delete_columns"])
        want["on_delete_columns"] = tuple(want["on_delete_columns"])
        if have != want:
            diffs = {k: (want[k], have[k]) for k in want if want[k] != have[k]}
            wrong.append(f"{table} {fk['name']}: (expected, got) {diffs}")
        assert fk["origin"] == ("inferred" if (table, fk["name"]) in INFERRED_KEYS else "declared"), fk
    assert wrong == [], "\n" + _show(wrong)


def test_scan_tables_and_services_match_golden() -> None:
    _, doc = _scan()
    actual = tables_of_document(doc)
    assert actual == EXPECTED_TABLES, _explain_table_diff(EXPECTED_TABLES, actual)
    assert sorted(s["name"] for s in doc["services"]) == list(SERVICES)
    declared = {s["name"]: s["description"] for s in doc["services"]}
    assert all(declared.values()), f"services without the description of fkmap.toml: {declared}"


def test_scan_diagnostics() -> None:
    """Errors and warnings exactly as expected: the known-bad statement and phase-7b's missing users."""
    _, doc = _scan()
    diagnostics = doc["diagnostics"]
    serious = [d for d in diagnostics if d["severity"] in ("error", "warning")]
    actual = {ExpectedDiagnostic(d["severity"], d["path"], d["line"], d["code"]) for d in serious}
    assert actual == set(DIAGNOSTICS), f"missing:\n{_show(set(DIAGNOSTICS) - actual)}\nunexpected:\n" + _show(
        f"{d['severity']} {d['path']}:{d['line']} [{d['code']}] {d['message']}"
        for d in serious
        if ExpectedDiagnostic(d["severity"], d["path"], d["line"], d["code"]) not in DIAGNOSTICS
    )
    infos = {(d["code"], d["path"].rpartition("examples/demo/")[2], d["line"]): d for d in diagnostics}
    for want in INFO_DIAGNOSTICS:
        key = (want.code, want.path.rpartition("examples/demo/")[2], want.line)
        assert key in infos, f"no {want} among:\n{_show(infos)}"
    assert "ar_internal_metadata" in infos[("ignored", "fkmap.toml", 0)]["message"]


def test_scan_replays_up_migrations_in_order() -> None:
    inv, _ = _scan()
    by_set: dict[str, list[Any]] = defaultdict(list)
    for m in inv.migrations:
        by_set[m.database].append(m)
    actual = {db: tuple(m.path for m in sorted(ms, key=lambda m: m.ordinal)) for db, ms in by_set.items()}
    assert actual == MIGRATIONS, "\n".join(
        f"{db}:\n  expected {MIGRATIONS.get(db)}\n  got      {actual.get(db)}"
        for db in sorted(set(actual) | set(MIGRATIONS))
        if actual.get(db) != MIGRATIONS.get(db)
    )
    for db, ms in by_set.items():
        assert [m.ordinal for m in sorted(ms, key=lambda m: m.ordinal)] == list(range(len(ms))), db


def test_scan_summary_counts() -> None:
    _, doc = _scan()
    summary = doc["summary"]
    assert {
        "services": summary["services"],
        "tables": summary["tables"],
        "foreign_keys": summary["foreign_keys"],
        "cross_service_fks": summary["cross_service_fks"],
        "inferred_references": summary["inferred_references"],
        "cross_service_dropped": summary["cross_service_dropped"],
        "fresh_db_failures": summary["fresh_db_failures"],
    } == {
        "services": DEMO_COUNTS["services"],
        "tables": DEMO_COUNTS["tables"],
        "foreign_keys": DEMO_COUNTS["foreign_keys_present"],  # declared; inferred ones counted apart
        "cross_service_fks": DEMO_COUNTS["cross_service_present"],
        "inferred_references": sum(fk.cross_service for fk in INFERRED_REFERENCES),
        "cross_service_dropped": DEMO_COUNTS["cross_service_dropped"],
        "fresh_db_failures": sum(bool(d.get("fresh_db_failure")) for d in FK_DETAILS.values()),
    }


def test_cli_json_reports_the_golden_fk_set() -> None:
    import os

    from click.testing import CliRunner

    import cli

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(cli.main, ["scan", DEMO_ARG, "--format", "json"])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    actual = fks_of_document(doc)
    assert actual == EXPECTED_FKS, _explain_fk_diff(EXPECTED_FKS, actual)
    assert doc == _scan()[1], "fkmap scan --format json differs from scan_document(scan.scan(...))"


# -- 4. ownership evidence -------------------------------------------------------------------------


def test_golden_evidence_is_consistent() -> None:
    assert set(DECIDED_BY) == {t.ref for t in TABLES if not t.external}
    assert NOT_WRITTEN.issubset(DECIDED_BY)
    assert all(TABLES_BY_REF[ref].replica_of for ref in DETECTED_REPLICAS)
    for access in SHARED_ACCESS:
        assert access.owner == _owner(access.table) and access.service != access.owner, access
        path, _, line = access.at.rpartition(":")
        nearby = "\n".join(_lines(path)[int(line) - 1 : int(line) + 11])
        model = access.table.name.removesuffix("s").capitalize()  # an ORM model class: Post for posts
        assert re.search(rf"\b({access.table.name}|{model})\b", nearby), access


def test_demo_services_are_code_units() -> None:
    """Every services/<name>-service folder has a manifest: a deployable unit whose code is read."""
    from ownership.units import find_units

    units = {u.path: u.kind for u in find_units(DEMO)}
    folders = {p.parent.relative_to(DEMO).as_posix() for p in DEMO.glob("services/*/Dockerfile")}
    assert folders == {p.relative_to(DEMO).as_posix() for p in DEMO.glob("services/*-service")}
    assert units == dict.fromkeys(sorted(folders), "service")


def _decisive(t: Table) -> Evidence:
    """The evidence that decided a table's service (a copy's replica-of evidence comes first)."""
    evidence = list(t.owner_evidence)
    if t.replica_of:
        assert evidence[0].kind == "replica-of" and evidence[0].service == t.replica_of, t.ref
        evidence = evidence[1:]
    return evidence[0]


def test_scan_evidence_decides_as_golden() -> None:
    inv, _ = _scan()
    wrong = []
    for t in inv.tables:
        ref = Ref(t.ref.database, t.ref.schema, t.ref.name)
        if t.external:
            continue
        found = _decisive(t)
        if (found.kind, found.service) != (DECIDED_BY[ref], t.service):
            wrong.append(f"{ref}: decided by {found.kind} ({found.detail}), expected {DECIDED_BY[ref]}")
    assert wrong == [], "\n" + _show(wrong)


def test_scan_code_write_evidence() -> None:
    """Every table its service's code writes says so, with the file and line of the first write."""
    inv, _ = _scan()
    written = set()
    for t in inv.tables:
        ref = Ref(t.ref.database, t.ref.schema, t.ref.name)
        mine = [e for e in t.owner_evidence if e.kind == "code-write" and e.service == t.service]
        if t.external:
            continue
        if mine:
            written.add(ref)
            where = mine[0]
            assert where.detail == f"written by {t.service} ({where.path}:{where.line})", where
            assert where.path.startswith(f"services/{t.service}-service/"), where
            line = _lines(where.path)[where.line - 1]
            assert line.strip(), where
    assert written == set(DECIDED_BY) - NOT_WRITTEN, _show(written ^ (set(DECIDED_BY) - NOT_WRITTEN))


DETECTED_BECAUSE = {
    "local_users": "a local copy of auth's 'users' (legacy/migrations:public.users)",
    # a MongoDB entity: no SQL key to compare, the Mongoose model is the place
    "member_accounts": "a local copy of identity's 'members' (written by identity at "
    "services/identity-service/src/models/member.model.ts:24)",
}


def test_scan_replicas_declared_and_detected() -> None:
    inv, _ = _scan()
    for t in inv.tables:
        if not t.replica_of or t.external:
            continue
        ref = Ref(t.ref.database, t.ref.schema, t.ref.name)
        why = t.owner_evidence[0]
        assert why.kind == "replica-of", ref
        if ref in DETECTED_REPLICAS:
            assert t.defined_at is not None and (why.path, why.line) == (t.defined_at.path, t.defined_at.line)
            assert why.detail.startswith(DETECTED_BECAUSE[ref.name]), why.detail
        else:
            assert why.path.endswith("fkmap.toml") and "[[replicas]]" in why.detail, why


def test_scan_shared_access_matches_golden() -> None:
    inv, _ = _scan()
    actual = {
        ExpectedAccess(
            Ref(a.table.database, a.table.schema, a.table.name),
            a.owner,
            a.service,
            a.access,
            f"{a.path}:{a.line}",
        )
        for a in inv.shared_access
    }
    assert actual == set(SHARED_ACCESS), (
        f"missing:\n{_show(set(SHARED_ACCESS) - actual)}\nunexpected:\n" + _show(actual - set(SHARED_ACCESS))
    )
