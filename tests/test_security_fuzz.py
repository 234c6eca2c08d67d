"""Hostile and broken input: nothing escapes, every rejected piece is a diagnostic, big input is bounded.

Property-based ("never raises") tests of the statement splitter, both parser adapters
(:mod:`ingest.migrations.postgres`, :mod:`ingest.migrations.sqlglot_dialects`), the replayer, the file
reader and the config
loader, with a bounded example count so they run in ``make test``; then enormous and
pathological inputs (1 MB statements, 10,000-deep nesting, symbolic-link loops, binary
and invalid UTF-8 files, files over the size caps) with their time and memory measured.
``fuzz/fuzz_ingest.py`` runs the same targets under atheris (coverage-guided) by hand.
"""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.migrations import ops as o
from ingest.migrations import read
from ingest.migrations.layout import MigrationFile
from ingest.migrations.read import read_up_text
from ingest.migrations.replay import Replayer
from ingest.migrations.sets import ingest_path, ingest_text
from ingest.migrations.split import split_statements
from model.inventory import Column, Diagnostic
from ownership.config import Config
from ownership.config_file import load_config, parse_config

#: Examples per property: bounded for ``make test``; ``FKMAP_FUZZ_EXAMPLES=5000`` searches deeper by hand.
FUZZ = settings(
    max_examples=int(os.environ.get("FKMAP_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)

SQL_WORDS = st.sampled_from(
    [
        *";'\"`$-/*\\#(),.\n\t eE1_",
        *("$$", "$a$", "/*", "*/", "--", "E'", "''", '""', 'U&"', "\\.\n", "\\connect x\n"),
        *("CREATE TABLE ", "ALTER TABLE ", "DROP TABLE ", "ADD CONSTRAINT ", "FOREIGN KEY ", "PRIMARY KEY "),
        *("REFERENCES ", "ON DELETE CASCADE ", "NOT VALID ", "DO ", "BEGIN ", "END", " IF ", "EXECUTE "),
        *("CREATE FUNCTION f() ", "COPY t FROM stdin;\n", "DELIMITER //\n", "//", "ENGINE=InnoDB", "`t`"),
        *("users", "u", "t", "id", "int", "user_id", "ALTER TABLE t ADD FOREIGN KEY (a) REFERENCES u;"),
        *("CREATE TABLE t (id int PRIMARY KEY, u int REFERENCES u(id));", "RENAME TABLE a TO b", "USE x"),
        *("PARTITION OF ", "INHERITS (", "SET search_path = ", "\x00", "\ufeff", "\u202e", "ユ"),
    ]
)
SQL = st.lists(SQL_WORDS, max_size=50).map("".join) | st.text(max_size=300)


def _diagnostic_ok(d: Diagnostic, path: str) -> None:
    assert isinstance(d, Diagnostic)
    assert d.severity in ("error", "warning", "info")
    assert d.code and isinstance(d.message, str) and d.message
    assert d.line >= 0


# ------------------------------------------------------------------------------------------ splitter
@FUZZ
@given(SQL, st.sampled_from(["postgres", "mysql"]))
def test_splitter_never_raises_and_locates_every_statement(sql: str, dialect: str) -> None:
    statements = split_statements(sql, dialect=dialect)
    offsets = [s.offset for s in statements]
    assert offsets == sorted(offsets) and len(set(offsets)) == len(offsets)
    for s in statements:
        assert s.text and s.text == s.text.strip()
        assert sql.startswith(s.text, s.offset), (s, sql)
        assert s.line == sql.count("\n", 0, s.offset) + 1


@FUZZ
@given(st.binary(max_size=400))
def test_splitter_on_any_decoded_bytes(data: bytes) -> None:
    for text in (data.decode("utf-8", "replace"), data.decode("latin-1")):
        split_statements(text)
        split_statements(text, dialect="mysql")


# ------------------------------------------------------------------------------------------ parsers
@FUZZ
@given(SQL)
def test_postgresql_adapter_never_raises(sql: str) -> None:
    from ingest.migrations import postgres as pg

    ops, diags = pg.parse(sql, "f.sql")
    assert all(isinstance(op, o.Op) for op in ops)
    for d in diags:
        _diagnostic_ok(d, "f.sql")
        assert d.path == "f.sql" and d.line <= sql.count("\n") + 1


@FUZZ
@given(SQL, st.sampled_from(["mysql", "mariadb", "sqlite", "tsql"]))
def test_sqlglot_adapter_never_raises(sql: str, dialect: str) -> None:
    from ingest.migrations import sqlglot_dialects as mysql

    ops, diags = mysql.parse(sql, "f.sql", dialect=dialect)
    assert all(isinstance(op, o.Op) for op in ops)
    for d in diags:
        _diagnostic_ok(d, "f.sql")
        assert d.path == "f.sql"
        assert d.code != "internal", d  # a statement sqlglot cannot read is a parse-error, not a crash


GOOD = "CREATE TABLE zz_good_{i} (id int PRIMARY KEY, u int REFERENCES zz_good_0 (id));"
#: What could make a garbage statement swallow the next ones (quotes, comments, parentheses, COPY data...).
SWALLOWERS = (
    "$",
    "'",
    '"',
    "/*",
    "--",
    "\\",
    "(",
    ")",
    "\x00",
    "\ufeff",
    "U&",
    "stdin",
    "FUNCTION",
    "PROCEDURE",
)


@FUZZ
@given(st.lists(SQL, min_size=1, max_size=6))
def test_every_statement_the_server_rejects_is_one_diagnostic_and_the_rest_replays(pieces: list[str]) -> None:
    """Good statements interleaved with garbage: each garbage statement that PostgreSQL's parser
    rejects -- whatever its first word: INSERT, SELECT and GRANT are checked too -- gives a
    parse-error on its own line, and every good table is still there."""
    from pglast.parser import ParseError, parse_sql_json

    lines = ["CREATE TABLE zz_good_0 (id int PRIMARY KEY);"]
    rejected = []
    for i, piece in enumerate(pieces, start=1):
        garbage = piece.replace(";", " ")
        for bad in SWALLOWERS:
            garbage = garbage.replace(bad, " ")
        garbage = " ".join(garbage.split()) or "x"
        try:
            parse_sql_json(garbage)
        except ParseError:
            rejected.append(len(lines) + 1)
        lines.append(garbage + ";")
        lines.append(GOOD.format(i=i))
    inv = ingest_text("\n".join(lines), path="m.sql", dialect="postgres")
    names = {t.ref.name for t in inv.tables if not t.external}
    assert {f"zz_good_{i}" for i in range(len(pieces) + 1)} <= names
    errors = sorted(d.line for d in inv.diagnostics if d.code == "parse-error")
    assert errors == rejected


# ------------------------------------------------------------------------------------------ replayer
NAMES = st.sampled_from(["users", "t", "u", "Posts", "x y", "ユ", ""])
SCHEMAS = st.sampled_from([None, "public", "s", ""])
QNAMES = st.builds(o.QName, SCHEMAS, NAMES)
COLS = st.sampled_from(["id", "a", "b", "user_id", ""])
COL_TUPLES = st.lists(COLS, max_size=3).map(tuple)
FKS = st.builds(
    o.FKSpec,
    st.none() | NAMES,
    COL_TUPLES,
    QNAMES,
    COL_TUPLES,
    on_delete=st.sampled_from(["NO ACTION", "CASCADE", "SET NULL", "bogus"]),
    on_delete_columns=COL_TUPLES,
    line=st.integers(0, 30),
)
CONS = st.builds(o.ConstraintSpec, st.sampled_from(["p", "u", "c", "f", "x"]), st.none() | NAMES, COL_TUPLES)
COLUMNS = st.builds(Column, COLS, st.sampled_from(["int", "text", ""]), st.booleans())
LINE = st.integers(0, 30)
OPS = st.one_of(
    st.builds(
        o.CreateTable,
        QNAMES,
        st.lists(COLUMNS, max_size=3).map(tuple),
        st.lists(CONS, max_size=2).map(tuple),
        st.lists(FKS, max_size=2).map(tuple),
        st.booleans(),
        st.lists(st.builds(o.LikeSpec, QNAMES, st.booleans()), max_size=1).map(tuple),
        st.lists(QNAMES, max_size=1).map(tuple),
        st.none() | QNAMES,
        line=LINE,
    ),
    st.builds(o.DropTable, st.lists(QNAMES, min_size=1, max_size=2).map(tuple), st.booleans(), st.booleans()),
    st.builds(
        o.AddColumn,
        QNAMES,
        COLUMNS,
        st.lists(CONS, max_size=1).map(tuple),
        st.lists(FKS, max_size=1).map(tuple),
    ),
    st.builds(o.DropColumn, QNAMES, COLS, st.booleans(), st.booleans(), line=LINE),
    st.builds(o.AlterColumn, QNAMES, COLS, st.none() | st.just("bigint"), st.none() | st.booleans()),
    st.builds(o.AddForeignKey, QNAMES, FKS, line=LINE, table_if_exists=st.booleans()),
    st.builds(o.AddConstraint, QNAMES, CONS, line=LINE),
    st.builds(o.DropConstraint, QNAMES, NAMES, st.booleans(), st.booleans(), st.sampled_from(["", "f", "p"])),
    st.builds(o.ValidateConstraint, QNAMES, NAMES),
    st.builds(o.AlterConstraint, QNAMES, NAMES, st.none() | st.booleans(), st.none() | st.booleans()),
    st.builds(o.RenameTable, QNAMES, NAMES, line=LINE),
    st.builds(o.RenameColumn, QNAMES, COLS, COLS),
    st.builds(o.RenameConstraint, QNAMES, NAMES, NAMES),
    st.builds(o.SetSchema, QNAMES, st.sampled_from(["public", "s", ""])),
    st.builds(o.AttachPartition, QNAMES, QNAMES),
    st.builds(o.DetachPartition, QNAMES, QNAMES),
    st.builds(
        o.SetSearchPath, st.none() | st.lists(st.sampled_from(["public", "s", "$user", ""])).map(tuple)
    ),
    st.builds(o.CreateSchema, st.sampled_from(["s", "public", ""]), st.booleans()),
    st.builds(
        o.DropSchema,
        st.lists(st.sampled_from(["s", "public", ""]), max_size=2).map(tuple),
        st.booleans(),
        st.booleans(),
    ),
)


@FUZZ
@given(
    st.lists(st.tuples(st.sampled_from(["a.sql", "b.sql"]), OPS), max_size=25),
    st.sampled_from(["postgres", "mysql"]),
)
def test_replayer_never_raises_and_its_result_is_consistent(
    steps: list[tuple[str, o.Op]], dialect: str
) -> None:
    r = Replayer("db")
    current = ""
    for path, op in steps:
        if path != current:
            r.begin_file(path, dialect=dialect)
            current = path
        r.apply(op)
    tables, fks, diags = r.result()
    internal = [d for d in diags if d.code == "internal"]
    assert not internal, internal
    refs = [t.ref for t in tables]
    assert refs == sorted(refs) and len(set(refs)) == len(refs)
    assert {fk.table for fk in fks} <= set(refs)
    assert {fk.ref_table for fk in fks} <= set(refs)


# ------------------------------------------------------------------------------------------ reader
@FUZZ
@given(st.binary(max_size=600))
def test_reader_never_raises_on_any_bytes(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("r") / "001_x.sql"
    path.write_bytes(data)
    text, diags = read_up_text(MigrationFile(str(path), "001_x.sql", "001", "x", ""))
    assert isinstance(text, str)
    for d in diags:
        _diagnostic_ok(d, "001_x.sql")
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        assert text == "" and [d.code for d in diags] == ["binary-file"]


# ------------------------------------------------------------------------------------------ config
SECTIONS = {
    "scan": ["dialect", "map_by", "database_pattern", "schema_pattern", "ignore_tables", "bogus"],
    "services.auth": ["description", "paths", "tables", "databases", "schemas", "bogus"],
    'services."a.b <c>"': ["paths", "tables"],
    "infer": ["enabled", "suffixes", "bogus"],
}
ARRAY_SECTIONS = {"replicas": ["table", "owner", "bogus"], "infer.references": ["column", "target"]}
TOML_VALUES = st.one_of(
    st.sampled_from(
        [
            '"path"',
            '"database"',
            '"postgres"',
            '"^(?P<service>.+)$"',
            '"(("',
            '"^(a+)+$"',
            '"(x|x?)*y"',
            '["services/auth/**", "*"]',
            '["[", "]", "**/**/**"]',
            "[1, 2]",
            "true",
            "0",
            '""',
            "{a = 1}",
            '"auth:users"',
            '"*.user_id"',
            "[[1]]",
            '"\\u0000"',
        ]
    ),
    st.text(max_size=20).map(lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'),
)


@st.composite
def configs(draw: Any) -> str:
    lines = []
    for section in draw(st.lists(st.sampled_from(sorted(SECTIONS)), max_size=4, unique=True)):
        lines.append(f"[{section}]")
        for key in draw(st.lists(st.sampled_from(SECTIONS[section]), max_size=4, unique=True)):
            lines.append(f"{key} = {draw(TOML_VALUES)}")
    for section, keys in ARRAY_SECTIONS.items():
        for _ in range(draw(st.integers(0, 2))):
            lines.append(f"[[{section}]]")
            for key in draw(st.lists(st.sampled_from(keys), max_size=3, unique=True)):
                lines.append(f"{key} = {draw(TOML_VALUES)}")
    if draw(st.booleans()):
        lines.insert(
            draw(st.integers(0, len(lines))), draw(st.sampled_from(["[scan", "x = ", "= 1", "[[", "\x00"]))
        )
    return "\n".join(lines)


@FUZZ
@given(configs())
def test_config_loader_never_raises_and_reports_in_diagnostics(text: str) -> None:
    cfg, diags = parse_config(text, "fkmap.toml")
    assert isinstance(cfg, Config)
    for d in diags:
        _diagnostic_ok(d, "fkmap.toml")
        assert d.code == "config" and d.path == "fkmap.toml"
    from ownership.services import assign_services

    assign_services(_small_inventory(), cfg)  # the config is usable, whatever it held


def _small_inventory() -> Any:
    return ingest_text(
        "CREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE posts (u int REFERENCES users);",
        path="services/auth/migrations/001_x.sql",
        database="aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
    )


@pytest.mark.parametrize("pattern", ["^(a+)+$", "(x+x+)+y", "^(?P<service>(\\w+\\s?)*)$", "((a*)*b)"])
def test_config_refuses_patterns_with_exponential_backtracking(pattern: str) -> None:
    """fkmap.toml is read from the scanned repository: a pattern must not hang the scan."""
    text = f'[scan]\nmap_by = "database"\ndatabase_pattern = {pattern!r}\n'.replace("'", '"')
    cfg, diags = parse_config(text, "fkmap.toml")
    assert cfg.database_pattern != pattern
    assert [d.line for d in diags if "exponential" in d.message] == [3]
    from ownership.services import assign_services

    inv = assign_services(_small_inventory(), cfg)  # the refused pattern is never matched
    assert len(inv.tables) == 2


def test_config_file_that_is_binary_huge_or_a_directory(tmp_path: Path) -> None:
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00garbage" * 100)
    folder = tmp_path / "dir.toml"
    folder.mkdir()
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 10_000 + "]" * 10_000)
    for path in (binary, folder, deep, tmp_path / "missing.toml"):
        cfg, diags = load_config(path)
        assert isinstance(cfg, Config)
        assert [d.severity for d in diags] == ["error"], diags
        assert str(path.name) in diags[0].message


# ------------------------------------------------------------------------------------------ enormous input
def _traced(fn: Any, *args: Any, **kw: Any) -> tuple[Any, int, int]:
    """Result, bytes read from files (``rchar`` of /proc/self/io) and peak Python memory of ``fn``.

    Counts, never seconds: the machine is shared, and what a bound on work means is
    how much was read and held, not how long it took.
    """
    tracemalloc.start()
    before = _rchar()
    try:
        result = fn(*args, **kw)
    finally:
        read_bytes = _rchar() - before
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return result, read_bytes, peak


def _rchar() -> int:
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    raise AssertionError("/proc/self/io has no rchar line")


NESTING = 10_000
AROUND = "CREATE TABLE users (id int PRIMARY KEY);\n{}\nCREATE TABLE after (u int REFERENCES users (id));\n"
DEEP = {
    "parentheses": "CREATE TABLE t (id int CHECK (" + "(" * NESTING + "1" + ")" * NESTING + " > 0));",
    "function calls": "CREATE TABLE t (id int CHECK (" + "abs(" * NESTING + "1" + ")" * NESTING + " > 0));",
    "operators 700": "CREATE TABLE t (id int DEFAULT (" + "1+(" * 700 + "1" + ")" * 700 + "));",
    "function calls 2000": "CREATE TABLE t (id int CHECK (" + "abs(" * 2000 + "1" + ")" * 2000 + " > 0));",
    "unclosed parentheses": "CREATE TABLE t (id int CHECK (" + "(" * NESTING + "1;",
    "nested comments": "/*" * NESTING + " x " + "*/" * NESTING + " SELECT 1;",
    "unclosed nested comment": "SELECT 1; /*" * 3 + "/*" * NESTING,
    "nested DO blocks": "DO $$ "
    + "BEGIN " * NESTING
    + "ALTER TABLE users ADD COLUMN x int; "
    + "END; " * (NESTING - 1)
    + "END $$;",
    "nested IF in DO": "DO $$ BEGIN "
    + "IF true THEN " * NESTING
    + "PERFORM 1;"
    + " END IF;" * NESTING
    + " END $$;",
    "CASE": "CREATE TABLE t (id int DEFAULT "
    + "CASE WHEN true THEN " * NESTING
    + "1"
    + " END" * NESTING
    + ");",
}


@pytest.mark.parametrize("case", list(DEEP), ids=list(DEEP))
def test_deep_nesting_is_a_diagnostic_and_the_rest_of_the_file_replays(case: str) -> None:
    sql = AROUND.format(DEEP[case])
    inv, _, peak = _traced(ingest_text, sql, path="deep.sql")
    assert not [d for d in inv.diagnostics if d.code == "internal"], inv.diagnostics
    problems = [d for d in inv.diagnostics if d.severity == "error" or d.code == "parse-error"]
    assert all(d.path == "deep.sql" and d.line == 2 for d in problems), problems
    if case.startswith("unclosed"):  # psql's rule: the rest of the file is inside it; the parser says so
        assert [d.code for d in problems] == ["parse-error"]
        assert "users" in {t.ref.name for t in inv.tables}
    else:
        assert {t.ref.name for t in inv.tables} >= {"users", "after"}, inv.diagnostics
        assert [fk.table.name for fk in inv.foreign_keys if fk.ref_table.name == "users"][-1] == "after"
    assert peak < 200_000_000, peak


@pytest.mark.parametrize("dialect", ["mysql", "sqlite"])
def test_deep_nesting_in_other_dialects_is_a_clear_diagnostic(dialect: str) -> None:
    sql = (
        "CREATE TABLE users (id INT PRIMARY KEY);\n"
        "CREATE TABLE t (id INT CHECK (" + "(" * NESTING + "1" + ")" * NESTING + " > 0));\n"
        "CREATE TABLE after (u INT, FOREIGN KEY (u) REFERENCES users (id));\n"
    )
    inv = ingest_text(sql, path="deep.sql", dialect=dialect)
    assert {t.ref.name for t in inv.tables} >= {"users", "after"}
    [problem] = [d for d in inv.diagnostics if d.severity == "error"]
    assert problem.line == 2 and problem.code == "parse-error"
    assert "nested too deeply" in problem.message


@pytest.mark.parametrize("dialect", ["postgres", "mysql"])
def test_one_megabyte_statement(dialect: str) -> None:
    columns = ", ".join(f"c{i} int" for i in range(90_000))
    quote = "`" if dialect == "mysql" else '"'
    sql = f"CREATE TABLE {quote}big{quote} ({columns}, u int REFERENCES users (id));"
    assert len(sql) > 1_000_000
    inv, _, peak = _traced(ingest_text, sql, path="big.sql", dialect=dialect)
    big = next(t for t in inv.tables if t.ref.name == "big")
    assert len(big.columns) == 90_001 and len(inv.foreign_keys) == 1
    assert peak < 400_000_000, peak  # a few hundred bytes per column, not a copy per column


def test_symbolic_link_loop_is_reported_once(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "db" / "migrations").mkdir(parents=True)
    (root / "db" / "migrations" / "001_x.sql").write_text("CREATE TABLE t (id int);")
    os.symlink(root, root / "db" / "loop")
    os.symlink(root / "db", root / "db" / "migrations" / "up")
    inv, read_bytes, _ = _traced(ingest_path, root, cache=False, workers=1)
    assert [t.ref.name for t in inv.tables] == ["t"]
    assert sorted(d.code for d in inv.diagnostics) == ["symlink-loop", "symlink-loop"]
    assert read_bytes < 1_000_000, read_bytes  # the one file, once: the loops are not walked


def test_binary_and_invalid_utf8_files(tmp_path: Path) -> None:
    root = tmp_path / "migrations"
    root.mkdir()
    (root / "001_binary.sql").write_bytes(os.urandom(2048) + b"\x00")
    (root / "002_latin1.sql").write_bytes("CREATE TABLE café (id int);\n-- \xe9t\xe9\n".encode("latin-1"))
    (root / "003_ok.sql").write_text("CREATE TABLE ok (id int);")
    inv = ingest_path(root, cache=False, workers=1)
    assert sorted(t.ref.name for t in inv.tables) == ["caf\ufffd", "ok"]
    codes = {(Path(d.path).name, d.code) for d in inv.diagnostics}
    assert ("001_binary.sql", "binary-file") in codes and ("002_latin1.sql", "encoding") in codes


def _copy_dump(path: Path, rows: int) -> None:
    """A pg_dump with data: two tables, ``rows`` rows of COPY data, then the FK."""
    with path.open("w") as f:
        f.write("CREATE TABLE users (id int PRIMARY KEY, name text);\n")
        f.write("CREATE TABLE posts (id int, user_id int);\n")
        f.write("COPY public.users (id, name) FROM stdin;\n")
        row = "%d\ta user name; with a semicolon and 'quotes' and $$ and /* no comment\n"
        chunk = 10_000
        for start in range(0, rows, chunk):
            f.write("".join(row % i for i in range(start, min(start + chunk, rows))))
        f.write("\\.\n")
        f.write("ALTER TABLE ONLY public.posts\n    ADD CONSTRAINT posts_user_fkey FOREIGN KEY (user_id) ")
        f.write("REFERENCES public.users(id);\n")


def test_copy_data_is_streamed_past_in_bounded_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dump with 20 MB of COPY data is read line by line: memory stays far below the file size."""
    dump = tmp_path / "dump.sql"
    _copy_dump(dump, 280_000)
    size = dump.stat().st_size
    assert size > 20_000_000
    monkeypatch.setattr(read, "STREAM_BYTES", 1_000_000)
    f = MigrationFile(str(dump), "dump.sql", "", "dump", "")
    (text, diags), _, peak = _traced(read_up_text, f)
    assert diags == []
    assert text.count("\n") == 280_006 and len(text) < 1_000_000
    assert peak < 5_000_000, peak
    inv = ingest_path(dump, cache=False, workers=1)
    assert [(fk.name, fk.added_at.line if fk.added_at else 0) for fk in inv.foreign_keys] == [
        ("posts_user_fkey", 280_006)
    ]


def test_sql_outside_copy_data_over_the_cap_is_skipped_with_a_diagnostic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "schema.sql"
    big.write_text("".join(f"CREATE TABLE t{i} (id int PRIMARY KEY);\n" for i in range(50_000)))
    monkeypatch.setenv("FKMAP_MAX_SQL_MB", "1")
    f = MigrationFile(str(big), "schema.sql", "", "schema", "")
    (text, diags), _, peak = _traced(read_up_text, f)
    assert text == ""
    assert [(d.code, d.severity) for d in diags] == [("file-too-large", "error")]
    assert "1 MB of SQL" in diags[0].message and "FKMAP_MAX_SQL_MB" in diags[0].message
    assert peak < 4_000_000, peak


def test_a_file_over_the_size_cap_is_never_read(tmp_path: Path) -> None:
    """A sparse file over MAX_FILE_BYTES (no disk used): skipped at once, from its size."""
    huge = tmp_path / "huge.sql"
    with huge.open("wb") as f:
        f.truncate(read.MAX_FILE_BYTES + 1)
    f2 = MigrationFile(str(huge), "huge.sql", "", "huge", "")
    (text, diags), read_bytes, peak = _traced(read_up_text, f2)
    assert text == "" and [d.code for d in diags] == ["file-too-large"]
    assert read_bytes < 64 * 1024 and peak < 1_000_000, (read_bytes, peak)


def test_a_200_megabyte_binary_file_is_rejected_from_its_first_block(tmp_path: Path) -> None:
    """200 MB of NUL bytes (sparse): recognised as binary without reading it all."""
    big = tmp_path / "dump.sql"
    with big.open("wb") as f:
        f.truncate(200 * 1024 * 1024)
    (text, diags), read_bytes, peak = _traced(
        read_up_text, MigrationFile(str(big), "dump.sql", "", "dump", "")
    )
    assert text == "" and [(d.code, d.line) for d in diags] == [("binary-file", 1)]
    assert read_bytes < 5_000_000 and peak < 5_000_000, (read_bytes, peak)


@pytest.mark.parametrize("search_path", ["''", "1", "nowhere"])
def test_a_reference_through_an_empty_or_odd_search_path_never_replaces_a_table(search_path: str) -> None:
    """Found by the fuzzer: ``SET search_path = 1`` made a reference replace the table it named."""
    sql = (
        "CREATE TABLE users (id int PRIMARY KEY);\n"
        f"SET search_path = {search_path};\n"
        "CREATE TABLE public.posts (u int REFERENCES users (id));\n"
        "ALTER TABLE users ADD COLUMN x int;\n"
    )
    inv = ingest_text(sql, path="m.sql", dialect="postgres")
    users = [t for t in inv.tables if t.ref.name == "users" and t.ref.schema == "public"]
    assert len(users) == 1 and not users[0].external and users[0].defined_at is not None


@pytest.mark.parametrize(
    "sql",
    [
        "CREATE TABLE users (id int PRIMARY KEY);\n"
        "ALTER TABLE users ATTACH PARTITION users FOR VALUES IN (1);\n",
        "CREATE TABLE a (id int) PARTITION BY LIST (id);\nCREATE TABLE b PARTITION OF a FOR VALUES IN (1)"
        " PARTITION BY LIST (id);\nALTER TABLE b ATTACH PARTITION a FOR VALUES IN (2);\n",
    ],
    ids=["itself", "its parent"],
)
def test_a_table_never_becomes_a_partition_of_itself(sql: str) -> None:
    """Found by the fuzzer: a self-attached partition made DROP TABLE recurse without end."""
    inv = ingest_text(sql + "DROP TABLE a, users;\n", path="m.sql", dialect="postgres")
    assert not [d for d in inv.diagnostics if d.code == "internal"], inv.diagnostics
    assert [d.code for d in inv.diagnostics if "partition of itself" in d.message] == ["partition"]
