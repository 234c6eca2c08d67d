"""A small hand-built inventory for the export tests (no ingest needed).

Three services in three migration sets:

* ``auth``: ``users``, ``sessions`` (sessions -> users CASCADE, internal).
* ``content``: ``posts`` -> auth users (ON DELETE CASCADE, through the external
  stub ``content:public.users`` that resolves to auth's table, so a fresh
  content database fails), ``comments`` -> posts (CASCADE: the chain
  users -> posts -> comments), ``comments.author_id`` -> users (SET NULL), an
  inferred ``comments.conversation_id`` -> messaging, and a hostile table whose
  names carry quotes, pipes, markup, a newline and formula starters.
* ``messaging``: a local ``users`` replica owned by auth; ``conversations`` ->
  replica (NO ACTION), ``messages`` -> conversations (CASCADE) and a
  ``messages.sender_id`` -> replica FK that a later migration dropped.
"""

from __future__ import annotations

from typing import Unpack

from model.inventory import (
    Column,
    Diagnostic,
    ForeignKey,
    Inventory,
    Location,
    Migration,
    Service,
    Source,
    Table,
    TableRef,
)
from tests.helpers import FkOptions

AUTH = "services/auth/migrations"
CONTENT = "services/content/migrations"
MSG = "services/messaging/migrations"

HOSTILE_TABLE = 'Ev"il|<b>[x]*_`t`\n-- x'
HOSTILE_COLUMN = "=HYPERLINK(1)"
HOSTILE_FK = '@fk"|name'


def ref(db: str, name: str) -> TableRef:
    return TableRef(db, "public", name)


def loc(db: str, file: str, line: int) -> Location:
    return Location(f"{db}/{file}", line)


