"""scan_code: walk and skip rules, unit attribution, name resolution, limits, the access summary."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from ownership.code import AccessSummary, CodeScan, TableUse, code_files, scan_code, table_access
from ownership.code import pool as pool_module
from ownership.code import scan as scan_module
from ownership.units import Unit, find_units

Scan = Callable[[dict[str, str | bytes]], CodeScan]
Make = Callable[[str, dict[str, str | bytes]], Path]


def test_monolith_migrations_and_services(scan_files: Scan) -> None:
    scan = scan_files(
        {
            "backend/migrations/001_init.sql": "CREATE TABLE users (id int); INSERT INTO users VALUES (1);",
            "backend/migrations/0002_seed.py": 'op.execute("INSERT INTO users VALUES (2)")',
            "backend/db/migrate/20240101_x.rb": 'execute "UPDATE users SET a = 1"',
            "auth-service/Cargo.toml": '[package]\nname = "auth"',
            "auth-service/src/repo.rs": 'fn f() { sqlx::query!("UPDATE users SET name = $1", n); }',
            "content-service/package.json": '{"name": "content"}',
            "content-service/src/feed.js": "db.query('SELECT * FROM messages m JOIN users u USING (id)')",
            "scripts/report.py": 'cur.execute("SELECT count(*) FROM messages")',
        }
    )
    assert scan.uses == (
        TableUse("", "messages", "read", "sql", "scripts/report.py", 1),
        TableUse("auth-service", "users", "write", "sqlx", "auth-service/src/repo.rs", 1),
        TableUse("content-service", "messages", "read", "sql", "content-service/src/feed.js", 1),
        TableUse("content-service", "users", "read", "sql", "content-service/src/feed.js", 1),
    )
    assert scan.units_for("users") == ("auth-service", "content-service")
    assert scan.units_for("users", "write") == ("auth-service",)
    assert (scan.files, scan.lines) == (3, 3)


def test_innermost_unit_owns_the_file(scan_files: Scan) -> None:
    scan = scan_files(
        {
            "Dockerfile": "FROM x",
            "svc/go.mod": "module svc\n",
            "svc/tools/gen/go.mod": "module gen\n",
            "svc/a.go": 'package a\nconst q = "DELETE FROM a"',
            "svc/tools/gen/b.go": 'package b\nconst q = "DELETE FROM b"',
            "c.go": 'package c\nconst q = "DELETE FROM c"',
        }
    )
    assert {(u.unit, u.table) for u in scan.uses} == {("svc", "a"), ("svc/tools/gen", "b"), ("", "c")}


def test_skip_rules(make_tree: Make) -> None:
    sql = 'const q = "DELETE FROM t";'
    skipped = [
        "node_modules",
        "target",
        "dist",
        "build",
        "vendor",
        ".git",
        ".venv",
        "__pycache__",
        ".next",
        "out",
    ]
    files: dict[str, str | bytes] = {f"{d}/x.js": sql for d in skipped}
    files |= {f"{d}/x.js": sql for d in ("migrations", "db/migrate", "src/migration", "alembic/versions")}
    files |= {"a.d.ts": sql, "b.min.js": sql, "c.txt": sql, "d.sql": "DELETE FROM t", "e.JS": sql}
    files |= {"fixtures/ok.js": sql, "tests/fixtures/ok.ts": sql, "src/index.ts": sql}
    # test code: what a test does to a table says nothing of who owns it
    files |= {"src/db_test.go": sql, "src/db.test.ts": sql, "src/db.spec.js": sql, "src/test_db.py": sql}
    files |= {"src/DbTest.java": sql, "spec/db_spec.rb": sql, "e2e/x.ts": sql, "src/tests/x.rs": sql}
    files |= {"src/contest.py": sql}
    root = make_tree("r", files)
    assert [rel for rel, _, _ in code_files(root)] == ["src/contest.py", "src/index.ts"]


def test_symlinks_are_not_followed(make_tree: Make) -> None:
    outside = make_tree("outside", {"x.py": 'q = "DELETE FROM secret"'})
    root = make_tree("r", {"real/a.py": 'q = "DELETE FROM a"'})
    os.symlink(outside, root / "linked", target_is_directory=True)
    os.symlink(root / "real", root / "loop", target_is_directory=True)
    os.symlink(outside / "x.py", root / "file_link.py")
    scan = scan_code(root, ())
    assert [(u.table, u.path) for u in scan.uses] == [("a", "real/a.py")]


def test_large_files_are_skipped_with_one_info(scan_files: Scan) -> None:
    big = "// " + "x" * scan_module.MAX_FILE_BYTES + '\nconst q = "DELETE FROM big";\n'
    scan = scan_files({"svc/big.js": big, "svc/small.js": 'const q = "DELETE FROM small";'})
    assert [u.table for u in scan.uses] == ["small"]
    (diag,) = scan.diagnostics
    assert (diag.severity, diag.code, diag.path) == ("info", "file-too-large", "svc/big.js")
    assert "svc/big.js" in diag.message
    assert scan.files == 1


def test_unparseable_files_give_one_diagnostic_each(scan_files: Scan) -> None:
    sql = "SELECT * FROM a"
    scan = scan_files(
        {
            "a.py": f'q = "{sql}"\ndef f(:\n',
            "b.ts": f'const q = "{sql}";\nconst = ;\nconst y = = 2;\n',
            "c.rb": f'q = "{sql}"\nclass\n',
            "d.java": f'class {{ String q = "{sql}"; ',
            "e.go": f'package\nconst q = "{sql}"\n}}}}}}',
            "f.rs": f'fn ( "{sql}"',
            "g.prisma": "model A {\n  oops = 1\n}\n",
            "h.py": b"\xff\xfe\x00select from\x00",
        }
    )
    paths = [d.path for d in scan.diagnostics]
    assert sorted(set(paths)) == ["a.py", "b.ts", "c.rb", "d.java", "e.go", "f.rs", "g.prisma", "h.py"]
    assert [p for p in paths if p != "g.prisma"] == ["a.py", "b.ts", "c.rb", "d.java", "e.go", "f.rs", "h.py"]
    assert all(d.code == "parse-error" for d in scan.diagnostics)


def test_files_that_cannot_hold_evidence_are_not_parsed(make_tree: Make) -> None:
    files: dict[str, str | bytes] = {"a.py": "def f(:\n", "b.ts": "const = ;"}
    files["c.go"] = 'package c\nconst q = "DELETE FROM t"'
    root = make_tree("r", files)
    assert [d.path for d in scan_code(root, ()).diagnostics] == []
    full = scan_code(root, (), prefilter=False)
    assert [d.path for d in full.diagnostics] == ["a.py", "b.ts"]
    assert full.uses == scan_code(root, ()).uses
    assert (full.files, full.lines) == (3, 4)


def test_second_pass_reads_files_naming_declarations(scan_files: Scan) -> None:
    scan = scan_files(
        {
            "models/user.rb": "class User < ApplicationRecord\nend\n",
            "models/admin.rb": "class Admin < User\nend\n",
            "models/root.rb": "class Root < Admin\nend\n",
            "jobs/purge.rb": "Root.destroy_all\n",
            "jobs/other.rb": "Other.destroy_all\n",
        }
    )
    assert [(u.table, u.access, u.path) for u in scan.uses] == [
        ("users", "write", "jobs/purge.rb"),
        ("users", "write", "models/user.rb"),
    ]
    assert scan.files == 5


def test_a_pool_gives_the_same_result(monkeypatch: pytest.MonkeyPatch, make_tree: Make) -> None:
    files: dict[str, str | bytes] = {
        f"s{i}/q{j}.go": f'package q\nconst q = "DELETE FROM t{i}_{j}"' for i in range(4) for j in range(5)
    }
    files |= {f"s{i}/go.mod": "" for i in range(4)}
    files["m.rb"] = "class User < ApplicationRecord\nend\n"
    files["u.rb"] = "User.create!\n"
    root = make_tree("r", files)
    units = find_units(root)
    alone = scan_code(root, units, workers=1)
    monkeypatch.setattr(pool_module, "BATCH_BYTES", 1)
    pooled = scan_code(root, units, workers=2)
    assert pooled == alone
    assert len(alone.uses) == 22
    assert pool_module.plan_workers(total_bytes=10**9, requested=3) == 3
    monkeypatch.setenv("FKMAP_WORKERS", "1")
    assert pool_module.plan_workers(total_bytes=10**9) == 1


def test_a_reader_crash_is_a_diagnostic_not_a_failure(
    monkeypatch: pytest.MonkeyPatch, make_tree: Make
) -> None:
    def boom(src: bytes, path: str) -> None:
        raise RuntimeError("bug")

    monkeypatch.setitem(scan_module._READERS, "python", boom)
    root = make_tree("r", {"a.py": 'q = "DELETE FROM a"', "b.go": 'package b\nconst q = "DELETE FROM t"'})
    scan = scan_code(root, ())
    assert [u.table for u in scan.uses] == ["t"]
    assert [(d.severity, d.code, d.path) for d in scan.diagnostics] == [("error", "internal", "a.py")]


def test_references_prefer_their_own_unit_and_drop_ambiguous_names(scan_files: Scan) -> None:
    scan = scan_files(
        {
            "a/package.json": "{}",
            "a/models.js": 'const User = sequelize.define("user", {}, { tableName: "a_users" });',
            "a/use.js": "User.create({});",
            "b/package.json": "{}",
            "b/models.js": 'const User = sequelize.define("user", {}, { tableName: "b_users" });',
            "b/use.js": "User.create({});",
            "c/package.json": "{}",
            "c/use.js": "User.create({});",
            "d/package.json": "{}",
            "d/models.js": 'const Post = sequelize.define("post", {});',
            "e/package.json": "{}",
            "e/use.js": "Post.findAll();",
        }
    )
    calls = {(u.unit, u.table, u.access) for u in scan.uses if u.path.endswith("use.js")}
    assert calls == {("a", "a_users", "write"), ("b", "b_users", "write"), ("e", "posts", "read")}


def test_table_access_summary(scan_files: Scan) -> None:
    scan = scan_files(
        {
            "auth/go.mod": "",
            "auth/a.go": 'package a\nconst w = "INSERT INTO users VALUES (1)"\n'
            'const r = "SELECT * FROM users"\n',
            "auth/b.go": 'package a\n\n\nconst w = "UPDATE users SET a = 1"',
            "feed/go.mod": "",
            "feed/f.go": 'package f\nconst r = "SELECT * FROM users JOIN posts USING (id)"',
        }
    )
    summary = table_access(scan)
    assert list(summary) == ["posts", "users"]
    assert summary["users"] == {
        "auth": AccessSummary(2, 1, ("auth/a.go", 2), ("auth/a.go", 3)),
        "feed": AccessSummary(0, 1, None, ("feed/f.go", 2)),
    }
    assert table_access(CodeScan()) == {}


def test_scans_are_deterministic(make_tree: Make) -> None:
    files: dict[str, str | bytes] = {
        f"s{i}/x{j}.py": f'q = "SELECT * FROM t{j} JOIN u{i} ON true"' for i in range(3) for j in range(3)
    }
    files |= {f"s{i}/pyproject.toml": "" for i in range(3)}
    root = make_tree("r", files)
    units = find_units(root)
    first = scan_code(root, units)
    assert scan_code(root, units) == first
    assert first.uses == tuple(sorted(first.uses))
    assert len(first.uses) == 18


def test_units_may_be_given_in_any_order(make_tree: Make) -> None:
    root = make_tree("r", {"x/y/z.py": 'q = "DELETE FROM t"'})
    units = [Unit("y", "x/y", ("Dockerfile",), "service"), Unit("x", "x", ("Dockerfile",), "service")]
    assert [u.unit for u in scan_code(root, units).uses] == ["x/y"]
