"""Migration-set discovery and replay order (:mod:`ingest.migrations.layout`)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.migrations.layout import MigrationFile, MigrationSet, discover, order_key, parse_name
from model.inventory import Diagnostic


def make(root: Path, files: Mapping[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def rels(sets: list[MigrationSet]) -> dict[str, list[str]]:
    return {s.label: [f.rel for f in s.files] for s in sets}


def details(migration_set: MigrationSet) -> list[tuple[str, str, str, str, str]]:
    return [(f.rel, f.version, f.name, f.timestamp, f.section) for f in migration_set.files]


# --------------------------------------------------------------------------- layouts
def test_numbered_files_natural_order_and_duplicates(tmp_path: Path) -> None:
    names = ["001_init.sql", "002_b.sql", "002_a.sql", "10_d.sql", "010_c.sql", "9_z.sql", "schema.sql"]
    make(tmp_path, {f"db/migrations/{n}": "SELECT 1;" for n in names} | {"db/migrations/README.md": "x"})
    sets, diagnostics = discover(tmp_path)
    assert [s.label for s in sets] == ["db/migrations"]
    assert [(rel.removeprefix("db/migrations/"), v, n) for rel, v, n, _, _ in details(sets[0])] == [
        ("001_init.sql", "001", "init"),
        ("002_a.sql", "002", "a"),
        ("002_b.sql", "002", "b"),
        ("9_z.sql", "9", "z"),
        ("010_c.sql", "010", "c"),
        ("10_d.sql", "10", "d"),
        ("schema.sql", "", "schema"),
    ]
    assert diagnostics == [
        Diagnostic(
            "info",
            "2 migrations share version 002; replayed in order: "
            "db/migrations/002_a.sql, db/migrations/002_b.sql",
            path="db/migrations/002_a.sql",
            code="duplicate-version",
        ),
        Diagnostic(
            "info",
            "2 migrations share version 010; replayed in order: "
            "db/migrations/010_c.sql, db/migrations/10_d.sql",
            path="db/migrations/010_c.sql",
            code="duplicate-version",
        ),
    ]


def test_timestamped_names(tmp_path: Path) -> None:
    names = [
        "2024-01-03-120000_add_tags.sql",
        "20240101120000_create_users.sql",
        "2024_01_02_120000_add_posts.sql",
        "20241301000000_bad_month.sql",
    ]
    make(tmp_path, {n: "SELECT 1;" for n in names})
    sets, diagnostics = discover(tmp_path)
    assert diagnostics == []
    assert sets[0].label == tmp_path.name
    assert details(sets[0]) == [
        ("20240101120000_create_users.sql", "20240101120000", "create_users", "2024-01-01T12:00:00", "sniff"),
        ("2024_01_02_120000_add_posts.sql", "20240102120000", "add_posts", "2024-01-02T12:00:00", "sniff"),
        ("2024-01-03-120000_add_tags.sql", "20240103120000", "add_tags", "2024-01-03T12:00:00", "sniff"),
        ("20241301000000_bad_month.sql", "20241301000000", "bad_month", "", "sniff"),
    ]


def test_flyway(tmp_path: Path) -> None:
    names = ["V2__d.sql", "V1_10__c.sql", "V1.2__b.sql", "V1_1__a.sql", "V1__init.sql", "R__views.sql"]
    make(tmp_path, {f"sql/{n}": "SELECT 1;" for n in [*names, "R__a_funcs.sql", "U1__undo.sql"]})
    sets, _ = discover(tmp_path)
    assert [(rel, version, name) for rel, version, name, _, _ in details(sets[0])] == [
        ("sql/V1__init.sql", "1", "init"),
        ("sql/V1_1__a.sql", "1.1", "a"),
        ("sql/V1.2__b.sql", "1.2", "b"),
        ("sql/V1_10__c.sql", "1.10", "c"),
        ("sql/V2__d.sql", "2", "d"),
        ("sql/R__a_funcs.sql", "", "a_funcs"),
        ("sql/R__views.sql", "", "views"),
    ]


def test_golang_migrate_up_and_down(tmp_path: Path) -> None:
    files = ["000001_create_users", "000002_add_posts", "000010_add_tags"]
    make(tmp_path, {f"migrations/{n}.{d}.sql": "SELECT 1;" for n in files for d in ("up", "down")})
    sets, diagnostics = discover(tmp_path)
    assert diagnostics == []
    assert [(rel, version, name) for rel, version, name, _, _ in details(sets[0])] == [
        ("migrations/000001_create_users.up.sql", "000001", "create_users"),
        ("migrations/000002_add_posts.up.sql", "000002", "add_posts"),
        ("migrations/000010_add_tags.up.sql", "000010", "add_tags"),
    ]


def test_diesel_directories(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "migrations/00000000000000_diesel_initial_setup/up.sql": "SELECT 1;",
            "migrations/00000000000000_diesel_initial_setup/down.sql": "SELECT 1;",
            "migrations/2024-01-01-120000_create_users/up.sql": "SELECT 1;",
            "migrations/2024-01-01-120000_create_users/down.sql": "SELECT 1;",
            "migrations/.keep": "",
            "diesel.toml": "",
        },
    )
    sets, diagnostics = discover(tmp_path)
    assert diagnostics == []
    assert [s.label for s in sets] == ["migrations"]
    assert details(sets[0]) == [
        (
            "migrations/00000000000000_diesel_initial_setup/up.sql",
            "00000000000000",
            "diesel_initial_setup",
            "",
            "sniff",
        ),
        (
            "migrations/2024-01-01-120000_create_users/up.sql",
            "20240101120000",
            "create_users",
            "2024-01-01T12:00:00",
            "sniff",
        ),
    ]


def test_diesel_directory_scanned_directly(tmp_path: Path) -> None:
    make(
        tmp_path,
        {"2024-01-01-120000_create_users/up.sql": "SELECT 1;", "2024-01-01-120000_create_users/down.sql": ""},
    )
    sets, _ = discover(tmp_path / "2024-01-01-120000_create_users")
    assert [(s.label, details(s)) for s in sets] == [
        (
            "2024-01-01-120000_create_users",
            [("up.sql", "20240101120000", "create_users", "2024-01-01T12:00:00", "sniff")],
        )
    ]


def test_prisma_directories(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "prisma/schema.prisma": "model User {}",
            "prisma/migrations/migration_lock.toml": 'provider = "postgresql"',
            "prisma/migrations/20240202120000_add_posts/migration.sql": "SELECT 1;",
            "prisma/migrations/20240101120000_init/migration.sql": "SELECT 1;",
        },
    )
    sets, _ = discover(tmp_path)
    assert rels(sets) == {
        "prisma/migrations": [
            "prisma/migrations/20240101120000_init/migration.sql",
            "prisma/migrations/20240202120000_add_posts/migration.sql",
        ]
    }
    assert [f.name for f in sets[0].files] == ["init", "add_posts"]


def test_sqlx_reversible_and_plain(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "migrations/20240101120000_users.up.sql": "SELECT 1;",
            "migrations/20240101120000_users.down.sql": "SELECT 1;",
            "migrations/20240102120000_posts.sql": "SELECT 1;",
        },
    )
    sets, _ = discover(tmp_path)
    assert rels(sets) == {
        "migrations": ["migrations/20240101120000_users.up.sql", "migrations/20240102120000_posts.sql"]
    }


def test_down_migrations_are_never_applied(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "m/001_init.sql": "",
            "m/001_init_down.sql": "",
            "m/002_x.down.sql": "",
            "m/down.sql": "",
            "m/U3__undo.sql": "",
            "only_down/001_a.down.sql": "",
        },
    )
    sets, _ = discover(tmp_path)
    assert rels(sets) == {"m": ["m/001_init.sql"]}


def test_nested_sets_are_separate(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "services/auth/migrations/001_users.sql": "",
            "services/chat/db/migrations/001_messages.sql": "",
            "services/chat/db/migrations/002_reactions.sql": "",
            "services/chat/db/seed.sql": "",
            "legacy/migrations/018_messaging_schema.sql": "",
            "docs/readme.md": "",
        },
    )
    sets, diagnostics = discover(tmp_path)
    assert diagnostics == []
    assert rels(sets) == {
        "legacy/migrations": ["legacy/migrations/018_messaging_schema.sql"],
        "services/auth/migrations": ["services/auth/migrations/001_users.sql"],
        "services/chat/db": ["services/chat/db/seed.sql"],
        "services/chat/db/migrations": [
            "services/chat/db/migrations/001_messages.sql",
            "services/chat/db/migrations/002_reactions.sql",
        ],
    }
    assert [s.label for s in sets] == sorted(s.label for s in sets)
    assert sets[1].files[0].path == str(tmp_path / "services/auth/migrations/001_users.sql")


def test_skipped_directories_and_hidden_files(tmp_path: Path) -> None:
    skipped = [
        "node_modules/pkg",
        ".git",
        ".venv/lib",
        "venv",
        "vendor/x",
        "__pycache__",
        ".hidden",
        "a/site-packages",
    ]
    make(
        tmp_path,
        {**{f"{d}/001_x.sql": "" for d in skipped}, "db/001_x.sql": "", "db/._001_x.sql": b"\x00\x05"},
    )
    sets, _ = discover(tmp_path)
    assert rels(sets) == {"db": ["db/001_x.sql"]}


def test_root_directory_is_a_set(tmp_path: Path) -> None:
    make(tmp_path, {"migrations/001_a.sql": "", "migrations/002_b.sql": ""})
    sets, _ = discover(tmp_path / "migrations")
    assert rels(sets) == {"migrations": ["001_a.sql", "002_b.sql"]}


def test_root_label_falls_back_to_dot_when_taken(tmp_path: Path) -> None:
    make(tmp_path, {"x/001_a.sql": "", "x/x/001_b.sql": ""})
    sets, _ = discover(tmp_path / "x")
    assert rels(sets) == {".": ["001_a.sql"], "x": ["x/001_b.sql"]}


def test_single_file(tmp_path: Path) -> None:
    make(tmp_path, {"db/structure.sql": "CREATE TABLE a (id int);", "notes.txt": "x"})
    sets, diagnostics = discover(tmp_path / "db" / "structure.sql")
    assert diagnostics == []
    assert sets == [
        MigrationSet(
            "structure.sql",
            (
                MigrationFile(
                    str(tmp_path / "db/structure.sql"), "structure.sql", "", "structure", "", "sniff"
                ),
            ),
        )
    ]
    assert discover(tmp_path / "notes.txt") == (
        [],
        [Diagnostic("warning", "not a .sql file; ignored", path="notes.txt", code="unsupported")],
    )


def test_missing_and_empty(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    assert discover(missing) == (
        [],
        [Diagnostic("error", "no such file or directory", path=str(missing), code="io-error")],
    )
    make(tmp_path, {"empty/readme.md": ""})
    assert discover(tmp_path / "empty") == (
        [],
        [
            Diagnostic(
                "warning", "no .sql migration files found", path=str(tmp_path / "empty"), code="no-migrations"
            )
        ],
    )


def test_symbolic_links(tmp_path: Path) -> None:
    root = make(tmp_path / "repo", {"db/001_a.sql": ""})
    make(tmp_path, {"outside/migrations/001_ext.sql": ""})
    os.symlink(root, root / "db" / "loop")
    os.symlink(root / "db", root / "alias")
    os.symlink(tmp_path / "outside", root / "linked")
    os.symlink(root / "missing.sql", root / "db" / "broken.sql")
    sets, diagnostics = discover(root, follow_symlinks=True)
    assert rels(sets) == {"db": ["db/001_a.sql"], "linked/migrations": ["linked/migrations/001_ext.sql"]}
    assert sets[1].files[0].path == str(root / "linked/migrations/001_ext.sql")
    assert sorted(diagnostics, key=lambda d: d.path) == [
        Diagnostic("info", "same directory as 'db'; scanned once", path="alias", code="duplicate-dir"),
        Diagnostic("warning", "broken symbolic link", path="db/broken.sql", code="io-error"),
        Diagnostic(
            "warning", "symbolic link loop back to '.'; not followed", path="db/loop", code="symlink-loop"
        ),
    ]


def test_unreadable_directory_is_a_diagnostic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make(tmp_path, {"a/001_x.sql": "", "b/001_y.sql": ""})
    real_scandir = os.scandir

    def scandir(path: str) -> object:
        if path.endswith(f"{os.sep}a"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)  # the os module layout lists with
    sets, diagnostics = discover(tmp_path)
    assert rels(sets) == {"b": ["b/001_y.sql"]}
    assert diagnostics == [
        Diagnostic("warning", "cannot list directory: Permission denied", path="a", code="io-error")
    ]


# --------------------------------------------------------------------------- properties
@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parse_name_never_raises(name: str) -> None:
    version, label, timestamp = parse_name(name)
    assert all(isinstance(part, str) for part in (version, label, timestamp))
    assert order_key(name)[0] in (0, 1)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(0, 10_000), min_size=1, max_size=3), min_size=1, max_size=8, unique_by=tuple
    )
)
def test_versions_sort_numerically(versions: list[list[int]]) -> None:
    names = [f"V{'_'.join(map(str, v))}__m.sql" for v in versions]
    expected = [f"V{'_'.join(map(str, v))}__m.sql" for v in sorted(versions)]
    assert sorted(names, key=order_key) == expected