def small_inventory() -> Inventory:
    """The fixture inventory (services assigned, external refs resolved)."""
    users = ref(AUTH, "users")
    tables = [
        Table(
            users,
            (Column("id", "uuid", False),),
            ("id",),
            defined_at=loc(AUTH, "001_init.sql", 1),
            service="auth",
        ),
        Table(ref(AUTH, "sessions"), defined_at=loc(AUTH, "001_init.sql", 8), service="auth"),
        Table(ref(CONTENT, "posts"), defined_at=loc(CONTENT, "001_posts.sql", 1), service="content"),
        Table(ref(CONTENT, "comments"), defined_at=loc(CONTENT, "002_comments.sql", 1), service="content"),
        Table(ref(CONTENT, HOSTILE_TABLE), defined_at=loc(CONTENT, "003_evil.sql", 1), service="content"),
        Table(ref(CONTENT, "users"), external=True, service="auth", resolved_to=users),
        Table(
            ref(MSG, "users"), defined_at=loc(MSG, "001_chat.sql", 1), service="messaging", replica_of="auth"
        ),
        Table(ref(MSG, "conversations"), defined_at=loc(MSG, "001_chat.sql", 6), service="messaging"),
        Table(ref(MSG, "messages"), defined_at=loc(MSG, "001_chat.sql", 12), service="messaging"),
    ]

    def fk(
        name: str,
        db: str,
        table: str,
        cols: tuple[str, ...],
        ref_db: str,
        ref_name: str,
        where: Location,
        dropped_at: Location | None = None,
        **kw: Unpack[FkOptions],
    ) -> ForeignKey:
        return ForeignKey(
            name,
            ref(db, table),
            cols,
            ref(ref_db, ref_name),
            ("id",),
            added_at=where,
            dropped_at=dropped_at,
            **kw,
        )

    fks = [
        fk(
            "sessions_user_id_fkey",
            AUTH,
            "sessions",
            ("user_id",),
            AUTH,
            "users",
            loc(AUTH, "001_init.sql", 10),
            on_delete="CASCADE",
        ),
        fk(
            "posts_user_id_fkey",
            CONTENT,
            "posts",
            ("user_id",),
            CONTENT,
            "users",
            loc(CONTENT, "001_posts.sql", 3),
            on_delete="CASCADE",
        ),
        fk(
            "comments_post_id_fkey",
            CONTENT,
            "comments",
            ("post_id",),
            CONTENT,
            "posts",
            loc(CONTENT, "002_comments.sql", 3),
            on_delete="CASCADE",
        ),
        fk(
            "comments_author_id_fkey",
            CONTENT,
            "comments",
            ("author_id",),
            CONTENT,
            "users",
            loc(CONTENT, "002_comments.sql", 4),
            on_delete="SET NULL",
        ),
        fk(
            "comments_conversation_id",
            CONTENT,
            "comments",
            ("conversation_id",),
            MSG,
            "conversations",
            loc(CONTENT, "002_comments.sql", 5),
            origin="inferred",
        ),
        fk(
            HOSTILE_FK,
            CONTENT,
            HOSTILE_TABLE,
            (HOSTILE_COLUMN, "+x"),
            CONTENT,
            "users",
            loc(CONTENT, "003_evil.sql", 4),
        ),
        fk(
            "conversations_created_by_fkey",
            MSG,
            "conversations",
            ("created_by",),
            MSG,
            "users",
            loc(MSG, "001_chat.sql", 8),
        ),
        fk(
            "messages_conversation_id_fkey",
            MSG,
            "messages",
            ("conversation_id",),
            MSG,
            "conversations",
            loc(MSG, "001_chat.sql", 14),
            on_delete="CASCADE",
        ),
        fk(
            "messages_sender_id_fkey",
            MSG,
            "messages",
            ("sender_id",),
            MSG,
            "users",
            loc(MSG, "001_chat.sql", 15),
            dropped_at=loc(MSG, "002_drop_sender_fk.sql", 1),
        ),
    ]
    fks.sort(key=lambda f: (f.table, f.name))
    return Inventory(
        tables=tuple(sorted(tables, key=lambda t: t.ref)),
        foreign_keys=tuple(fks),
        diagnostics=(
            Diagnostic(
                "error",
                'syntax error at or near "TABEL"',
                f"{CONTENT}/004_broken.sql",
                2,
                "CREATE TABEL x (",
                "parse-error",
            ),
            Diagnostic(
                "warning", "table audit_log has no service", f"{AUTH}/001_init.sql", 20, "", "no-service"
            ),
        ),
        migrations=(
            Migration(f"{AUTH}/001_init.sql", AUTH, 0, 0, "001", "init"),
            Migration(f"{CONTENT}/001_posts.sql", CONTENT, 0, 1, "001", "posts"),
            Migration(f"{CONTENT}/002_comments.sql", CONTENT, 1, 2, "002", "comments"),
            Migration(f"{CONTENT}/003_evil.sql", CONTENT, 2, 3, "003", "evil"),
            Migration(f"{MSG}/001_chat.sql", MSG, 0, 4, "001", "chat"),
            Migration(f"{MSG}/002_drop_sender_fk.sql", MSG, 1, 5, "002", "drop_sender_fk"),
        ),
        services=(
            Service("auth", "Identity and sessions"),
            Service("content", "Posts and comments"),
            Service("messaging", "Conversations"),
        ),
        sources=(Source("migrations", "fixture"),),
    )


def hostile_inventory() -> Inventory:
    """Hostile names everywhere: services, schemas, tables, columns and FK names."""
    bad_a = 'a"b\\c<script>alert(1)</script>|`*_[x]'
    bad_b = "=cmd|' /C calc'!A0\n# heading"
    t1 = TableRef('db"1', 'sch"ema', "t1" + bad_a)
    t2 = TableRef("db:2", "s.2", "@t2" + bad_b)
    return Inventory(
        tables=(Table(t1, service="svc" + bad_a), Table(t2, service="-svc" + bad_b)),
        foreign_keys=(
            ForeignKey(
                "+fk" + bad_a,
                t1,
                ("-c" + bad_b,),
                t2,
                ("@id" + bad_a,),
                on_delete="CASCADE",
                added_at=Location("path" + bad_b, 3),
            ),
        ),
        diagnostics=(Diagnostic("warning", "bad " + bad_a, "p" + bad_b, 1, bad_a, "code" + bad_a),),
        services=(Service("svc" + bad_a), Service("-svc" + bad_b)),
        sources=(Source("migrations", bad_a),),
    )
