"""What a scanned folder brings in: a Prisma schema beside hand-written migrations, copies of one
application, symbolic links out of the folder (:mod:`ingest.migrations.walk`,
:mod:`ingest.migrations.copies`, :mod:`ingest.prisma.read`, ``--follow-symlinks``)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from ingest import read_source
from ingest.migrations.layout import discover
from model.inventory import Diagnostic, TableRef
from ownership.config import Config
from ownership.config_file import parse_config
from ownership.scan import scan
from tests.ingest.migrations.test_layout import make, rels
from tests.ingest.migrations.test_layout_engines import fk_set

# --------------------------------------------------------------------------- Prisma + hand-written SQL
SCHEMA = """\
datasource db { provider = "postgresql" }
model User {
  id    String @id
  posts Post[]
}
model Post {
  id     Int    @id
  userId String @map("user_id")
  user   User   @relation(fields: [userId], references: [id], onDelete: Cascade)
  tagId  Int
}
model Tag { id Int @id }
"""
ALTERS = """\
ALTER TABLE "Post" ADD CONSTRAINT post_tag_fk FOREIGN KEY ("tagId") REFERENCES "Tag"(id);
ALTER TABLE "Tag" ADD COLUMN label text;
CREATE TABLE audit (id int PRIMARY KEY, user_id text REFERENCES "User"(id));
"""


def test_a_prisma_schema_beside_hand_written_migrations_keeps_its_models(tmp_path: Path) -> None:
    make(tmp_path, {"api/prisma/schema.prisma": SCHEMA, "api/prisma/migrations/001_constraints.sql": ALTERS})
    inv = read_source(str(tmp_path))
    db = "api/prisma/migrations"
    assert [(str(t.ref), t.external, [c.name for c in t.columns]) for t in inv.tables] == [
        (f"{db}:public.Post", False, ["id", "user_id", "tagId"]),
        (f"{db}:public.Tag", False, ["id", "label"]),
        (f"{db}:public.User", False, ["id"]),
        (f"{db}:public.audit", False, ["id", "user_id"]),
    ]
    assert fk_set(inv) == {
        ("Post_user_id_fkey", f"{db}:public.Post", ("user_id",), f"{db}:public.User", ("id",), "CASCADE"),
        ("post_tag_fk", f"{db}:public.Post", ("tagId",), f"{db}:public.Tag", ("id",), "NO ACTION"),
        ("audit_user_id_fkey", f"{db}:public.audit", ("user_id",), f"{db}:public.User", ("id",), "NO ACTION"),
    }
    assert inv.diagnostics == ()
    assert str(inv.table(TableRef(db, "public", "Post")).defined_at) == "api/prisma/schema.prisma:6"  # type: ignore[union-attr]
    assert [(m.path, m.database) for m in inv.migrations] == [
        ("api/prisma/migrations/001_constraints.sql", db),
        ("api/prisma/schema.prisma", db),
    ]


def test_prisma_migrations_still_win_over_the_schema(tmp_path: Path) -> None:
    migration = (
        'CREATE TABLE "User" ("id" TEXT PRIMARY KEY);\nCREATE TABLE "Tag" ("id" INTEGER PRIMARY KEY);\n'
    )
    make(
        tmp_path,
        {"prisma/schema.prisma": SCHEMA, "prisma/migrations/20240101000000_init/migration.sql": migration},
    )
    inv = read_source(str(tmp_path))
    assert [str(t.ref) for t in inv.tables] == [
        "prisma/migrations:public.Tag",
        "prisma/migrations:public.User",
    ]
    assert inv.foreign_keys == ()


# --------------------------------------------------------------------------- copies of one application
def copies(root: Path) -> None:
    for copy in ("app", "app-copy"):
        make(
            root,
            {
                f"{copy}/services/auth/migrations/001_users.sql": "CREATE TABLE users (id int PRIMARY KEY);",
                f"{copy}/services/chat/migrations/001_messages.sql": (
                    "CREATE TABLE messages (id int PRIMARY KEY, user_id int REFERENCES users (id));"
                ),
            },
        )


def test_copies_of_one_app_resolve_within_each_copy_and_are_said_once(tmp_path: Path) -> None:
    copies(tmp_path)
    inv = scan([str(tmp_path)])
    resolved = {str(t.ref): str(t.resolved_to) for t in inv.tables if t.external}
    assert resolved == {
        "app-copy/services/chat/migrations:public.users": "app-copy/services/auth/migrations:public.users",
        "app/services/chat/migrations:public.users": "app/services/auth/migrations:public.users",
    }
    noted = [d for d in inv.diagnostics if d.code in ("copies", "ambiguous-external")]
    message = (
        "'app' and 'app-copy' hold the same migration sets (services/auth/migrations, "
        "services/chat/migrations): copies of one application; each copy's references resolve within it"
    )
    assert noted == [Diagnostic("info", message, path="app", code="copies")]


def test_services_with_the_same_sub_folders_are_not_copies(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            f"services/{name}/db/{part}/001.sql": "SELECT 1;"
            for name in ("auth", "chat")
            for part in ("migrations", "seeds")
        },
    )
    assert [d for d in discover(tmp_path)[1] if d.code == "copies"] == []


# --------------------------------------------------------------------------- symbolic links
def linked_repo(tmp_path: Path) -> Path:
    root = make(tmp_path / "repo", {"db/001_a.sql": "CREATE TABLE a (id int PRIMARY KEY);"})
    make(
        tmp_path,
        {"other/migrations/001_ext.sql": "CREATE TABLE ext (id int);", "loose/002_b.sql": "SELECT 1;"},
    )
    os.symlink(tmp_path / "other", root / "vendored")
    os.symlink(tmp_path / "loose" / "002_b.sql", root / "db" / "002_b.sql")
    os.symlink("/", root / "rootfs")
    os.symlink(root / "db", root / "alias")  # inside the tree: still followed (and seen once)
    return root


def test_links_out_of_the_tree_are_not_followed_by_default(tmp_path: Path) -> None:
    root = linked_repo(tmp_path)
    sets, diagnostics = discover(root)
    assert rels(sets) == {"db": ["db/001_a.sql"]}
    how = "not followed (--follow-symlinks or [scan] follow_symlinks = true follows it)"
    assert sorted(diagnostics, key=lambda d: d.path) == [
        Diagnostic("info", "same directory as 'db'; scanned once", path="alias", code="duplicate-dir"),
        Diagnostic(
            "warning",
            f"symbolic link to {str(tmp_path / 'loose' / '002_b.sql')!r}, outside the scanned folder; {how}",
            path="db/002_b.sql",
            code="symlink-outside",
        ),
        Diagnostic(
            "warning",
            f"symbolic link to '/', outside the scanned folder; {how}",
            path="rootfs",
            code="symlink-outside",
        ),
        Diagnostic(
            "warning",
            f"symbolic link to {str(tmp_path / 'other')!r}, outside the scanned folder; {how}",
            path="vendored",
            code="symlink-outside",
        ),
    ]


def test_follow_symlinks_through_read_source(tmp_path: Path) -> None:
    root = linked_repo(tmp_path)
    os.remove(root / "rootfs")
    inv = read_source(str(root), follow_symlinks=True)
    assert sorted(str(t.ref) for t in inv.tables) == ["db:public.a", "vendored/migrations:public.ext"]
    assert [m.path for m in inv.migrations] == [
        "db/001_a.sql",
        "db/002_b.sql",
        "vendored/migrations/001_ext.sql",
    ]


def test_follow_symlinks_from_the_config(tmp_path: Path) -> None:
    root = linked_repo(tmp_path)
    os.remove(root / "rootfs")
    (root / "fkmap.toml").write_text("[scan]\nfollow_symlinks = true\n", encoding="utf-8")
    assert "vendored/migrations:public.ext" in {str(t.ref) for t in scan([str(root)]).tables}
    assert "vendored/migrations:public.ext" not in {
        str(t.ref) for t in scan([str(root)], follow_symlinks=False).tables
    }


def test_follow_symlinks_config_must_be_a_boolean() -> None:
    config, diagnostics = parse_config('[scan]\nfollow_symlinks = "yes"\n')
    assert config == Config(path="fkmap.toml")
    assert [(d.severity, d.line, d.message) for d in diagnostics] == [
        ("error", 2, "'scan.follow_symlinks' must be true or false, not a string; using false")
    ]


@pytest.mark.parametrize("flag", [[], ["--follow-symlinks"]])
def test_follow_symlinks_on_the_command_line(tmp_path: Path, flag: list[str]) -> None:
    root = linked_repo(tmp_path)
    os.remove(root / "rootfs")
    result = CliRunner().invoke(main, ["scan", str(root), "--format", "json", *flag])
    assert result.exit_code == 0, result.output
    tables = {f"{t['database']}:{t['schema']}.{t['name']}" for t in json.loads(result.output)["tables"]}
    assert ("vendored/migrations:public.ext" in tables) == bool(flag)
