"""Replicas: detected by name and key, the original decided by the stronger claim, confirmed or denied."""

from __future__ import annotations

from dataclasses import replace

from model.inventory import Evidence, Table, TableRef
from ownership.config import Config, Replica
from ownership.config_file import parse_config
from ownership.replicas import entity_stem
from ownership.resolve import resolve_external
from ownership.services import assign_services
from tests.ownership.builders import Unit, fk, inventory, writes

AUTH = "services/auth/migrations"
CHAT = "services/messaging/migrations"


def shadow() -> dict[str, list[str]]:
    return {
        f"{AUTH}/001_init.sql": ["users", "sessions"],
        f"{CHAT}/001_messaging_schema.sql": ["users", "messages"],
    }


def replicas_of(tables: tuple[Table, ...]) -> dict[str, str]:
    return {f"{t.ref.database}:{t.ref.name}": t.replica_of for t in tables}


def test_users_copy_in_messaging_is_detected_as_a_replica_of_auth() -> None:
    sender = fk(CHAT, "messages", "sender_id", "users", at=(f"{CHAT}/001_messaging_schema.sql", 25))
    inv = assign_services(inventory(shadow(), fks=[sender]), Config())
    assert replicas_of(inv.tables) == {
        f"{AUTH}:users": "",
        f"{AUTH}:sessions": "",
        f"{CHAT}:users": "auth",
        f"{CHAT}:messages": "",
    }
    copy = inv.table(TableRef(CHAT, "public", "users"))
    assert copy is not None and (copy.service, copy.owner) == ("messaging", "auth")
    assert copy.owner_evidence[0] == Evidence(
        "replica-of",
        "auth",
        f"a local copy of auth's 'users' ({AUTH}:public.users): same name and key (id); "
        "auth has the stronger "
        "claim (named after it)",
        f"{CHAT}/001_messaging_schema.sql",
        1,
    )
    assert [e.kind for e in copy.owner_evidence] == ["replica-of", "folder"]
    # the FK into the copy is coupling to auth: its referenced table's owner is not messaging
    target = inv.table(sender.ref_table)
    assert target is not None and target.owner != inv.table(sender.table).service  # type: ignore[union-attr]


def test_a_different_key_is_not_a_copy_and_equal_claims_decide_nothing() -> None:
    inv = inventory(shadow())
    keyed = tuple(replace(t, primary_key=("user_id",)) if t.ref.database == CHAT else t for t in inv.tables)
    out = assign_services(replace(inv, tables=keyed), Config())
    assert set(replicas_of(out.tables).values()) == {""}
    same = {
        "services/payments/migrations/001.sql": ["users"],
        "services/orders/migrations/001.sql": ["users"],
    }
    assert set(replicas_of(assign_services(inventory(same), Config()).tables).values()) == {""}


def test_a_decorated_name_is_the_copy_on_equal_claims_unless_it_names_its_own_service() -> None:
    files = {
        "services/billing/migrations/001.sql": ["customers"],
        "services/notify/migrations/001.sql": ["cached_customers"],
        "services/account/migrations/001.sql": ["customer_accounts"],
        "services/auth/migrations/001.sql": ["users"],
        "services/user/migrations/001.sql": ["user_profiles"],
    }
    out = assign_services(inventory(files), Config())
    assert replicas_of(out.tables) == {
        "services/account/migrations:customer_accounts": "",  # the account service's own entity
        "services/billing/migrations:customers": "",
        "services/notify/migrations:cached_customers": "billing",
        "services/auth/migrations:users": "",
        "services/user/migrations:user_profiles": "",  # the user service is named after users too
    }


ACCOUNTING = {"accounting-service/migrations/20250401_init.sql": ["user_accounts", "credit_allocations"]}
UNITS = [Unit("accounting-service", "accounting-service"), Unit("auth-service", "auth-service")]
ACCESS = {
    "User": {"auth-service": writes("auth-service/src/models/user.js", 5)},  # a Mongoose model, no SQL table
    "user_accounts": {"accounting-service": writes("accounting-service/src/sync.py", 30)},
}


