"""The live PostgreSQL catalog reader against the machine's real server.

Every test creates (and the fixture drops) its own databases; roles created
here carry a random suffix and are dropped at the end.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest

from ingest.catalogs.postgres import connect_read_only, ingest_dsn, read_database
from ingest.dsn import parse_dsn
from model.inventory import ForeignKey, Inventory, Location, Source, TableRef
from ownership.config import Config
from ownership.services import assign_services

pytestmark = pytest.mark.postgres

FkRow = tuple[str, str, tuple[str, ...], str, tuple[str, ...], str, str, bool, bool, bool, tuple[str, ...]]


def rows(fks: tuple[ForeignKey, ...] | list[ForeignKey]) -> set[FkRow]:
    """Everything a foreign key says, without the database label (asserted separately)."""
    return {
        (
            fk.name,
            fk.table.qualified,
            fk.columns,
            fk.ref_table.qualified,
            fk.ref_columns,
            fk.on_delete,
            fk.on_update,
            fk.deferrable,
            fk.initially_deferred,
            fk.validated,
            fk.on_delete_columns,
        )
        for fk in fks
    }


def fk(
    name: str,
    table: str,
    columns: tuple[str, ...],
    ref: str,
    ref_columns: tuple[str, ...],
    on_delete: str = "NO ACTION",
    on_update: str = "NO ACTION",
    deferrable: bool = False,
    deferred: bool = False,
    validated: bool = True,
    set_columns: tuple[str, ...] = (),
) -> FkRow:
    return (
        name,
        table,
        columns,
        ref,
        ref_columns,
        on_delete,
        on_update,
        deferrable,
        deferred,
        validated,
        set_columns,
    )


def dbname(dsn: str) -> str:
    return parse_dsn(dsn).dbname


def label(dsn: str) -> str:
    """The masked DSN fkmap shows for a fixture database."""
    return parse_dsn(dsn).label


def server_version(dsn: str) -> int:
    with psycopg.connect(dsn) as conn:
        return conn.info.server_version


def no_errors(inv: Inventory) -> str:
    return "\n".join(f"{d.severity} {d.code}: {d.message}" for d in inv.diagnostics)


@pytest.fixture
def role(pg_admin_dsn: str) -> Iterator[Callable[..., str]]:
    """Factory: ``role(password=None)`` creates a LOGIN role (not superuser); dropped afterwards."""
    made: list[str] = []

    def make(password: str | None = None) -> str:
        name = f"fkmap_role_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
            if password is None:
                conn.execute(f'CREATE ROLE "{name}" LOGIN')
            else:
                conn.execute(
                    psycopg.sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                        psycopg.sql.Identifier(name), psycopg.sql.Literal(password)
                    )
                )
        made.append(name)
        return name

    yield make
    with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
        for name in made:
            conn.execute(f'DROP ROLE IF EXISTS "{name}"')


def host_port(dsn: str) -> str:
    params = parse_dsn(dsn).params
    return f"{params.get('host', '127.0.0.1')}:{params.get('port', '5432')}"


SHOP_SQL = r"""
CREATE SCHEMA auth;
CREATE SCHEMA messaging;
CREATE TABLE auth.users (
    id bigint PRIMARY KEY,
    tenant_id integer NOT NULL,
    email text,
    UNIQUE (tenant_id, id)
);
CREATE TABLE messaging.conversations (
    id bigint PRIMARY KEY,
    created_by bigint NOT NULL REFERENCES auth.users (id)
);
CREATE TABLE messaging.messages (
    id bigint PRIMARY KEY,
    conversation_id bigint NOT NULL REFERENCES messaging.conversations (id) ON DELETE CASCADE,
    sender_id bigint,
    tenant_id integer,
    body varchar(500),
    reply_to bigint REFERENCES messaging.messages (id) ON DELETE SET DEFAULT,
    -- key order (tenant_id, sender_id) differs from the table's column order
    CONSTRAINT messages_sender_fkey FOREIGN KEY (tenant_id, sender_id)
        REFERENCES auth.users (tenant_id, id) ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE messaging.attachments (id integer PRIMARY KEY, uploader_id bigint);
ALTER TABLE messaging.attachments ADD CONSTRAINT attachments_uploader_fkey
    FOREIGN KEY (uploader_id) REFERENCES auth.users (id) ON DELETE SET NULL NOT VALID;
CREATE TABLE messaging.reactions (id integer PRIMARY KEY, user_id bigint, message_id bigint);
-- only the catalog can see keys created by dynamic SQL
CREATE FUNCTION public.add_fk(tbl text, col text, target text) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
    EXECUTE format(
        'ALTER TABLE messaging.%I ADD CONSTRAINT %I FOREIGN KEY (%I) REFERENCES %s (id) ON DELETE RESTRICT',
        tbl, tbl || '_' || col || '_dyn', col, target);
END
$fn$;
SELECT public.add_fk('reactions', 'user_id', 'auth.users');
SELECT public.add_fk('reactions', 'message_id', 'messaging.messages');
CREATE TABLE "UserAccounts" ("Id" integer, "Tenant" integer, PRIMARY KEY ("Tenant", "Id"));
CREATE TABLE "Order Items" (
    "Line" integer PRIMARY KEY,
    "Account Id" integer,
    "Tenant" integer,
    CONSTRAINT "Order Items → accounts" FOREIGN KEY ("Tenant", "Account Id")
        REFERENCES "UserAccounts" ("Tenant", "Id") ON DELETE CASCADE ON UPDATE RESTRICT
);
"""

SHOP_FKS = {
    fk("conversations_created_by_fkey", "messaging.conversations", ("created_by",), "auth.users", ("id",)),
    fk(
        "messages_conversation_id_fkey",
        "messaging.messages",
        ("conversation_id",),
        "messaging.conversations",
        ("id",),
        on_delete="CASCADE",
    ),
    fk(
        "messages_reply_to_fkey",
        "messaging.messages",
        ("reply_to",),
        "messaging.messages",
        ("id",),
        on_delete="SET DEFAULT",
    ),
    fk(
        "messages_sender_fkey",
        "messaging.messages",
        ("tenant_id", "sender_id"),
        "auth.users",
        ("tenant_id", "id"),
        on_update="CASCADE",
        deferrable=True,
        deferred=True,
    ),
    fk(
        "attachments_uploader_fkey",
        "messaging.attachments",
        ("uploader_id",),
        "auth.users",
        ("id",),
        on_delete="SET NULL",
        validated=False,
    ),
    fk(
        "reactions_user_id_dyn",
        "messaging.reactions",
        ("user_id",),
        "auth.users",
        ("id",),
        on_delete="RESTRICT",
    ),
    fk(
        "reactions_message_id_dyn",
        "messaging.reactions",
        ("message_id",),
        "messaging.messages",
        ("id",),
        on_delete="RESTRICT",
    ),
    fk(
        "Order Items → accounts",
        "public.Order Items",
        ("Tenant", "Account Id"),
        "public.UserAccounts",
        ("Tenant", "Id"),
        on_delete="CASCADE",
        on_update="RESTRICT",
    ),
}

SHOP_TABLES = {
    ("auth.users", ("id",)),
    ("messaging.conversations", ("id",)),
    ("messaging.messages", ("id",)),
    ("messaging.attachments", ("id",)),
    ("messaging.reactions", ("id",)),
    ("public.UserAccounts", ("Tenant", "Id")),
    ("public.Order Items", ("Line",)),
}


def test_one_database_exact_foreign_keys(fresh_database: Callable[..., str]) -> None:
    dsn = fresh_database(SHOP_SQL)
    inv = ingest_dsn(dsn)
    assert inv.diagnostics == (), no_errors(inv)
    assert rows(inv.foreign_keys) == SHOP_FKS
    assert {(t.ref.qualified, t.primary_key) for t in inv.tables} == SHOP_TABLES

    db, where = dbname(dsn), Location(label(dsn))
    assert {fk.table.database for fk in inv.foreign_keys} | {
        fk.ref_table.database for fk in inv.foreign_keys
    } == {db}
    assert {fk.added_at for fk in inv.foreign_keys} == {where}
    assert {fk.state for fk in inv.foreign_keys} == {"present"}
    assert {fk.origin for fk in inv.foreign_keys} == {"declared"}
    assert {t.defined_at for t in inv.tables} == {where}
    assert inv.sources == (Source("catalog", label(dsn)),)
    assert where.path == f"postgresql://postgres@{host_port(dsn)}/{db}"

    messages = inv.table(TableRef(db, "messaging", "messages"))
    assert messages is not None
    assert [(c.name, c.type, c.nullable) for c in messages.columns] == [
        ("id", "bigint", False),
        ("conversation_id", "bigint", False),
        ("sender_id", "bigint", True),
        ("tenant_id", "integer", True),
        ("body", "character varying(500)", True),
        ("reply_to", "bigint", True),
    ]
    # producers sort: tables by ref, FKs by (table, name)
    assert list(inv.tables) == sorted(inv.tables, key=lambda t: t.ref)
    assert list(inv.foreign_keys) == sorted(inv.foreign_keys, key=lambda f: (f.table, f.name))
    assert Inventory.from_json(inv.to_json()) == inv


def test_on_delete_set_null_column_list(fresh_database: Callable[..., str]) -> None:
    dsn = fresh_database()
    if server_version(dsn) < 150000:
        pytest.skip("ON DELETE SET NULL (col) needs PostgreSQL 15")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            """
            CREATE TABLE tenants (id integer PRIMARY KEY);
            CREATE TABLE accounts (tenant_id integer, id integer, PRIMARY KEY (tenant_id, id));
            CREATE TABLE posts (
                id integer PRIMARY KEY,
                tenant_id integer NOT NULL REFERENCES tenants (id),
                author_id integer,
                editor_id integer,
                FOREIGN KEY (tenant_id, author_id) REFERENCES accounts ON DELETE SET NULL (author_id),
                CONSTRAINT posts_editor_fkey FOREIGN KEY (tenant_id, editor_id)
                    REFERENCES accounts (tenant_id, id) ON DELETE SET DEFAULT (editor_id)
            );
            """
        )
    inv = ingest_dsn(dsn)
    assert inv.diagnostics == (), no_errors(inv)
    assert rows(inv.foreign_keys) == {
        fk("posts_tenant_id_fkey", "public.posts", ("tenant_id",), "public.tenants", ("id",)),
        fk(
            "posts_tenant_id_author_id_fkey",
            "public.posts",
            ("tenant_id", "author_id"),
            "public.accounts",
            ("tenant_id", "id"),
            on_delete="SET NULL",
            set_columns=("author_id",),
        ),
        fk(
            "posts_editor_fkey",
            "public.posts",
            ("tenant_id", "editor_id"),
            "public.accounts",
            ("tenant_id", "id"),
            on_delete="SET DEFAULT",
            set_columns=("editor_id",),
        ),
    }


PARTITION_SQL = """
CREATE TABLE users (id integer PRIMARY KEY);
CREATE TABLE events (
    id integer,
    at date,
    user_id integer REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')
    PARTITION BY HASH (id);
CREATE TABLE events_2025_a PARTITION OF events_2025 FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE events_2025_b PARTITION OF events_2025 FOR VALUES WITH (MODULUS 2, REMAINDER 1);
-- a key into the partitioned table: PostgreSQL clones it once per partition
CREATE TABLE event_notes (
    id integer PRIMARY KEY,
    event_id integer,
    event_at date,
    FOREIGN KEY (event_id, event_at) REFERENCES events (id, at)
);
-- a key into one partition: reported on the root
CREATE TABLE archived_notes (
    id integer PRIMARY KEY,
    event_id integer,
    event_at date,
    CONSTRAINT archived_notes_event_fkey FOREIGN KEY (event_id, event_at) REFERENCES events_2025_a (id, at)
);
-- a key declared on one partition only: reported on the root too
ALTER TABLE events_2024 ADD CONSTRAINT events_2024_note_fkey FOREIGN KEY (id) REFERENCES event_notes (id);
-- a partition attached after the fact
CREATE TABLE events_2026 (id integer NOT NULL, at date NOT NULL, user_id integer);
ALTER TABLE events ATTACH PARTITION events_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
"""


def test_partitions_are_folded_into_their_root(fresh_database: Callable[..., str]) -> None:
    dsn = fresh_database(PARTITION_SQL)
    with psycopg.connect(dsn) as conn:
        clones = conn.execute("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conparentid <> 0")
        assert clones.fetchall()[0][0] > 0  # the catalog really holds the per-partition copies
    inv = ingest_dsn(dsn)
    assert inv.diagnostics == (), no_errors(inv)
    assert {t.ref.qualified for t in inv.tables} == {
        "public.users",
        "public.events",
        "public.event_notes",
        "public.archived_notes",
    }
    assert rows(inv.foreign_keys) == {
        fk(
            "events_user_id_fkey", "public.events", ("user_id",), "public.users", ("id",), on_delete="CASCADE"
        ),
        fk(
            "event_notes_event_id_event_at_fkey",
            "public.event_notes",
            ("event_id", "event_at"),
            "public.events",
            ("id", "at"),
        ),
        fk(
            "archived_notes_event_fkey",
            "public.archived_notes",
            ("event_id", "event_at"),
            "public.events",
            ("id", "at"),
        ),
        fk("events_2024_note_fkey", "public.events", ("id",), "public.event_notes", ("id",)),
    }


def test_system_temporary_and_extension_objects_are_left_out(fresh_database: Callable[..., str]) -> None:
    dsn = fresh_database(
        """
        CREATE EXTENSION citext;
        CREATE TABLE ext_owned (id integer PRIMARY KEY);
        CREATE TABLE ext_child (id integer PRIMARY KEY, parent integer REFERENCES ext_owned (id));
        CREATE TABLE plain (id integer PRIMARY KEY, child integer REFERENCES ext_child (id));
        ALTER EXTENSION citext ADD TABLE ext_owned;
        CREATE SCHEMA ext_schema;
        CREATE TABLE ext_schema.hidden (id integer PRIMARY KEY, plain_id integer REFERENCES plain (id));
        ALTER EXTENSION citext ADD SCHEMA ext_schema;
        """
    )
    with psycopg.connect(dsn) as other_session:
        other_session.execute("CREATE TEMPORARY TABLE scratch (id integer PRIMARY KEY)")
        inv = ingest_dsn(dsn)
    assert inv.diagnostics == (), no_errors(inv)
    assert {t.ref.qualified for t in inv.tables} == {"public.ext_child", "public.plain"}
    assert rows(inv.foreign_keys) == {
        fk("plain_child_fkey", "public.plain", ("child",), "public.ext_child", ("id",)),
    }


def test_instance_dsn_reads_every_database_it_may(
    fresh_database: Callable[..., str], role: Callable[..., str], pg_admin_dsn: str
) -> None:
    auth = fresh_database("CREATE TABLE users (id integer PRIMARY KEY);")
    shop = fresh_database(
        """
        CREATE TABLE customers (id integer PRIMARY KEY);
        CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer REFERENCES customers (id));
        """
    )
    secret = fresh_database("CREATE TABLE vault (id integer PRIMARY KEY, up integer REFERENCES vault (id));")
    reader = role()
    with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
        conn.execute(f'REVOKE CONNECT ON DATABASE "{dbname(secret)}" FROM PUBLIC')

    instance = f"postgresql://{reader}@{host_port(pg_admin_dsn)}/"
    inv = ingest_dsn(instance)
    mine = {dbname(auth), dbname(shop), dbname(secret)}

    assert {(t.ref.database, t.ref.qualified) for t in inv.tables if t.ref.database in mine} == {
        (dbname(auth), "public.users"),
        (dbname(shop), "public.customers"),
        (dbname(shop), "public.orders"),
    }
    shop_fks = [f for f in inv.foreign_keys if f.table.database in mine]
    assert rows(shop_fks) == {
        fk("orders_customer_id_fkey", "public.orders", ("customer_id",), "public.customers", ("id",))
    }
    assert shop_fks[0].added_at == Location(f"postgresql://{reader}@{host_port(pg_admin_dsn)}/{dbname(shop)}")

    secret_label = f"postgresql://{reader}@{host_port(pg_admin_dsn)}/{dbname(secret)}"
    about_mine = [d for d in inv.diagnostics if any(name in d.path for name in mine)]
    assert [(d.severity, d.code, d.path) for d in about_mine] == [("error", "connect", secret_label)]
    assert about_mine[0].message.startswith(f"cannot connect to {secret_label}: ")
    assert "CONNECT" in about_mine[0].message

    assert not {t.ref.database for t in inv.tables} & {"template0", "template1"}
    assert not [d for d in inv.diagnostics if "template" in d.path]
    assert all("\n" not in d.message for d in inv.diagnostics)
    assert inv.sources == (Source("catalog", f"postgresql://{reader}@{host_port(pg_admin_dsn)}/"),)

    # --all-databases: a DSN naming one database reads the whole instance too
    via_shop = ingest_dsn(
        f"postgresql://{reader}@{host_port(pg_admin_dsn)}/{dbname(shop)}", all_databases=True
    )
    assert rows([f for f in via_shop.foreign_keys if f.table.database in mine]) == rows(shop_fks)
    assert [d.path for d in via_shop.diagnostics if any(n in d.path for n in mine)] == [secret_label]
    assert via_shop.sources == inv.sources


def test_scan_command_all_databases(fresh_database: Callable[..., str], pg_admin_dsn: str) -> None:
    from click.testing import CliRunner

    from cli import main

    one = fresh_database("CREATE TABLE users (id integer PRIMARY KEY);")
    two = fresh_database("CREATE TABLE posts (id integer PRIMARY KEY, up integer REFERENCES posts (id));")
    result = CliRunner().invoke(main, ["scan", one, "--all-databases", "--format", "json"])
    assert result.exit_code in (0, 1), result.output  # 1 if another test's database vanished meanwhile
    doc = json.loads(result.stdout)
    tables = {(t["database"], t["name"]) for t in doc["tables"]}
    assert {(dbname(one), "users"), (dbname(two), "posts")} <= tables
    assert [s["label"] for s in doc["sources"]] == [f"postgresql://postgres@{host_port(pg_admin_dsn)}/"]

    single = CliRunner().invoke(main, ["scan", one, "--format", "json"])
    assert single.exit_code == 0, single.output
    assert {(t["database"], t["name"]) for t in json.loads(single.stdout)["tables"]} == {
        (dbname(one), "users")
    }


def test_several_dsns_mixed_with_a_migration_folder(
    fresh_database: Callable[..., str], tmp_path: Path
) -> None:
    from ownership.scan import scan

    folder = tmp_path / "services" / "billing" / "migrations"
    folder.mkdir(parents=True)
    (folder / "001_invoices.sql").write_text(
        "CREATE TABLE invoices (id integer PRIMARY KEY, user_id integer);\n", encoding="utf-8"
    )
    auth = fresh_database("CREATE TABLE users (id integer PRIMARY KEY);")
    shop = fresh_database(
        "CREATE TABLE orders (id integer PRIMARY KEY, parent integer REFERENCES orders (id));"
    )
    inv = scan([str(tmp_path), auth, shop])
    assert {(t.ref.database, t.ref.name) for t in inv.tables} == {
        ("services/billing/migrations", "invoices"),
        (dbname(auth), "users"),
        (dbname(shop), "orders"),
    }
    assert rows(inv.foreign_keys) == {
        fk("orders_parent_fkey", "public.orders", ("parent",), "public.orders", ("id",))
    }
    assert {s.kind for s in inv.sources} == {"migrations", "catalog"}
    assert {s.label for s in inv.sources if s.kind == "catalog"} == {label(auth), label(shop)}


def test_unreachable_server_is_one_diagnostic(pg_admin_dsn: str) -> None:
    inv = ingest_dsn("postgresql://app:hunter2@127.0.0.1:1/shop", connect_timeout=3)
    assert inv.tables == () and inv.foreign_keys == ()
    [d] = inv.diagnostics
    assert (d.severity, d.code, d.path) == ("error", "connect", "postgresql://app@127.0.0.1:1/shop")
    assert d.message.startswith("cannot connect to postgresql://app@127.0.0.1:1/shop: ")
    assert "refused" in d.message.lower()
    assert "\n" not in d.message and "hunter2" not in inv.to_json()

    instance = ingest_dsn("postgresql://app:hunter2@127.0.0.1:1/", connect_timeout=3)
    [d] = instance.diagnostics
    assert (d.code, d.path) == ("connect", "postgresql://app@127.0.0.1:1/")
    assert d.message.startswith("cannot list the databases of postgresql://app@127.0.0.1:1/: ")


def test_bad_database_name_and_bad_role(pg_admin_dsn: str) -> None:
    hp = host_port(pg_admin_dsn)
    missing = f"fkmap_missing_{uuid.uuid4().hex[:8]}"
    inv = ingest_dsn(f"postgresql://postgres:pw@{hp}/{missing}")
    [d] = inv.diagnostics
    assert (d.severity, d.code, d.path) == ("error", "connect", f"postgresql://postgres@{hp}/{missing}")
    assert f'database "{missing}" does not exist' in d.message

    nobody = f"fkmap_nobody_{uuid.uuid4().hex[:8]}"
    inv = ingest_dsn(f"postgresql://{nobody}:pw@{hp}/postgres")
    [d] = inv.diagnostics
    assert (d.code, d.path) == ("connect", f"postgresql://{nobody}@{hp}/postgres")
    assert f'role "{nobody}" does not exist' in d.message

    inv = ingest_dsn("host=db password=pw dbname")  # libpq cannot parse it
    [d] = inv.diagnostics
    assert d.code == "connect" and "pw" not in d.message and "missing" in d.message


def test_database_dropped_mid_scan(fresh_database: Callable[..., str], pg_admin_dsn: str) -> None:
    dsn = fresh_database("CREATE TABLE t (id integer PRIMARY KEY);")
    name = dbname(dsn)
    locker = psycopg.connect(dsn)
    try:
        # hold the catalog so that our read is surely in flight when the database goes
        locker.execute("LOCK TABLE pg_catalog.pg_constraint IN ACCESS EXCLUSIVE MODE")
        result: dict[str, Inventory] = {}
        reader = threading.Thread(
            target=lambda: result.setdefault("inv", ingest_dsn(dsn, statement_timeout=30))
        )
        reader.start()
        with psycopg.connect(pg_admin_dsn, autocommit=True) as admin:
            for _ in range(200):
                waiting = admin.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE datname = %s AND application_name = 'fkmap' "
                    "AND wait_event_type = 'Lock'",
                    (name,),
                ).fetchall()
                if waiting:
                    break
                time.sleep(0.05)
            assert waiting, "the catalog read never started"
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        reader.join(30)
    finally:
        locker.close()
    [d] = result["inv"].diagnostics
    assert (d.severity, d.code, d.path) == ("error", "source-failed", label(dsn))
    assert (
        d.message
        == f"cannot read the catalog of {label(dsn)}: terminating connection due to administrator command"
    )


def test_statement_timeout_stops_a_blocked_read(fresh_database: Callable[..., str]) -> None:
    dsn = fresh_database("CREATE TABLE t (id integer PRIMARY KEY);")
    with psycopg.connect(dsn) as locker:
        locker.execute("LOCK TABLE pg_catalog.pg_constraint IN ACCESS EXCLUSIVE MODE")
        inv = ingest_dsn(dsn, statement_timeout=0.5)  # the server's own message says the timeout fired
    [d] = inv.diagnostics
    assert (d.code, d.message) == (
        "source-failed",
        f"cannot read the catalog of {label(dsn)}: canceling statement due to statement timeout",
    )


def test_connection_is_read_only(fresh_database: Callable[..., str]) -> None:
    dsn = fresh_database("CREATE TABLE t (id integer PRIMARY KEY);")
    with connect_read_only(parse_dsn(dsn), statement_timeout=7) as conn:
        settings = {
            name: conn.execute(f"SHOW {name}").fetchall()[0][0]
            for name in (
                "default_transaction_read_only",
                "transaction_read_only",
                "application_name",
                "statement_timeout",
            )
        }
        assert settings == {
            "default_transaction_read_only": "on",
            "transaction_read_only": "on",
            "application_name": "fkmap",
            "statement_timeout": "7s",
        }
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("INSERT INTO t VALUES (1)")


def test_password_never_shown(
    fresh_database: Callable[..., str],
    role: Callable[..., str],
    pg_admin_dsn: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    password = f"S3cr3t-{uuid.uuid4().hex[:8]}@/:?"
    spellings = {password, quote(password, safe=""), quote(password)}
    user = role(password)
    dsn = fresh_database(
        "CREATE TABLE users (id integer PRIMARY KEY); "
        "CREATE TABLE posts (id integer PRIMARY KEY, user_id integer REFERENCES users (id));"
    )
    hp = host_port(pg_admin_dsn)
    secret = quote(password, safe="")
    good = f"postgresql://{user}:{secret}@{hp}/{dbname(dsn)}"
    caplog.set_level(logging.DEBUG)
    inventories = {
        "good": ingest_dsn(good),
        "instance": ingest_dsn(f"postgresql://{user}:{secret}@{hp}/"),
        "keywords": ingest_dsn(
            f"host=127.0.0.1 port={hp.rsplit(':', 1)[1]} user={user} "
            f"password='{password}' dbname={dbname(dsn)}"
        ),
        "port 1": ingest_dsn(f"postgresql://{user}:{secret}@127.0.0.1:1/x", connect_timeout=3),
        "no such db": ingest_dsn(f"postgresql://{user}:{secret}@{hp}/fkmap_nope_{uuid.uuid4().hex[:6]}"),
        "bad option": ingest_dsn(f"postgresql://{user}:{secret}@{hp}/x?bogus=1"),
        "bad port": ingest_dsn(f"postgresql://{user}:{secret}@{hp.split(':')[0]}:nope/x"),
        "query": ingest_dsn(f"postgresql://{user}@{hp}/{dbname(dsn)}?password={secret}"),
    }
    good_inv = inventories["good"]
    assert good_inv.diagnostics == (), no_errors(good_inv)
    assert rows(good_inv.foreign_keys) == {
        fk("posts_user_id_fkey", "public.posts", ("user_id",), "public.users", ("id",))
    }
    assert good_inv.sources == (Source("catalog", f"postgresql://{user}@{hp}/{dbname(dsn)}"),)
    assert inventories["query"].foreign_keys == good_inv.foreign_keys
    for name in ("port 1", "no such db", "bad option", "bad port"):
        assert [d.code for d in inventories[name].diagnostics] == ["connect"], name
    texts = [inv.to_json() + repr(inv) for inv in inventories.values()]
    texts += [r.getMessage() for r in caplog.records]

    from click.testing import CliRunner

    from cli import main

    runs = [
        ["scan", good, "--format", "json"],
        ["scan", f"postgresql://{user}:{secret}@127.0.0.1:1/x"],
        ["diff", good, good],
        ["diff", good, f"postgresql://{user}:{secret}@{hp}/fkmap_nope"],
    ]
    outputs = [CliRunner().invoke(main, args) for args in runs]
    assert [r.exit_code for r in outputs] == [0, 1, 0, 2]
    texts += [r.output for r in outputs]
    for text in texts:
        for spelling in spellings:
            assert spelling not in text


def test_services_by_database_and_by_schema(fresh_database: Callable[..., str], pg_admin_dsn: str) -> None:
    tag = uuid.uuid4().hex[:8]
    users_db = fresh_database("CREATE TABLE users (id integer PRIMARY KEY);", name=f"fkuser{tag}_db")
    posts_db = fresh_database("CREATE TABLE posts (id integer PRIMARY KEY);", name=f"fkpost{tag}_database")
    by_db = Inventory()
    for dsn in (users_db, posts_db):
        part = ingest_dsn(dsn)
        by_db = Inventory(
            tables=by_db.tables + part.tables, foreign_keys=by_db.foreign_keys + part.foreign_keys
        )
    assigned = assign_services(by_db, Config(map_by="database"))
    assert {t.ref.database: t.service for t in assigned.tables} == {
        f"fkuser{tag}_db": f"fkuser{tag}",
        f"fkpost{tag}_database": f"fkpost{tag}",
    }
    # the default (map_by = "path") treats catalog tables by database name as well
    assert {t.service for t in assign_services(by_db, Config()).tables} == {f"fkuser{tag}", f"fkpost{tag}"}

    schemas = ingest_dsn(fresh_database(SHOP_SQL))
    by_schema = assign_services(schemas, Config(map_by="schema"))
    assert {t.ref.qualified: t.service for t in by_schema.tables} == {
        "auth.users": "auth",
        "messaging.conversations": "messaging",
        "messaging.messages": "messaging",
        "messaging.attachments": "messaging",
        "messaging.reactions": "messaging",
        "public.UserAccounts": "public",
        "public.Order Items": "public",
    }
    owner = {t.ref: t.service for t in by_schema.tables}
    crossing = {f.name for f in by_schema.foreign_keys if owner[f.table] != owner[f.ref_table]}
    assert crossing == {
        "conversations_created_by_fkey",
        "messages_sender_fkey",
        "attachments_uploader_fkey",
        "reactions_user_id_dyn",
    }


def test_user_db_maps_to_user() -> None:
    """The database name a catalog reports is what map_by='database' reads (``user_db`` -> ``user``)."""
    inv = ingest_dsn_like("user_db")
    assert [t.service for t in assign_services(inv, Config(map_by="database")).tables] == ["user"]


def ingest_dsn_like(database: str) -> Inventory:
    """A one-table inventory shaped exactly as :func:`ingest_dsn` returns it."""
    from model.inventory import Table

    where = Location(f"postgresql://app@db:5432/{database}")
    table = Table(TableRef(database, "public", "users"), primary_key=("id",), defined_at=where)
    return Inventory(tables=(table,), sources=(Source("catalog", where.path),))


def test_read_database_of_missing_database_never_raises(pg_admin_dsn: str) -> None:
    target = parse_dsn(pg_admin_dsn).for_database(f"fkmap_gone_{uuid.uuid4().hex[:6]}")
    inv = read_database(target)
    assert [d.code for d in inv.diagnostics] == ["connect"]
    assert inv.sources == ()
