"""The command package: one module per command, shared pieces in cli.common, no import of the group."""

from __future__ import annotations

import ast
import gc
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import cli
from cli.common import ArgumentError, check_arguments, check_config, young_collections_only

CLI = Path(cli.__file__).resolve().parent


def _imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("path", sorted(p.name for p in CLI.glob("*.py") if p.name != "__main__.py"))
def test_no_command_module_imports_the_group(path: str) -> None:
    imported = _imported(CLI / path)
    assert "cli" not in imported, f"cli/{path} imports the cli package: import cli.common instead"
    if path == "common.py":
        assert not {m for m in imported if m.startswith("cli.")}, "cli/common.py imports a command"


def test_every_command_module_is_registered() -> None:
    modules = {p.stem for p in CLI.glob("*.py")} - {"__init__", "__main__", "common"}
    ctx = click.Context(cli.main)
    assert set(cli.main.list_commands(ctx)) == modules
    for name, (_, _, short_help) in cli.COMMANDS.items():
        command = cli.main.get_command(ctx, name)
        assert isinstance(command, click.Command) and command.name == name
        assert command.get_short_help_str(200) == short_help  # --help lists it without importing it


def test_check_arguments(tmp_path: Path) -> None:
    assert check_arguments([str(tmp_path)], None, "POSTGRES") == "postgres"
    with pytest.raises(ArgumentError, match=r"config file 'nope\.toml' does not exist"):
        check_config("nope.toml")
    with pytest.raises(ArgumentError, match="empty source argument"):
        check_arguments([" "], None, None)


def test_young_collections_only_lasts_as_long_as_the_command() -> None:
    before = gc.get_threshold()
    with click.Context(click.Command("x")) as ctx:
        young_collections_only(ctx)
        during = gc.get_threshold()
    assert during[:2] == before[:2] and during[2] >= 1 << 30
    assert gc.get_threshold() == before


def test_every_command_but_serve_runs_with_young_collections_only() -> None:
    seen: dict[str, tuple[int, int, int]] = {}

    def probe(name: str) -> click.Command:
        return click.Command(name, callback=lambda: seen.setdefault(name, gc.get_threshold()))

    group = click.Group("fkmap", commands=[probe("scan"), probe("serve")], callback=cli.main.callback)
    before = gc.get_threshold()
    for name in ("scan", "serve"):
        result = CliRunner().invoke(group, [name])
        assert result.exit_code == 0, result.output
        assert gc.get_threshold() == before
    assert seen["scan"][2] >= 1 << 30 and seen["serve"] == before
