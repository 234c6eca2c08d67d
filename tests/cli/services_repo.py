"""Three services, one migration folder each: the repository the ``fkmap export`` and ``check`` tests use."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main

FILES = {
    "services/auth/migrations/001_init.sql": """\
CREATE TABLE users (
    id UUID PRIMARY KEY
);
CREATE TABLE sessions (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE
);
""",
    "services/content/migrations/001_posts.sql": """\
CREATE TABLE posts (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE
);
""",
    "services/content/migrations/002_comments.sql": """\
CREATE TABLE comments (
    id UUID PRIMARY KEY,
    post_id UUID NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    author_id UUID REFERENCES users(id) ON DELETE SET NULL
);
""",
    "services/messaging/migrations/001_chat.sql": """\
CREATE TABLE conversations (
    id UUID PRIMARY KEY,
    created_by UUID NOT NULL REFERENCES users(id)
);
CREATE TABLE messages (
    id UUID PRIMARY KEY,
    conversation_id UUID NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    sender_id UUID NOT NULL REFERENCES users(id)
);
""",
    "services/messaging/migrations/002_drop_sender_fk.sql": """\
ALTER TABLE messages DROP CONSTRAINT messages_sender_id_fkey;
""",
}
NEW_FK = """\
ALTER TABLE messages ADD CONSTRAINT messages_sender_fk FOREIGN KEY (sender_id) REFERENCES users(id);
"""


def services_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Write :data:`FILES` under ``tmp_path/repo`` and make it the working directory."""
    root = tmp_path / "repo"
    for rel, text in FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr
