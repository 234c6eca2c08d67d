"""The README documents what users can type and read: commands, options, config keys, JSON keys.

Like Datasette's documentation tests, these fail when something is added without being documented.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

import cli
from exports.scan_json import scan_document
from model.inventory import Evidence, ForeignKey, Inventory, SharedAccess, Table, TableRef
from ownership import config_file

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "") -> list[str]:
    names = []
    ctx = click.Context(group)
    for name in sorted(group.list_commands(ctx)):
        command = group.get_command(ctx, name)
        names.append(f"{prefix}{name}")
        if isinstance(command, click.Group):
            names.extend(_commands(command, f"{prefix}{name} "))
    return names


@pytest.mark.parametrize("command", _commands(cli.main))
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"fkmap {command}" in README, f"`fkmap {command}` is not documented in README.md"


def test_quickstart_is_exactly_two_commands() -> None:
    quickstart = README.split("## Quickstart", 1)[1].split("##", 1)[0]
    block = re.search(r"```sh\n(.*?)```", quickstart, re.S)
    assert block is not None
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]
    assert commands == ["make run", "make test"]


@pytest.mark.parametrize(
    "key",
    sorted(
        set(
            config_file._TOP_KEYS
            + config_file._SCAN_KEYS
            + config_file._SERVICE_KEYS
            + config_file._REPLICA_KEYS
            + config_file._INFER_KEYS
            + config_file._REFERENCE_KEYS
        )
    ),
)
def test_every_config_key_is_in_the_readme(key: str) -> None:
    section = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    assert re.search(rf"\b{re.escape(key)}\b", section), f"config key {key!r} missing from README"


def _document_keys() -> set[str]:
    users = TableRef("auth", "public", "users")
    posts = TableRef("content", "public", "posts")
    why = Evidence("code-write", "content", "written by content (src/db.rs:41)", "src/db.rs", 41)
    inv = Inventory(
        tables=(Table(users, service="auth"), Table(posts, service="content", owner_evidence=(why,))),
        foreign_keys=(ForeignKey("posts_user_id_fkey", posts, ("user_id",), users, ("id",)),),
        shared_access=(SharedAccess(users, "auth", "content", "read", "src/feed.rs", 9),),
    )
    doc = scan_document(inv)
    keys = set(doc)
    for section in ("sources", "services", "tables", "foreign_keys", "diagnostics", "shared_access"):
        for item in doc[section]:
            keys.update(item)
    for table in doc["tables"]:
        for evidence in table["owner_evidence"]:
            keys.update(evidence)
    keys.update(doc["summary"])
    return keys


def test_the_document_keys_cover_the_ownership_additions() -> None:
    keys = _document_keys()
    assert {"owner_evidence", "shared_access", "kind", "detail", "access", "owner"} <= keys
    assert {"unowned_tables", "fks_into_unowned", "shared_tables"} <= keys


@pytest.mark.parametrize("key", sorted(_document_keys()))
def test_every_json_contract_key_is_in_the_readme(key: str) -> None:
    section = README.split("## The JSON contract", 1)[1].split("\n## ", 1)[0]
    assert f"`{key}`" in section, f"JSON key {key!r} of the scan document is not documented in README.md"
