"""Keys and a migration folder shared by the drift tests (tests/checks, tests/cli/test_diff.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from model.inventory import ForeignKey, TableRef

__all__ = ["CATALOG", "CHANGE", "DROP", "INIT", "MIGRATIONS", "both", "key", "migration_folder"]

MIGRATIONS = "services/blog/migrations"
CATALOG = "blog_db"


def key(
    database: str,
    name: str,
    table: str,
    columns: tuple[str, ...],
    ref: str,
    ref_columns: tuple[str, ...] = ("id",),
    **kwargs: Any,
) -> ForeignKey:
    schema, _, tname = table.rpartition(".")
    rschema, _, rname = ref.rpartition(".")
    return ForeignKey(
        name,
        TableRef(database, schema or "public", tname),
        columns,
        TableRef(database, rschema or "public", rname),
        ref_columns,
        **kwargs,
    )


def both(
    name: str, table: str, columns: tuple[str, ...], ref: str, **kwargs: Any
) -> tuple[ForeignKey, ForeignKey]:
    """The same key as a migration folder and as a catalog report it."""
    return key(MIGRATIONS, name, table, columns, ref, **kwargs), key(
        CATALOG, name, table, columns, ref, **kwargs
    )


INIT = """\
CREATE TABLE users (id integer PRIMARY KEY);
CREATE TABLE posts (
    id integer PRIMARY KEY,
    user_id integer REFERENCES users (id) ON DELETE CASCADE,
    editor_id integer
);
ALTER TABLE posts ADD CONSTRAINT posts_editor_fkey FOREIGN KEY (editor_id) REFERENCES users (id);
"""
DROP = "ALTER TABLE posts DROP CONSTRAINT posts_user_id_fkey;\n"
CHANGE = """\
ALTER TABLE posts DROP CONSTRAINT posts_editor_fkey;
ALTER TABLE posts ADD CONSTRAINT posts_editor_fkey FOREIGN KEY (editor_id)
    REFERENCES users (id) ON DELETE SET NULL;
"""


def migration_folder(root: Path, files: dict[str, str]) -> Path:
    folder = root / "services" / "blog" / "migrations"
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return root
