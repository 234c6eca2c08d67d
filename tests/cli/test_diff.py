"""``fkmap diff`` end to end: saved scans, bad arguments, migrations against a live database."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

from model.inventory import Inventory
from tests.checks.drift_fixture import CATALOG, DROP, INIT, MIGRATIONS, both, migration_folder


def run_cli(*args: str) -> tuple[int, str]:
    from click.testing import CliRunner

    from cli import main

    result = CliRunner().invoke(main, ["diff", *args])
    return result.exit_code, result.output


def test_diff_command_on_saved_inventories(tmp_path: Path) -> None:
    a, b = both("posts_user_id_fkey", "posts", ("user_id",), "users")
    same_a = tmp_path / "a.json"
    same_b = tmp_path / "b.json"
    changed = tmp_path / "changed.json"
    same_a.write_text(Inventory(foreign_keys=(a,)).to_json(), encoding="utf-8")
    same_b.write_text(Inventory(foreign_keys=(b,)).to_json(), encoding="utf-8")
    changed.write_text(Inventory(foreign_keys=(replace(b, validated=False),)).to_json(), encoding="utf-8")

    code, out = run_cli(str(same_a), str(same_b))
    assert (code, out.splitlines()[-1]) == (0, "No drift: 1 foreign key matches.")
    code, out = run_cli(str(same_a), str(changed), "--format", "json")
    doc = json.loads(out)
    assert code == 1 and doc["drift"] is True
    assert doc["changed"][0]["differences"] == {"validated": [True, False]}
    # database names differ (folder label vs database name): compared only when asked to
    assert run_cli(str(same_a), str(same_b), "--match-database")[0] == 1
    assert run_cli(str(same_a), str(same_b), "--database", f"{MIGRATIONS}={CATALOG}")[0] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "Missing argument 'SOURCE_A'"),
        (("only-one",), "Missing argument 'SOURCE_B'"),
        (("/nonexistent/a", "/nonexistent/b"), "does not exist"),
        (("{a}", "{a}", "--database", "no-equals-sign"), "write NAME=AS"),
        (("{a}", "{a}", "--format", "yaml"), "Invalid value for '--format'"),
        (("{a}", "{a}", "--dialect", "postgress"), "Did you mean postgres?"),
        (("{a}", "{bad}"), "cannot read"),
    ],
)
def test_diff_command_bad_arguments_exit_2(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    good = tmp_path / "a.json"
    good.write_text(Inventory().to_json(), encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    code, out = run_cli(*(a.format(a=good, bad=bad) for a in args))
    assert code == 2 and message in out, out


@pytest.mark.postgres
def test_diff_command_migrations_vs_database(tmp_path: Path, fresh_database: Callable[..., str]) -> None:
    repo = migration_folder(tmp_path, {"001_init.sql": INIT, "002_drop_user_fk.sql": DROP})
    production = fresh_database(INIT)
    password = "Hunter2-diff"
    with_password = production.replace("postgres@", f"postgres:{password}@", 1)
    assert password in with_password

    code, out = run_cli(str(repo), with_password)
    assert code == 1, out
    assert "Only in B (1):" in out and "Only in A" not in out and "Different" not in out
    assert "+ public.posts (user_id) -> public.users (id) ON DELETE CASCADE  [posts_user_id_fkey]" in out
    assert out.splitlines()[-1] == "Drift: 0 only in A, 1 only in B, 0 different (1 matched)."
    assert password not in out and f"B: {production}" in out

    code, out = run_cli(str(repo), with_password, "--format", "json")
    assert code == 1 and [f["name"] for f in json.loads(out)["only_b"]] == ["posts_user_id_fkey"]

    with psycopg.connect(production, autocommit=True) as conn:
        conn.execute(DROP)
    code, out = run_cli(str(repo), with_password)
    assert (code, out.splitlines()[-1]) == (0, "No drift: 1 foreign key matches.")

    unreachable = f"postgresql://postgres:{password}@127.0.0.1:1/shop"
    code, out = run_cli(str(repo), unreachable)
    assert code == 2 and "cannot read postgresql://postgres@127.0.0.1:1/shop" in out
    assert password not in out
