"""``fkmap plan``: export, import (idempotent, conflicts), status and SQL from the command line."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from cli import main
from remediation.store import open_store
from tests.helpers import not_none

INIT = """CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users(id) ON DELETE CASCADE);
CREATE TABLE comments (id int PRIMARY KEY, author_id int REFERENCES users(id));
"""


def test_cli_export_import_status_sql(tmp_path: Path) -> None:
    folder = tmp_path / "repo" / "db"
    folder.mkdir(parents=True)
    (folder / "001_init.sql").write_text(INIT)
    runner = CliRunner()
    state = str(tmp_path / "cli.db")
    repo = str(tmp_path / "repo")
    config = tmp_path / "repo" / "fkmap.toml"
    config.write_text(
        '[services.auth]\ntables = ["users"]\n[services.content]\ntables = ["posts", "comments"]\n'
    )
    plan = tmp_path / "plan.yaml"
    result = runner.invoke(main, ["plan", "export", repo, "-o", str(plan), "--state", state])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.stderr and "2 cross-service foreign key(s)" in result.stderr
    doc = yaml.safe_load(plan.read_text())
    doc["records"][0]["marks"] = [{"phase": 1, "note": "checked"}]
    plan.write_text(yaml.safe_dump(doc))
    result = runner.invoke(main, ["plan", "import", str(plan), "--state", state, "--who", "erin"])
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("1 created, 0 updated, 1 unchanged, 0 conflicts\n")
    result = runner.invoke(main, ["plan", "import", str(plan), "--state", state, "--who", "erin"])
    assert result.stdout.endswith("0 created, 0 updated, 2 unchanged, 0 conflicts\n")
    result = runner.invoke(main, ["plan", "status", repo, "--state", state])
    assert result.exit_code == 0 and "content" in result.stdout
    assert result.stdout.splitlines()[1].split() == ["content", "1", "1", "0", "0", "0", "2"]
    result = runner.invoke(main, ["plan", "sql", repo, "--service", "content", "--kind", "drop"])
    assert result.exit_code == 0
    assert "ALTER TABLE public.posts DROP CONSTRAINT IF EXISTS posts_user_id_fkey;" in result.stdout
    # a conflict: the store moved on, the stale file now edits the same record
    store = open_store(state)
    record = not_none(store.get("db/001_init.sql:3#author_id"))
    store.save(record.with_fields(owner_team="x"), who="fred")
    doc["records"][0]["owner_team"] = "y"
    plan.write_text(yaml.safe_dump(doc))
    result = runner.invoke(main, ["plan", "import", str(plan), "--state", state])
    assert (
        result.exit_code == 1
        and "conflict: db/001_init.sql:3#author_id: changed in the store" in result.stderr
    )
    result = runner.invoke(main, ["plan", "import", str(tmp_path / "missing.yaml"), "--state", state])
    assert result.exit_code == 2 and "does not exist" in result.stderr
