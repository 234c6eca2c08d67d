"""A small migration repository for the remediation tests: two services, a rename, a drop."""

from __future__ import annotations

from pathlib import Path

from ingest.migrations.sets import ingest_path
from model.inventory import Inventory
from ownership.config_file import parse_config
from ownership.resolve import merge, resolve_external
from ownership.services import assign_services
from remediation.tracking import TrackedFk, tracked_fks

CONFIG = """
[services.auth]
tables = ["users"]
[services.content]
tables = ["posts", "articles", "comments"]
"""

INIT = """CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE posts (
    id int PRIMARY KEY,
    user_id int REFERENCES users(id) ON DELETE CASCADE,
    editor_id int
);
ALTER TABLE posts ADD CONSTRAINT posts_editor_fk FOREIGN KEY (editor_id) REFERENCES users(id);
"""
RENAME = """ALTER TABLE posts RENAME TO articles;
ALTER TABLE articles RENAME CONSTRAINT posts_user_id_fkey TO articles_user_id_fkey;
"""
AT = "2026-11-14T10:42:00Z"


def scan_folder(root: Path, files: dict[str, str], folder: str = "db/migrations") -> Inventory:
    """Write ``files`` into ``root/folder``, ingest with ingest_path and assign services."""
    base = root / folder
    base.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (base / name).write_text(text, encoding="utf-8")
    config, diagnostics = parse_config(CONFIG)
    assert diagnostics == []
    return assign_services(resolve_external(merge([ingest_path(root)])), config)


def by_name(inv: Inventory) -> dict[str, TrackedFk]:
    return {it.fk.name: it for it in tracked_fks(inv)}
