"""Seed 001: an auth service keeps users in MongoDB (Mongoose), accounting keeps a SQL copy.

``accounting-service`` declares ``credit_allocations.user_id -> user_accounts.user_id`` in a
Sequelize model and its migration; ``user_accounts`` is accounting's local copy of the users that
``auth-service`` owns through a Mongoose ``User`` model, with no SQL at all. With no
configuration, the scan finds the key, sees ``user_accounts`` as a copy of auth's ``users`` and
so the key as coupling into auth -- and the evidence says why.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from cli import main
from model.inventory import Inventory
from ownership.scan import scan
from tests.ingest.orm.orm_helpers import fks

SEED = Path(__file__).parent / "fixtures" / "seed_001"
MIGRATION = "accounting-service/src/migrations/20250401120000-create-accounting.js"


def _cross_service(inv: Inventory) -> list[tuple[str, str, str, str]]:
    owners = {t.ref: t.owner for t in inv.tables}
    return [
        (fk.table.name, owners[fk.table], fk.ref_table.name, owners[fk.ref_table])
        for fk in inv.foreign_keys
        if owners[fk.table] != owners[fk.ref_table]
    ]


def _check_ownership(inv: Inventory) -> None:
    tables = {t.ref.name: t for t in inv.tables}
    assert set(tables) == {"credit_allocations", "user_accounts"}
    copy = tables["user_accounts"]
    assert (copy.service, copy.replica_of) == ("accounting-service", "auth-service")
    why = copy.owner_evidence[0]
    assert (why.kind, why.service) == ("replica-of", "auth-service")
    assert "a local copy of auth-service's 'users'" in why.detail
    assert "auth-service/src/models/user.model.ts:15" in why.detail
    assert tables["credit_allocations"].owner == "accounting-service"
    assert _cross_service(inv) == [
        ("credit_allocations", "accounting-service", "user_accounts", "auth-service")
    ]
    assert [s.name for s in inv.services] == ["accounting-service", "auth-service"]


def test_seed_001_scan_finds_the_key_and_the_copy() -> None:
    inv = scan([str(SEED)])
    assert fks(inv) == {
        (
            "credit_allocations_user_id_fkey",
            "public.credit_allocations",
            ("user_id",),
            "public.user_accounts",
            ("user_id",),
            "NO ACTION",
            "NO ACTION",
            f"{MIGRATION}:17",
            "present",
        )
    }
    _check_ownership(inv)
    assert inv.diagnostics == ()


def test_seed_001_explain_says_why() -> None:
    """``fkmap scan <repo> --explain user_accounts``: the copy, whose entity it is, where that is written."""
    result = CliRunner().invoke(
        main, ["scan", str(SEED), "--explain", "user_accounts"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.output.splitlines()]
    assert lines[:3] == [
        "accounting-service:public.user_accounts",
        "owner: auth-service",
        "a local copy of auth-service's entity, held by accounting-service: "
        "FKs into it couple to auth-service",
    ]
    assert lines[5].startswith(
        "1. replica-of  auth-service  a local copy of auth-service's 'users' (written by"
    )
    assert "auth-service/src/models/user.model.ts:15" in lines[5]
    assert "foreign keys: 1 in (1 cross-service, from accounting-service), 0 out" in lines


def test_seed_001_without_migrations_reads_the_models(tmp_path: Path) -> None:
    """Models only (``sequelize.sync()``): the key comes from the model's ``references``."""
    root = tmp_path / "seed"
    shutil.copytree(SEED, root)
    shutil.rmtree(root / "accounting-service/src/migrations")
    inv = scan([str(root)])
    model = "accounting-service/src/models/credit-allocation.model.ts"
    assert fks(inv) == {
        (
            "credit_allocations_user_id_fkey",
            "public.credit_allocations",
            ("user_id",),
            "public.user_accounts",
            ("user_id",),
            "NO ACTION",
            "NO ACTION",
            f"{model}:17",
            "present",
        )
    }
    _check_ownership(inv)
