"""Whole migration trees, robustness and the pg_dump-sized input."""

from __future__ import annotations

import gc
from pathlib import Path

import pglast.parser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.migrations import postgres as pg
from ingest.migrations.sets import ingest_path, ingest_text
from model.inventory import Diagnostic, ForeignKey, Inventory, Location, Migration, Source, TableRef
from tests.ingest.pgdump_fixture import expected_fk_count, make_pg_dump

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TREE = {
    "services/auth/migrations/001_users.sql": "CREATE TABLE users (\n  id uuid PRIMARY KEY\n);\n",
    "services/auth/migrations/002_sessions.sql": (
        "CREATE TABLE sessions (\n  id uuid PRIMARY KEY,\n"
        "  user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE\n);\n"
    ),
    "services/messaging/migrations/10_drop_fk.sql": (
        "ALTER TABLE conversations DROP CONSTRAINT conversations_created_by_fkey;\n"
    ),
    "services/messaging/migrations/2_conversations.sql": (
        "CREATE TABLE conversations (\n  id uuid PRIMARY KEY,\n"
        "  created_by uuid NOT NULL REFERENCES users(id)\n);\n"
        "CREATE TABLE messages (\n  id uuid PRIMARY KEY,\n"
        "  conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,\n"
        "  sender_id uuid NOT NULL REFERENCES users(id)\n);\n"
    ),
    "services/messaging/migrations/3_dbmate.sql": (
        "-- migrate:up\nALTER TABLE messages ADD COLUMN reply_to uuid REFERENCES messages;\n"
        "-- migrate:down\nALTER TABLE messages DROP COLUMN reply_to;\n"
    ),
    "legacy/shop.sql": (
        "CREATE TABLE `customers` (`id` INT PRIMARY KEY) ENGINE=InnoDB;\n"
        "CREATE TABLE `orders` (`id` INT PRIMARY KEY, `customer_id` INT,\n"
        "  FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`)) ENGINE=InnoDB;\n"
        "CREATE TABLE broken (;\n"
    ),
}


def write_tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_migration_tree(tmp_path: Path) -> None:
    write_tree(tmp_path, TREE)
    inv = ingest_path(tmp_path)
    auth, chat, shop = "services/auth/migrations", "services/messaging/migrations", "legacy"
    assert [str(t.ref) for t in inv.tables] == [
        "legacy:.customers",
        "legacy:.orders",
        f"{auth}:public.sessions",
        f"{auth}:public.users",
        f"{chat}:public.conversations",
        f"{chat}:public.messages",
        f"{chat}:public.users",
    ]
    assert [t.ref.name for t in inv.tables if t.external] == ["users"]
    m2, m10, m3 = f"{chat}/2_conversations.sql", f"{chat}/10_drop_fk.sql", f"{chat}/3_dbmate.sql"

    def fk(
        db: str,
        table: str,
        name: str,
        cols: tuple[str, ...],
        target: str,
        rcols: tuple[str, ...],
        added: tuple[str, int],
        dropped: tuple[str, int] | None = None,
        schema: str = "public",
        on_delete: str = "NO ACTION",
        fresh_db_failure: bool = False,
    ) -> ForeignKey:
        return ForeignKey(
            name, TableRef(db, schema, table), cols, TableRef(db, schema, target), rcols, on_delete=on_delete,
            added_at=Location(*added), dropped_at=Location(*dropped) if dropped else None,
            fresh_db_failure=fresh_db_failure,
        )  # fmt: skip

    assert inv.foreign_keys == (
        fk(
            shop,
            "orders",
            "orders_ibfk_1",
            ("customer_id",),
            "customers",
            ("id",),
            ("legacy/shop.sql", 3),
            schema="",
        ),
        fk(
            auth,
            "sessions",
            "sessions_user_id_fkey",
            ("user_id",),
            "users",
            ("id",),
            (f"{auth}/002_sessions.sql", 3),
            on_delete="CASCADE",
        ),
        fk(
            chat,
            "conversations",
            "conversations_created_by_fkey",
            ("created_by",),
            "users",
            ("id",),
            (m2, 3),
            (m10, 1),
        ),
        fk(
            chat,
            "messages",
            "messages_conversation_id_fkey",
            ("conversation_id",),
            "conversations",
            ("id",),
            (m2, 7),
            on_delete="CASCADE",
            fresh_db_failure=True,  # its CREATE TABLE also references users, never created here
        ),
        fk(chat, "messages", "messages_reply_to_fkey", ("reply_to",), "messages", ("id",), (m3, 2)),
        fk(chat, "messages", "messages_sender_id_fkey", ("sender_id",), "users", ("id",), (m2, 8)),
    )
    assert inv.migrations == (
        Migration("legacy/shop.sql", shop, 0, 0, "", "shop", ""),
        Migration(f"{auth}/001_users.sql", auth, 0, 1, "001", "users", ""),
        Migration(f"{auth}/002_sessions.sql", auth, 1, 2, "002", "sessions", ""),
        Migration(m2, chat, 0, 3, "2", "conversations", ""),
        Migration(m3, chat, 1, 4, "3", "dbmate", ""),
        Migration(m10, chat, 2, 5, "10", "drop_fk", ""),
    )
    assert [(d.severity, d.code, d.path, d.line) for d in inv.diagnostics] == [
        ("error", "parse-error", "legacy/shop.sql", 4),
        ("warning", "unknown-table", m2, 3),
    ]
    assert inv.sources == (Source("migrations", str(tmp_path)),)
    assert inv.services == ()


