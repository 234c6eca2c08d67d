"""``fkmap init``: the written fkmap.toml reproduces the inferred ownership on real migration folders."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from ownership.scan import scan
from tests.cli.ownership_repos import REPOS, SHARED_MONOLITH, ownership_view, write_repo


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("name", sorted(REPOS))
def test_scan_with_the_written_config_gives_the_same_ownership(tmp_path: Path, name: str) -> None:
    repo = write_repo(tmp_path / "repo", REPOS[name])
    target = tmp_path / "fkmap.toml"
    code, out, err = run("init", str(repo), "-o", str(target))
    assert code == 0, err
    assert err == f"fkmap: wrote {target}\n"
    assert out.splitlines()[1].startswith(f"Checked: scanning with {target} gives all ")
    without, with_config = scan([str(repo)]), scan([str(repo)], config_path=target)
    assert ownership_view(with_config) == ownership_view(without)
    assert [d for d in with_config.diagnostics if d.code == "config"] == []
    assert tomllib.loads(target.read_text(encoding="utf-8"))["services"]


def test_the_shared_monolith_config_names_tables_and_lists_the_unowned(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "repo", SHARED_MONOLITH)
    code, out, _ = run("init", str(repo), "-o", str(tmp_path / "fkmap.toml"))
    assert code == 0
    text = (tmp_path / "fkmap.toml").read_text(encoding="utf-8")
    assert out.splitlines()[0] == (
        f"{tmp_path / 'fkmap.toml'}: 2 service(s), 5 table(s) placed, "
        "2 table(s) no service owns (listed at the end of the file)."
    )
    data = tomllib.loads(text)
    assert data["services"] == {
        "auth": {"paths": ["services/auth/**"], "tables": ["tokens", "users"]},
        "chat": {"paths": ["services/chat/**"], "tables": ["messages"]},
    }
    assert text.startswith(
        f"# Written by `fkmap init {repo}`: the ownership fkmap inferred, made explicit.\n"
    )
    assert (
        "  # file-name: migration file name 'db/migrations/002_chat_messages.sql' "
        "(db/migrations/002_chat_messages.sql:1)\n"
        '  "messages",\n'
    ) in text
    assert (
        "#   db/migrations:public.settings (created at db/migrations/003_misc.sql:1)\n#     no evidence\n"
        in text
    )


def test_the_written_config_is_found_next_to_the_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = write_repo(tmp_path / "repo", SHARED_MONOLITH)
    monkeypatch.chdir(repo)
    assert run("init", ".")[0] == 0
    assert (repo / "fkmap.toml").is_file()
    code, out, _ = run("scan", ".")
    assert code == 0
    assert "Next step: run `fkmap init" in out  # the unowned tables are still unowned: still said
    assert [d for d in scan(["."]).diagnostics if d.code == "config"] == []


def test_an_existing_file_is_kept_unless_forced(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "repo", REPOS["services-layout"])
    target = tmp_path / "fkmap.toml"
    target.write_text("# mine\n", encoding="utf-8")
    assert run("init", str(repo), "-o", str(target)) == (
        2,
        "",
        f"fkmap: error: {str(target)!r} exists; pass --force to overwrite it\n",
    )
    assert target.read_text(encoding="utf-8") == "# mine\n"
    code, _, _ = run("init", str(repo), "-o", str(target), "--force")
    assert code == 0
    assert target.read_text(encoding="utf-8").startswith("# Written by `fkmap init ")


def test_the_config_used_by_the_scan_is_reproduced_too(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "repo", SHARED_MONOLITH)
    (repo / "fkmap.toml").write_text(
        '[scan]\nignore_tables = ["notes"]\n'
        '[services.ops]\ndescription = "Operations"\ntables = ["settings"]\n',
        encoding="utf-8",
    )
    target = tmp_path / "out.toml"
    assert run("init", str(repo), "-o", str(target))[0] == 0
    data = tomllib.loads(target.read_text(encoding="utf-8"))
    assert data["scan"] == {"ignore_tables": ["notes"]}
    assert data["services"]["ops"] == {"description": "Operations", "tables": ["settings"]}
    assert ownership_view(scan([str(repo)], config_path=target)) == ownership_view(scan([str(repo)]))


def test_dialect_is_written_so_the_config_alone_reproduces_the_scan(tmp_path: Path) -> None:
    repo = write_repo(
        tmp_path / "repo", {"shop/migrations/001.sql": "CREATE TABLE `orders` (id INT PRIMARY KEY);\n"}
    )
    target = tmp_path / "fkmap.toml"
    assert run("init", str(repo), "-o", str(target), "--dialect", "MySQL")[0] == 0
    assert tomllib.loads(target.read_text(encoding="utf-8"))["scan"] == {"dialect": "mysql"}


def test_arguments_are_checked(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope")
    assert run("init", missing) == (2, "", f"fkmap: error: source {missing!r} does not exist\n")
    code, out, err = run("init", str(tmp_path), "-o", str(tmp_path / "no" / "dir" / "fkmap.toml"))
    assert (code, out) == (2, "")
    assert err.startswith("fkmap: error: cannot write ")


def test_an_unreadable_source_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "fkmap.toml"
    code, _, err = run("init", "postgresql://postgres@127.0.0.1:1/nothing", "-o", str(target))
    assert code == 1
    assert err.startswith("Error: 1 source(s) could not be read: ")
    assert not target.exists()


def test_init_is_listed_in_help() -> None:
    code, out, _ = run("--help")
    assert code == 0 and "init" in out
    code, out, _ = run("init", "--help")
    assert code == 0
    for option in ("--output", "--force", "--config", "--dialect"):
        assert option in out


def test_the_demo_and_its_config_are_reproduced(tmp_path: Path) -> None:
    demo = Path(__file__).resolve().parents[2] / "examples" / "demo"
    target = tmp_path / "fkmap.toml"
    code, out, err = run("init", str(demo), "-o", str(target))
    assert code == 0, err
    assert "Checked: scanning with" in out
    data = tomllib.loads(target.read_text(encoding="utf-8"))
    assert data["scan"]["map_by"] == "path"  # set in the demo's config: kept
    assert data["services"]["auth"]["description"] == "Identity: accounts, sessions, tokens. Owner of users."


def test_a_config_that_does_not_reproduce_the_scan_fails_the_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ownership.init_config

    repo = write_repo(tmp_path / "repo", REPOS["services-layout"])
    monkeypatch.setattr(
        ownership.init_config, "render_config", lambda *a, **k: '[services.auth]\ntables = ["*"]\nbogus = 1\n'
    )
    code, _, err = run("init", str(repo), "-o", str(tmp_path / "fkmap.toml"))
    assert code == 1
    lines = err.splitlines()
    assert lines[1].startswith("fkmap: check: ") and "unknown key 'services.auth.bogus'" in lines[1]
    assert (
        "fkmap: check: services/content/migrations:public.posts: service content before, service auth with "
        in err
    )
    assert lines[-1].startswith(f"Error: scanning with {tmp_path / 'fkmap.toml'} gives another ownership (")


def test_a_saved_scan_is_a_source_of_init_too(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "repo", SHARED_MONOLITH)
    saved = tmp_path / "scan.json"
    assert run("scan", str(repo), "--format", "json", "-o", str(saved))[0] == 0
    target = tmp_path / "fkmap.toml"
    code, _, err = run("init", str(saved), "-o", str(target))
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    # without migrations its tables look like a catalog's: the pattern must not name the unowned ones
    assert "[scan]\n# matches no database: the unowned tables listed at the end stay so\n" in text
    assert tomllib.loads(text)["scan"] == {"database_pattern": "(?!)"}
    assert ownership_view(scan([str(saved)], config_path=target)) == ownership_view(scan([str(saved)]))
