"""The demo's services whose schema is declared in code, as ``fkmap scan examples/demo`` reads them.

* wallet-service (Sequelize) has seed 001's shape: ``coin_grants.member_id -> member_accounts.member_id``
  into its copy of the members identity-service keeps in MongoDB (a Mongoose model, no SQL). With no
  configuration for it, the key is found, it couples wallet to identity through the copy, and
  ``--explain member_accounts`` says why.
* moderation-service (Django) maps the monolith's ``users`` and ``posts`` with unmanaged models and
  points real keys at them: cross-service keys into auth and content, whose ``on_delete`` Django
  carries out (``on_delete_enforced_by: application``).

The full golden comparison (every key, table and access) is ``tests/test_demo.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from model.inventory import Inventory
from ownership import scan

ROOT = Path(__file__).resolve().parent.parent
WALLET = "services/wallet-service"
MODERATION = "services/moderation-service"


@pytest.fixture(autouse=True)
def _at_root() -> Iterator[None]:
    """Paths as the README spells them: from the repository root."""
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        yield
    finally:
        os.chdir(cwd)


@cache
def _demo() -> Inventory:
    return scan.scan([str(ROOT / "examples" / "demo")])


def _cli(*args: str) -> list[str]:
    result = CliRunner().invoke(main, ["scan", "examples/demo", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return [line.strip() for line in result.output.splitlines()]


def test_wallet_key_is_found_in_the_sequelize_migration() -> None:
    inv = _demo()
    keys = {
        (
            fk.name,
            fk.table.name,
            fk.columns,
            fk.ref_table.name,
            fk.ref_columns,
            fk.on_delete,
            str(fk.added_at),
        )
        for fk in inv.foreign_keys
        if fk.table.database == WALLET
    }
    assert keys == {
        (
            "coin_grants_member_id_fkey",
            "coin_grants",
            ("member_id",),
            "member_accounts",
            ("member_id",),
            "NO ACTION",
            f"{WALLET}/src/migrations/20240410090000-create-wallet.js:18",
        ),
        (
            "coin_spends_grant_id_fkey",
            "coin_spends",
            ("grant_id",),
            "coin_grants",
            ("id",),
            "CASCADE",
            f"{WALLET}/src/migrations/20240522110000-create-coin-spends.js:11",
        ),
    }


def test_wallet_key_couples_to_identity_through_the_local_copy() -> None:
    inv = _demo()
    tables = {t.ref: t for t in inv.tables}
    [key] = [fk for fk in inv.foreign_keys if fk.name == "coin_grants_member_id_fkey"]
    copy = tables[key.ref_table]
    assert (tables[key.table].service, copy.service, copy.replica_of, copy.owner) == (
        "wallet",
        "wallet",
        "identity",
        "identity",
    )
    # identity holds no table at all: its members are MongoDB documents
    assert not [t for t in inv.tables if t.service == "identity"]
    assert "identity" in [s.name for s in inv.services]
    report = _cli()
    at = report.index("wallet -> identity (1 FK, 0 CASCADE)")
    assert report[at + 1].startswith(
        "coin_grants.member_id -> member_accounts(member_id)  NO ACTION  present"
    )
    assert report[at + 1].endswith("[local copy of identity data]")


def test_explain_member_accounts_names_the_mongoose_model() -> None:
    lines = _cli("--explain", "member_accounts")
    assert lines[:4] == [
        f"{WALLET}:public.member_accounts",
        "owner: identity",
        "a local copy of identity's entity, held by wallet: FKs into it couple to identity",
        f"defined at {WALLET}/src/migrations/20240410090000-create-wallet.js:6",
    ]
    assert lines[5].startswith(
        "1. replica-of  identity  a local copy of identity's 'members' (written by identity at "
        "services/identity-service/src/models/member.model.ts:24)"
    )
    assert lines[6].startswith(
        "2. unit  wallet  migration set 'services/wallet-service' lies in service unit"
    )
    assert lines[7].startswith(
        f"3. code-write  wallet  written by wallet ({WALLET}/src/models/member-account.model.ts:13)"
    )
    assert "foreign keys: 1 in (1 cross-service, from wallet), 0 out" in lines
    model = (ROOT / "examples/demo/services/identity-service/src/models/member.model.ts").read_text()
    assert "mongoose.model<IMember>('Member'" in model.splitlines()[23]


def test_moderation_keys_cross_into_auth_and_content() -> None:
    inv = _demo()
    tables = {t.ref: t for t in inv.tables}
    crossing = {
        (fk.table.name, fk.columns[0], tables[fk.ref_table].owner, fk.on_delete, fk.on_delete_enforced_by)
        for fk in inv.foreign_keys
        if fk.table.database == MODERATION and tables[fk.ref_table].owner != "moderation"
    }
    assert crossing == {
        ("moderation_cases", "post_id", "content", "CASCADE", "application"),
        ("moderation_cases", "reported_user_id", "auth", "RESTRICT", "application"),
        ("moderation_actions", "taken_by_id", "auth", "SET NULL", "application"),
    }
    # the unmanaged models' tables are the monolith's, not moderation's
    external = {t.ref.name: t.resolved_to for t in inv.tables if t.ref.database == MODERATION and t.external}
    assert {name: str(ref) for name, ref in external.items()} == {
        "users": "legacy/migrations:public.users",
        "posts": "legacy/migrations:public.posts",
    }


def test_the_report_says_who_carries_out_djangos_on_delete() -> None:
    report = _cli()
    at = report.index("moderation -> content (1 FK, 1 CASCADE)")
    assert report[at + 1].startswith("moderation_cases.post_id -> posts(id)  CASCADE  present")
    assert report[at + 1].endswith("[fails on a fresh database, ON DELETE by the application]")
    assert (
        "- moderation's ORM carries out ON DELETE of 1 foreign key itself (moderation_cases.post_id): the "
        "constraint has NO ACTION, so a delete of content.posts that does not go through moderation fails "
        "while moderation still references the row."
    ) in report