def test_single_file_is_a_set_of_its_own(tmp_path: Path) -> None:
    path = tmp_path / "schema.sql"
    path.write_text("CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (a_id int REFERENCES a);\n")
    inv = ingest_path(path)
    assert [str(fk.table) for fk in inv.foreign_keys] == ["schema.sql:public.b"]
    assert inv.migrations == (Migration("schema.sql", "schema.sql", 0, 0, "", "schema", ""),)


def test_explicit_and_unknown_dialects(tmp_path: Path) -> None:
    path = tmp_path / "m.sql"
    path.write_text(
        "CREATE TABLE a (id INT PRIMARY KEY);\nCREATE TABLE b (x INT, FOREIGN KEY (x) REFERENCES a (id));\n"
    )
    assert [fk.name for fk in ingest_path(path, dialect="mysql").foreign_keys] == ["b_ibfk_1"]
    assert [fk.name for fk in ingest_path(path).foreign_keys] == ["b_x_fkey"]
    inv = ingest_path(path, dialect="postgress")
    assert [fk.name for fk in inv.foreign_keys] == ["b_x_fkey"]
    assert inv.diagnostics[0].message.startswith("unknown dialect 'postgress'; did you mean postgres?")


def test_missing_path_is_a_diagnostic(tmp_path: Path) -> None:
    inv = ingest_path(tmp_path / "nope")
    assert [(d.severity, d.code) for d in inv.diagnostics] == [("error", "io-error")]


def test_a_failing_parser_is_an_internal_diagnostic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {"m/1_a.sql": "CREATE TABLE a (id int);", "m/2_b.sql": "CREATE TABLE b (id int);"})

    def boom(text: str, path: str) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(pg, "parse", boom)
    monkeypatch.setattr(pg, "iter_parse", boom)  # files parsed here are replayed batch by batch
    inv = ingest_path(tmp_path)
    assert [(d.code, d.path) for d in inv.diagnostics] == [
        ("internal", "m/1_a.sql"),
        ("internal", "m/2_b.sql"),
    ]
    assert len(inv.migrations) == 2
    assert gc.isenabled()


# ------------------------------------------------------------------------------ robustness
SQLISH = st.lists(
    st.sampled_from(
        [
            "CREATE",
            "TABLE",
            "ALTER",
            "DROP",
            "ONLY",
            "IF",
            "NOT",
            "EXISTS",
            "ADD",
            "CONSTRAINT",
            "FOREIGN",
            "KEY",
            "REFERENCES",
            "PRIMARY",
            "RENAME",
            "TO",
            "COLUMN",
            "SET",
            "SCHEMA",
            "search_path",
            "DO",
            "$$",
            "BEGIN",
            "END",
            "EXECUTE",
            "CASCADE",
            "PARTITION",
            "OF",
            "LIKE",
            "INHERITS",
            "t",
            "u",
            '"Q"',
            "`b`",
            "s.t",
            "(",
            ")",
            ",",
            ";",
            "'",
            "--",
            "\n",
            "/*",
            "*/",
            "id",
            "int",
            "VALIDATE",
            "NOT VALID",
            "ON DELETE",
            "SET NULL",
            "ENGINE=InnoDB",
            "\\.",
            "COPY t FROM stdin",
            "DELIMITER //",
            "é",
        ]
    ),
    max_size=40,
).map(" ".join)


@FAST
@given(
    text=st.one_of(st.text(max_size=300), SQLISH),
    dialect=st.sampled_from([None, "postgres", "mysql", "sqlite"]),
)
def test_ingest_text_never_raises(text: str, dialect: str | None) -> None:
    inv = ingest_text(text, dialect=dialect)
    assert isinstance(inv, Inventory)
    assert all(
        isinstance(d, Diagnostic) and len(d.excerpt) <= 120 and "\n" not in d.excerpt for d in inv.diagnostics
    )
    refs = {t.ref for t in inv.tables}
    assert all(fk.table in refs and fk.ref_table in refs for fk in inv.foreign_keys)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=st.one_of(st.binary(max_size=200).map(lambda b: b.decode("latin-1")), SQLISH))
def test_ingest_path_never_raises(tmp_path: Path, text: str) -> None:
    (tmp_path / "001_x.sql").write_text(text, encoding="utf-8", errors="surrogatepass")
    assert isinstance(ingest_path(tmp_path), Inventory)


# ------------------------------------------------------------------------------ size
def test_pg_dump_is_parsed_in_few_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = pglast.parser.parse_sql_json

    def counting(sql: str) -> str:
        calls.append(len(sql))
        return real(sql)

    monkeypatch.setattr(pg, "parse_sql_json", counting)
    path = tmp_path / "dump.sql"
    text = make_pg_dump(300)
    path.write_text(text)
    inv = ingest_path(path)
    assert len(inv.foreign_keys) == expected_fk_count(300)
    assert len(inv.tables) == 300
    assert inv.diagnostics == ()
    # ~900 statements in a few batches, none over the batch size (plus the statement that fills it)
    assert len(calls) <= 2 * (len(text) // pg.CHUNK_CHARS + 1)
    assert max(calls) <= pg.CHUNK_CHARS + 1000
    line = text.splitlines().index(
        "    ADD CONSTRAINT t1_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES app.t0(id) ON DELETE CASCADE;"
    )
    assert inv.foreign_keys[0] == ForeignKey(
        "t1_owner_id_fkey",
        TableRef("dump.sql", "app", "t1"),
        ("owner_id",),
        TableRef("dump.sql", "app", "t0"),
        ("id",),
        on_delete="CASCADE",
        added_at=Location("dump.sql", line + 1),
    )