def test_user_accounts_copy_of_a_mongoose_user_written_by_auth() -> None:
    out = assign_services(inventory(ACCOUNTING), Config(), units=UNITS, access=ACCESS)
    got = {t.ref.name: (t.service, t.replica_of) for t in out.tables}
    assert got == {
        "user_accounts": ("accounting-service", "auth-service"),
        "credit_allocations": ("accounting-service", ""),
    }
    accounts = next(t for t in out.tables if t.ref.name == "user_accounts")
    assert accounts.owner_evidence[0].detail == (
        "a local copy of auth-service's 'User' "
        "(written by auth-service at auth-service/src/models/user.js:5): "
        "same name; auth-service has the stronger claim (its code writes it and named after it)"
    )
    assert [e.kind for e in accounts.owner_evidence] == ["replica-of", "unit", "code-write"]


def test_deny_drops_a_suspected_replica_and_owner_confirms_one() -> None:
    cfg, diags = parse_config('[[replicas]]\ntable = "user_accounts"\ndeny = true\n', "fkmap.toml")
    assert diags == [] and cfg.replicas == (Replica("user_accounts", "", True),)
    out = assign_services(inventory(ACCOUNTING), cfg, units=UNITS, access=ACCESS)
    assert {t.replica_of for t in out.tables} == {""}
    other = Config(replicas=(Replica("user_accounts", "billing", deny=True),))  # denies another owner only
    out = assign_services(inventory(ACCOUNTING), other, units=UNITS, access=ACCESS)
    assert {t.ref.name: t.replica_of for t in out.tables}["user_accounts"] == "auth-service"
    cfg, _ = parse_config('[[replicas]]\ntable = "user_accounts"\nowner = "auth"\n', "repo/fkmap.toml")
    out = assign_services(inventory(ACCOUNTING), cfg)
    accounts = next(t for t in out.tables if t.ref.name == "user_accounts")
    assert accounts.replica_of == "auth"
    assert accounts.owner_evidence[0] == Evidence(
        "replica-of",
        "auth",
        "[[replicas]] table = 'user_accounts' declares it a copy of auth's entity",
        "repo/fkmap.toml",
        1,
    )


def test_deny_is_checked_and_is_no_copy_for_resolution() -> None:
    _, diags = parse_config('[[replicas]]\ntable = "users"\ndeny = "yes"\n')
    assert [d.message for d in diags] == [
        "'replicas[0].owner' is missing; entry ignored",
        "'replicas[0].deny' must be true or false, not a string; using false",
    ]
    # a deny entry does not make the table a copy that gives way to the original in resolution
    files = {
        f"{AUTH}/001.sql": ["users"],
        f"{CHAT}/001.sql": ["users"],
        "services/feed/migrations/001.sql": ["posts"],
    }
    inv = inventory(files, fks=[fk("services/feed/migrations", "posts", "user_id", "users")])
    denied = resolve_external(inv, config=Config(replicas=(Replica(f"{CHAT}:users", deny=True),)))
    declared = resolve_external(inv, config=Config(replicas=(Replica(f"{CHAT}:users", "auth"),)))
    stub = TableRef("services/feed/migrations", "public", "users")
    assert denied.table(stub).resolved_to is None  # type: ignore[union-attr]
    assert declared.table(stub).resolved_to == TableRef(AUTH, "public", "users")  # type: ignore[union-attr]


def test_entity_stems() -> None:
    assert [
        entity_stem(n) for n in ("users", "UserAccounts", "shadow_users", "order_items", "user_profiles")
    ] == [
        ("user", ""),
        ("user", "accounts"),
        ("user", "shadow"),
        ("order_item", ""),
        ("user", "profiles"),
    ]
