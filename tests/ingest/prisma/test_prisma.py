"""Prisma schemas: the parser, the model they give, and how they combine with migrations."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import read_source
from ingest.prisma.nodes import Attribute, Ident
from ingest.prisma.parse import parse_text
from ingest.prisma.read import add_prisma, discover_schemas, ingest_prisma
from model.inventory import Column, ForeignKey, Inventory, Location, Migration, Source, Table, TableRef
from ownership import scan
from tests.helpers import not_none

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "prisma"
KINDRED = FIXTURES / "kindred"

Key = tuple[str, str, tuple[str, ...], str, tuple[str, ...], str, str, str]


def keys(fks: tuple[ForeignKey, ...] | list[ForeignKey]) -> set[Key]:
    return {
        (
            fk.origin,
            fk.name,
            fk.columns,
            str(fk.ref_table),
            fk.ref_columns,
            fk.on_delete,
            fk.on_update,
            str(fk.added_at),
        )
        for fk in fks
    }


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text).lstrip("\n"), encoding="utf-8")
    return root


# -- the parser ------------------------------------------------------------------------------------


def test_parser_reads_fields_attributes_and_comments() -> None:
    f = parse_text(
        dedent("""
        datasource db {
          provider = "postgresql"
          schemas  = ["auth", "chat"]
        }
        /// A user.
        model User {
          id    String @id @default(cuid()) // the key
          /// Where mail goes.
          /// References mail.Box.id
          email String? @unique @db.VarChar(200)
          tags  String[]
          @@map("users")
          @@schema("auth")
          @@index([
            email,
            tags(sort: Desc)
          ])
        }
        """).lstrip(),
        "s.prisma",
    )
    assert f.diagnostics == ()
    ds, user = f.blocks
    assert ds.setting("provider") == "postgresql" and ds.setting("schemas") == ("auth", "chat")
    assert (user.kind, user.name, user.line) == ("model", "User", 6)
    fid, email, tags = user.fields
    assert (fid.line, fid.comment, fid.doc) == (7, "the key", "")
    assert fid.attributes == (Attribute("id"), Attribute("default", ((None, Ident("cuid")),)))
    assert (email.optional, email.is_list, email.doc, email.line) == (
        True,
        False,
        "Where mail goes. References mail.Box.id",
        10,
    )
    assert email.attribute("db.VarChar") == Attribute("db.VarChar", ((None, Ident("200")),))
    assert (tags.is_list, tags.optional) == (True, False)
    assert [a.name for a in user.attributes] == ["map", "schema", "index"]
    assert not_none(user.attribute("index")).first() == (
        Ident("email"),
        Ident("tags", (("sort", Ident("Desc")),)),
    )


def test_parser_reports_malformed_lines_and_goes_on() -> None:
    f = parse_text(
        dedent("""
        garbage here
        model A {
          id Int @id
          broken Int @default(
          name String @map("a"
        model B {
          id Int @id
          ok String "stray"
        }
        enum E {
          X
        }}
        """).lstrip(),
        "bad.prisma",
    )
    assert [(d.severity, d.line, d.code) for d in f.diagnostics] == [
        ("error", 1, "parse-error"),  # not a block
        ("error", 2, "parse-error"),  # model A: no closing '}'
        ("error", 4, "parse-error"),  # unclosed '(' (the next line is not swallowed)
        ("error", 5, "parse-error"),  # unclosed '('
        ("error", 8, "parse-error"),  # a string after the type
        ("error", 12, "parse-error"),  # '}' after the end of enum E
    ]
    assert [(b.kind, b.name, [x.name for x in b.fields]) for b in f.blocks] == [
        ("model", "A", ["id"]),
        ("model", "B", ["id"]),
        ("enum", "E", []),
    ]
    assert f.diagnostics[0].excerpt == "garbage here"


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list('model User{}()[]@@id"/\\\n =,:?.Int String relation fields#é')),
        max_size=300,
    )
)
def test_parser_never_raises(text: str) -> None:
    f = parse_text(text, "fuzz.prisma")
    assert all(d.path == "fuzz.prisma" for d in f.diagnostics)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400))
def test_ingest_never_raises(tmp_path: Path, text: str) -> None:
    path = tmp_path / "schema.prisma"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    inv = ingest_prisma(path)
    assert inv.sources == (Source("migrations", str(path)),)


# -- one schema: tables, relations, names, actions -------------------------------------------------

SHOP = """
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Tenant {
  id     Int     @id
  users  User[]
  groups Group[]
}

model User {
  id        Int      @default(autoincrement())
  tenantId  Int      @map("tenant_id")
  tenant    Tenant   @relation(fields: [tenantId], references: [id], onDelete: Cascade, onUpdate: NoAction)
  managerId Int?     @map("manager_id")
  manager   User?    @relation("Reports", fields: [managerId], references: [id])
  reports   User[]   @relation("Reports")
  orders    Order[]
  @@id([tenantId, id])
  @@unique([id])
  @@map("users")
}

model Order {
  id       Int     @id
  userId   Int     @map("user_id")
  tenantId Int     @map("tenant_id")
  user     User    @relation(fields: [userId, tenantId], references: [id, tenantId],
                             onDelete: SetNull, map: "orders_owner")
  couponId String? @map("coupon_id")
  coupon   Coupon? @relation(fields: [couponId], references: [code], onDelete: SetDefault, onUpdate: Restrict)
  @@map("orders")
}

model Coupon {
  code   String  @id @db.VarChar(20)
  orders Order[]
}

model Group {
  id      Int      @id
  tenants Tenant[]
}

model Tag {
  id    String @id
  posts Post[] @relation("Tagging")
}

model Post {
  id   String @id
  tags Tag[]  @relation("Tagging")
}
"""


def test_schema_gives_tables_keys_and_join_tables(tmp_path: Path) -> None:
    write(tmp_path, {"db/schema.prisma": SHOP})
    inv = read_source(str(tmp_path / "db" / "schema.prisma"))
    s = str(tmp_path / "db" / "schema.prisma")
    db = str(tmp_path / "db")

    def t(name: str) -> str:
        return f"{db}:public.{name}"

    assert keys(inv.foreign_keys) == {
        (
            "declared",
            "users_tenant_id_fkey",
            ("tenant_id",),
            t("Tenant"),
            ("id",),
            "CASCADE",
            "NO ACTION",
            f"{s}:15",
        ),
        # a self-relation, optional: Prisma's default ON DELETE SET NULL
        (
            "declared",
            "users_manager_id_fkey",
            ("manager_id",),
            t("users"),
            ("id",),
            "SET NULL",
            "CASCADE",
            f"{s}:17",
        ),
        (
            "declared",
            "orders_owner",
            ("user_id", "tenant_id"),
            t("users"),
            ("id", "tenant_id"),
            "SET NULL",
            "CASCADE",
            f"{s}:29",
        ),
        (
            "declared",
            "orders_coupon_id_fkey",
            ("coupon_id",),
            t("Coupon"),
            ("code",),
            "SET DEFAULT",
            "RESTRICT",
            f"{s}:32",
        ),
        # implicit many-to-many: Prisma's join tables, A = the model first by name
        ("declared", "_GroupToTenant_A_fkey", ("A",), t("Group"), ("id",), "CASCADE", "CASCADE", f"{s}:9"),
        ("declared", "_GroupToTenant_B_fkey", ("B",), t("Tenant"), ("id",), "CASCADE", "CASCADE", f"{s}:9"),
        ("declared", "_Tagging_A_fkey", ("A",), t("Post"), ("id",), "CASCADE", "CASCADE", f"{s}:48"),
        ("declared", "_Tagging_B_fkey", ("B",), t("Tag"), ("id",), "CASCADE", "CASCADE", f"{s}:48"),
    }
    tables = {t.ref.name: t for t in inv.tables}
    assert sorted(tables) == [
        "Coupon",
        "Group",
        "Post",
        "Tag",
        "Tenant",
        "_GroupToTenant",
        "_Tagging",
        "orders",
        "users",
    ]
    users = tables["users"]
    assert users.primary_key == ("tenant_id", "id")
    assert users.columns == (
        Column("id", "integer", False),
        Column("tenant_id", "integer", False),
        Column("manager_id", "integer", True),
    )
    assert users.defined_at == Location(s, 12)
    assert tables["Coupon"].columns == (Column("code", "varchar(20)", False),)
    assert tables["_GroupToTenant"].columns == (Column("A", "integer", False), Column("B", "integer", False))
    assert tables["_GroupToTenant"].primary_key == ("A", "B")
    assert inv.migrations == (Migration(s, db, 0, 0, "", "schema"),)
    assert inv.diagnostics == ()


def test_relation_defaults_mysql_provider_and_schemas(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "my/schema.prisma": """
            datasource db {
              provider = "mysql"
            }
            model A {
              id Int @id
              bs B[]
            }
            model B {
              id  Int  @id
              aId Int
              a   A    @relation(fields: [aId], references: [id])
            }
            """,
            "multi/schema.prisma": """
            datasource db {
              provider = "postgresql"
              schemas  = ["auth", "chat"]
            }
            model User {
              id       String    @id
              messages Message[]
              @@schema("auth")
            }
            model Message {
              id       String @id
              senderId String
              sender   User   @relation(fields: [senderId], references: [id])
              @@schema("chat")
            }
            """,
        },
    )
    inv = read_source(str(tmp_path))
    got = {(str(fk.table), fk.name, str(fk.ref_table), fk.on_delete, fk.on_update) for fk in inv.foreign_keys}
    assert got == {
        ("my:.B", "B_aId_fkey", "my:.A", "RESTRICT", "CASCADE"),  # MySQL: no schema, like its SQL replay
        ("multi:chat.Message", "Message_senderId_fkey", "multi:auth.User", "RESTRICT", "CASCADE"),
    }
    assert inv.sources == (Source("migrations", str(tmp_path)),)
    # no .sql file at all: the migrations reader's "no migrations" warning is dropped
    assert inv.diagnostics == ()


def test_relation_mode_prisma_gives_inferred_references(tmp_path: Path) -> None:
    path = (
        write(
            tmp_path,
            {
                "schema.prisma": """
            datasource db {
              provider     = "mysql"
              relationMode = "prisma"
            }
            model A {
              id Int @id
              bs B[]
            }
            model B {
              id  Int @id
              aId Int @map("a_id")
              a   A   @relation(fields: [aId], references: [id], onDelete: Cascade)
            }
            """,
            },
        )
        / "schema.prisma"
    )
    inv = ingest_prisma(path)
    assert [(fk.origin, fk.name, fk.columns, fk.on_delete) for fk in inv.foreign_keys] == [
        ("inferred", "inferred:B.a_id", ("a_id",), "NO ACTION")
    ]


def test_long_names_are_cut_like_prisma(tmp_path: Path) -> None:
    long = "a_very_long_table_name_that_goes_on_and_on_forever"
    path = (
        write(
            tmp_path,
            {
                "schema.prisma": f'''
            datasource db {{
              provider = "postgresql"
            }}
            model P {{
              id Int @id
              cs C[]
            }}
            model C {{
              id                       Int @id
              parent_identifier_column Int
              p P @relation(fields: [parent_identifier_column], references: [id])
              @@map("{long}")
            }}
            ''',
            },
        )
        / "schema.prisma"
    )
    (fk,) = ingest_prisma(path).foreign_keys
    assert fk.name == f"{long}_parent_identifier_column"[:58] + "_fkey" and len(fk.name) == 63


def test_bad_relations_are_diagnostics(tmp_path: Path) -> None:
    path = (
        write(
            tmp_path,
            {
                "schema.prisma": """
            model P {
              id Int @id
              cs C[]
            }
            model C {
              id  Int @id
              pId Int
              p   P   @relation(fields: [nope], references: [id])
              q   P   @relation(fields: [pId], references: [id, id])
            }
            model C {
              id Int @id
            }
            """,
            },
        )
        / "schema.prisma"
    )
    inv = ingest_prisma(path)
    assert inv.foreign_keys == ()
    assert [(d.severity, d.line, d.code) for d in inv.diagnostics] == [
        ("info", 0, "prisma-provider"),  # no datasource: PostgreSQL assumed
        ("error", 11, "parse-error"),  # model C defined twice
        ("error", 8, "parse-error"),  # unknown field
        ("error", 9, "parse-error"),  # lengths differ
    ]
    assert "unknown field(s) nope" in inv.diagnostics[2].message
    assert {t.ref.schema for t in inv.tables} == {"public"}


def test_multi_file_schema_is_one_database(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app/prisma/schema/main.prisma": 'datasource db {\n  provider = "postgresql"\n}\n',
            "app/prisma/schema/user.prisma": "model User {\n  id Int @id\n  posts Post[]\n}\n",
            "app/prisma/schema/post.prisma": (
                "model Post {\n  id Int @id\n  userId Int\n"
                "  user User @relation(fields: [userId], references: [id])\n}\n"
            ),
            "node_modules/.prisma/client/schema.prisma": "model Ignored {\n  id Int @id\n}\n",
        },
    )
    schemas = discover_schemas(tmp_path)
    assert [(s.label, s.files) for s in schemas] == [
        (
            "app/prisma/schema",
            (
                "app/prisma/schema/main.prisma",
                "app/prisma/schema/post.prisma",
                "app/prisma/schema/user.prisma",
            ),
        )
    ]
    inv = read_source(str(tmp_path))
    assert keys(inv.foreign_keys) == {
        (
            "declared",
            "Post_userId_fkey",
            ("userId",),
            "app/prisma/schema:public.User",
            ("id",),
            "RESTRICT",
            "CASCADE",
            "app/prisma/schema/post.prisma:4",
        ),
    }
    assert [m.path for m in inv.migrations] == [
        "app/prisma/schema/main.prisma",
        "app/prisma/schema/post.prisma",
        "app/prisma/schema/user.prisma",
    ]


# -- comment-declared references ----------------------------------------------------------------------


def test_kindred_database_per_service_declared_and_inferred() -> None:
    """One Prisma schema and one database per service, ids only: no declared cross-service FK,
    the comment-declared references between services, and with --infer the heuristic ones too."""
    inv = scan.scan([str(KINDRED)])
    services = {t.ref.name: (t.ref.database, t.service) for t in inv.tables}
    assert services == {
        "User": ("services/user-service/prisma", "user"),
        "Profile": ("services/user-service/prisma", "user"),
        "DeviceToken": ("services/user-service/prisma", "user"),
        "Conversation": ("services/communication-service/prisma", "communication"),
        "Message": ("services/communication-service/prisma", "communication"),
        "QueueEntry": ("services/queuing-service/prisma", "queuing"),
        "Match": ("services/queuing-service/prisma", "queuing"),
        "MatchFeedback": ("services/queuing-service/prisma", "queuing"),
        "Notification": ("services/notification-service/prisma", "notification"),
    }
    owner = {t.ref: t.service for t in inv.tables}
    declared = [fk for fk in inv.foreign_keys if fk.origin == "declared"]
    assert [fk for fk in declared if owner[fk.table] != owner[fk.ref_table]] == []
    assert {(fk.table.name, fk.name, fk.on_delete) for fk in declared} == {
        ("Profile", "Profile_userId_fkey", "CASCADE"),
        ("DeviceToken", "DeviceToken_userId_fkey", "CASCADE"),
        ("Message", "Message_conversationId_fkey", "CASCADE"),
        ("MatchFeedback", "MatchFeedback_matchId_fkey", "RESTRICT"),
    }
    user = TableRef("services/user-service/prisma", "public", "User")
    comm, queue = "services/communication-service/prisma", "services/queuing-service/prisma"
    by_comment = {
        (TableRef(comm, "public", "Conversation"), "participant1Id", f"{comm}/schema.prisma:9"),
        (TableRef(comm, "public", "Conversation"), "participant2Id", f"{comm}/schema.prisma:10"),
        (TableRef(comm, "public", "Message"), "senderId", f"{comm}/schema.prisma:19"),
        (
            TableRef(queue, "public", "MatchFeedback"),
            "fromUserId",
            f"{queue}/schema.prisma:33",
        ),  # /// doc comment
    }

    def inferred(i: Inventory) -> set[tuple[TableRef, str, str]]:
        found = {fk for fk in i.foreign_keys if fk.origin == "inferred"}
        assert all(fk.ref_table == user and fk.ref_columns == ("id",) for fk in found)
        assert all(fk.name == f"inferred:{fk.table.name}.{fk.columns[0]}" for fk in found)
        return {(fk.table, fk.columns[0], str(fk.added_at)) for fk in found}

    assert inferred(inv) == by_comment
    assert not [d for d in inv.diagnostics if d.severity != "info"]
    # --infer: the naming heuristic (ownership.infer) adds userId columns without comments
    notif = "services/notification-service/prisma"
    with_infer = scan.scan([str(KINDRED)], infer=True)
    assert inferred(with_infer) == by_comment | {
        (TableRef(queue, "public", "QueueEntry"), "userId", f"{queue}/schema.prisma:7"),
        (TableRef(notif, "public", "Notification"), "userId", f"{notif}/schema.prisma:7"),
    }
    assert {fk for fk in with_infer.foreign_keys if fk.origin == "declared"} == set(declared)


def test_reference_resolution_rules(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "services/user-service/prisma/schema.prisma": """
            model User {
              id    String @id
              email String @map("email_address")
            }
            """,
            "services/admin-service/prisma/schema.prisma": """
            model User {
              id String @id
            }
            model Audit {
              id      String @id
              a       String // References user_db.User.id
              b       String // references admin.User
              c       String // References User.id
              d       String // References user.User.email
              e       String // References User.email_address
              f       String // References nobody_db.Ghost.id
              g       String // References user_db.User.nope
              h       String // Refers to: user-service.User.email
            }
            """,
        },
    )
    inv = read_source(str(tmp_path))
    user = "services/user-service/prisma:public.User"
    admin = "services/admin-service/prisma:public.User"
    got = {(fk.columns[0], str(fk.ref_table), fk.ref_columns) for fk in inv.foreign_keys}
    assert got == {
        ("a", user, ("id",)),  # database part names the user service
        ("b", admin, ("id",)),  # database.Model: the primary key
        ("c", admin, ("id",)),  # no database part: the field's own schema first
        ("d", user, ("email_address",)),  # a field, mapped to its column
        ("h", user, ("email_address",)),
    }
    warnings = sorted((d.line, d.code, d.message) for d in inv.diagnostics if d.severity == "warning")
    # e: User of the own schema has no such field; f: no model Ghost; g: no field nope
    assert [(line, code) for line, code, _ in warnings] == [
        (10, "prisma-reference"),
        (11, "prisma-reference"),
        (12, "prisma-reference"),
    ]
    assert warnings[0][2].endswith("but model User has no field email_address")
    assert warnings[1][2].endswith("but no scanned Prisma schema defines model Ghost")
    assert warnings[2][2].endswith("but model User has no field nope")


def test_ambiguous_target_is_a_warning(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "a/schema.prisma": "model User {\n  id Int @id\n}\n",
            "b/schema.prisma": "model User {\n  id Int @id\n}\n",
            "c/schema.prisma": "model Post {\n  id Int @id\n  by Int // References User.id\n}\n",
        },
    )
    inv = read_source(str(tmp_path))
    assert inv.foreign_keys == ()
    (d,) = [d for d in inv.diagnostics if d.severity != "info"]
    assert (d.severity, d.path, d.line, d.code) == ("warning", "c/schema.prisma", 3, "prisma-reference")
    assert "several schemas (a, b)" in d.message


# -- schema and migrations together -------------------------------------------------------------------

MIGRATED = {
    "services/user-service/prisma/schema.prisma": """
    datasource db {
      provider = "postgresql"
    }
    model User {
      id    String @id
      posts Post[]
    }
    model Post {
      id     String @id
      userId String
      user   User   @relation(fields: [userId], references: [id], onDelete: Cascade)
    }
    """,
    "services/user-service/prisma/migrations/20240101000000_init/migration.sql": """
    CREATE TABLE "User" ("id" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
    CREATE TABLE "Post" ("id" TEXT NOT NULL PRIMARY KEY, "userId" TEXT NOT NULL);
    ALTER TABLE "Post" ADD CONSTRAINT "Post_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id")
      ON DELETE CASCADE ON UPDATE CASCADE;
    """,
    "services/chat-service/prisma/schema.prisma": """
    datasource db {
      provider = "postgresql"
    }
    model Message {
      id       String @id
      authorId String @map("author_id") // References user_db.User.id
      draftBy  String @map("draft_by")  // References user_db.User.id
      @@map("messages")
    }
    model Draft {
      id    String @id
      owner String // References user_db.User.id
    }
    """,
    "services/chat-service/prisma/migrations/20240102000000_init/migration.sql": """
    CREATE TABLE "messages" ("id" TEXT PRIMARY KEY, "author_id" TEXT NOT NULL, "draft_by" TEXT);
    """,
}


def test_migrations_win_and_the_schema_adds_comment_references(tmp_path: Path) -> None:
    write(tmp_path, MIGRATED)
    inv = read_source(str(tmp_path))
    user_db = "services/user-service/prisma/migrations"
    chat_db = "services/chat-service/prisma/migrations"
    # tables and declared keys come from the migrations only: no double counting
    assert [str(t.ref) for t in inv.tables] == [
        f"{chat_db}:public.messages",
        f"{user_db}:public.Post",
        f"{user_db}:public.User",
    ]
    assert all(t.defined_at is not None and t.defined_at.path.endswith("migration.sql") for t in inv.tables)
    assert [m.path.rsplit("/", 2)[-2] for m in inv.migrations] == [
        "20240102000000_init",
        "20240101000000_init",
    ]
    assert keys(inv.foreign_keys) == {
        (
            "declared",
            "Post_userId_fkey",
            ("userId",),
            f"{user_db}:public.User",
            ("id",),
            "CASCADE",
            "CASCADE",
            f"{user_db}/20240101000000_init/migration.sql:3",
        ),
        (
            "inferred",
            "inferred:messages.author_id",
            ("author_id",),
            f"{user_db}:public.User",
            ("id",),
            "NO ACTION",
            "NO ACTION",
            "services/chat-service/prisma/schema.prisma:6",
        ),
        (
            "inferred",
            "inferred:messages.draft_by",
            ("draft_by",),
            f"{user_db}:public.User",
            ("id",),
            "NO ACTION",
            "NO ACTION",
            "services/chat-service/prisma/schema.prisma:7",
        ),
    }
    # model Draft has no table in the migrations: its reference is skipped, with a note
    (drift,) = [d for d in inv.diagnostics if d.code == "prisma-drift"]
    assert (drift.severity, drift.path, drift.line) == (
        "info",
        "services/chat-service/prisma/schema.prisma",
        12,
    )
    assert [d for d in inv.diagnostics if d.severity != "info"] == []


def test_add_prisma_without_schemas_returns_the_inventory(tmp_path: Path) -> None:
    from model.inventory import Inventory

    inv = Inventory(sources=(Source("migrations", str(tmp_path)),))
    assert add_prisma(inv, tmp_path) is inv


def test_single_file_label_and_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"schema.prisma": "model Thing {\n  id Int @id\n}\n"})
    monkeypatch.chdir(tmp_path)
    inv = read_source("schema.prisma")
    assert inv.tables == (
        Table(
            TableRef(tmp_path.name, "public", "Thing"),
            (Column("id", "integer", False),),
            ("id",),
            defined_at=Location("schema.prisma", 1),
        ),
    )
    missing = ingest_prisma(tmp_path / "nope.prisma")
    assert [(d.severity, d.code) for d in missing.diagnostics] == [("error", "io-error")]


def test_demo_scan_shows_prisma_inferred_references() -> None:
    """The bundled demo: the communication schema's comments next to the declared FKs."""
    demo = Path(__file__).resolve().parents[3] / "examples" / "demo"
    inv = scan.scan([str(demo)])
    owner = {t.ref: t.owner or t.service for t in inv.tables}
    inferred = sorted(
        (fk.table.name, fk.columns[0], owner[fk.table], owner[fk.ref_table])
        for fk in inv.foreign_keys
        if fk.origin == "inferred"
    )
    assert inferred == [
        ("conversations", "participant1_id", "communication", "user"),
        ("conversations", "participant2_id", "communication", "user"),
        ("message_reads", "user_id", "communication", "user"),
        ("messages", "sender_id", "communication", "user"),
    ]
    assert any(fk.origin == "declared" and owner[fk.table] != owner[fk.ref_table] for fk in inv.foreign_keys)
