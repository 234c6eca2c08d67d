"""``fresh_db_failure``, the summary's ``fresh_db_failures`` and the diagnostics agree.

An FK whose statement fails on an empty server -- a table it names is created later in the
file (a forward reference) or never -- is flagged, however the failure comes: a
``forward-reference`` warning used to say the statement fails while the flag said it did not.
The script is also run, statement by statement as psql does, on the real PostgreSQL: the FKs
that exist there are exactly the present ones without the flag.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from exports.scan_json import scan_document
from ownership.scan import scan

SCRIPT = """CREATE TABLE orgs (id int PRIMARY KEY);
CREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users (id), org_id int REFERENCES orgs (id));
CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE teams (id int PRIMARY KEY, org_id int REFERENCES orgs (id));
ALTER TABLE teams ADD CONSTRAINT teams_owner FOREIGN KEY (id) REFERENCES users (id),
  ADD CONSTRAINT teams_ghost FOREIGN KEY (id) REFERENCES ghosts (id);
ALTER TABLE teams ADD CONSTRAINT teams_user FOREIGN KEY (id) REFERENCES users (id);
ALTER TABLE nowhere ADD CONSTRAINT nowhere_org FOREIGN KEY (id) REFERENCES orgs (id);
"""
FLAGGED = {"posts_user_id_fkey", "posts_org_id_fkey", "teams_owner", "teams_ghost", "nowhere_org"}


@pytest.fixture
def document(tmp_path: Path) -> dict:  # type: ignore[type-arg]
    (tmp_path / "001_init.sql").write_text(SCRIPT, encoding="utf-8")
    return scan_document(scan([str(tmp_path)]))


def test_flag_summary_and_warnings_agree(document: dict) -> None:  # type: ignore[type-arg]
    flagged = {fk["name"] for fk in document["foreign_keys"] if fk["fresh_db_failure"]}
    present = {fk["name"] for fk in document["foreign_keys"] if fk["state"] == "present"}
    assert flagged == FLAGGED
    assert present > FLAGGED  # flagged FKs still count as present
    assert document["summary"]["fresh_db_failures"] == len(FLAGGED)
    warnings = [(d["code"], d["line"]) for d in document["diagnostics"] if d["code"] != "unowned"]
    assert warnings == [
        ("forward-reference", 3),  # users: "referenced earlier at 001_init.sql:2; that statement fails"
        ("unknown-table", 6),  # ghosts, never created
        ("unknown-table", 8),  # ALTER TABLE nowhere
    ]


@pytest.mark.postgres
def test_the_unflagged_present_fks_are_the_ones_postgresql_creates(
    fresh_database: Callable[..., str],
    document: dict,  # type: ignore[type-arg]
) -> None:
    dsn = fresh_database()
    with psycopg.connect(dsn, autocommit=True) as conn:
        for statement in SCRIPT.split(";\n"):
            if statement.strip():
                with contextlib.suppress(psycopg.Error):  # psql goes on after an error
                    conn.execute(statement)
        created = {name for (name,) in conn.execute("SELECT conname FROM pg_constraint WHERE contype = 'f'")}
    kept = {
        fk["name"]
        for fk in document["foreign_keys"]
        if fk["state"] == "present" and not fk["fresh_db_failure"]
    }
    assert kept == created == {"teams_org_id_fkey", "teams_user"}
