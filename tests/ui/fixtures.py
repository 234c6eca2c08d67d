"""Hand-made inventories for the dashboard tests (no ingest needed).

``six_services()`` follows the seed inventory: one shared migration folder, six
services, 18 tables, cross-service FKs into ``auth``'s ``users`` with CASCADE,
SET NULL and NO ACTION, one FK dropped later (remediated), one inferred
reference and two diagnostics. ``hostile()`` holds names that look like HTML.
"""

from __future__ import annotations

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

DB = "backend/migrations"

SERVICES = {
    "auth": ("users", "sessions", "user_profiles"),
    "messaging": ("conversations", "conversation_participants", "messages"),
    "content": ("posts", "post_shares", "bookmarks", "bookmark_collections"),
    "stories": ("stories", "story_views", "story_close_friends"),
    "streaming": ("streams", "viewer_sessions"),
    "experiments": ("experiments", "experiment_assignments", "experiment_events"),
}
FILES = {
    "auth": "001_auth_schema.sql",
    "messaging": "018_messaging_schema.sql",
    "content": "003_posts_schema.sql",
    "stories": "019_stories_schema.sql",
    "streaming": "013_streaming_stream_table.sql",
    "experiments": "033_experiments_schema.sql",
}

# (table, column, ref table, on_delete, line)
FKS = [
    ("sessions", "user_id", "users", "CASCADE", 12),
    ("user_profiles", "user_id", "users", "CASCADE", 20),
    ("conversations", "created_by", "users", "NO ACTION", 5),
    ("conversation_participants", "conversation_id", "conversations", "CASCADE", 12),
    ("conversation_participants", "user_id", "users", "CASCADE", 13),
    ("messages", "conversation_id", "conversations", "CASCADE", 20),
    ("messages", "sender_id", "users", "NO ACTION", 21),
    ("posts", "user_id", "users", "CASCADE", 4),
    ("post_shares", "post_id", "posts", "CASCADE", 10),
    ("post_shares", "user_id", "users", "CASCADE", 11),
    ("post_shares", "shared_with_user_id", "users", "SET NULL", 13),
    ("bookmarks", "user_id", "users", "CASCADE", 20),
    ("bookmarks", "post_id", "posts", "CASCADE", 21),
    ("bookmark_collections", "user_id", "users", "CASCADE", 30),
    ("stories", "user_id", "users", "CASCADE", 4),
    ("story_views", "story_id", "stories", "CASCADE", 10),
    ("story_views", "viewer_id", "users", "CASCADE", 11),
    ("story_close_friends", "owner_id", "users", "CASCADE", 18),
    ("story_close_friends", "friend_id", "users", "CASCADE", 19),
    ("stories", "post_id", "posts", "SET NULL", 6),
    ("streams", "broadcaster_id", "users", "CASCADE", 3),
    ("viewer_sessions", "viewer_id", "users", "SET NULL", 3),
    ("viewer_sessions", "stream_id", "streams", "CASCADE", 4),
    ("experiments", "created_by", "users", "SET NULL", 8),
    ("experiment_assignments", "experiment_id", "experiments", "CASCADE", 15),
    ("experiment_assignments", "user_id", "users", "CASCADE", 16),
    ("experiment_events", "experiment_id", "experiments", "CASCADE", 22),
    ("experiment_events", "user_id", "users", "CASCADE", 23),
]


def ref(name: str, db: str = DB) -> TableRef:
    return TableRef(db, "public", name)


def _service(table: str) -> str:
    return next(s for s, names in SERVICES.items() if table in names)


def six_services() -> Inventory:
    """The realistic 6-service inventory described in the module docstring."""
    tables = []
    for service, names in SERVICES.items():
        for i, name in enumerate(names):
            cols = (Column("id", "uuid", False), Column("created_at", "timestamptz"))
            tables.append(
                Table(
                    ref(name),
                    columns=cols,
                    primary_key=("id",),
                    defined_at=Location(f"{DB}/{FILES[service]}", 1 + 10 * i),
                    service=service,
                )
            )
    fks = []
    for table, column, target, on_delete, line in FKS:
        service = _service(table)
        dropped = None
        if (table, column) == ("messages", "sender_id"):
            dropped = Location(f"{DB}/060_drop_messaging_fks.sql", 2)
        fks.append(
            ForeignKey(
                name=f"{table}_{column}_fkey",
                table=ref(table),
                columns=(column,),
                ref_table=ref(target),
                ref_columns=("id",),
                on_delete=on_delete,
                added_at=Location(f"{DB}/{FILES[service]}", line),
                dropped_at=dropped,
            )
        )
    fks.append(
        ForeignKey(
            name="experiment_events_session_id_inferred",
            table=ref("experiment_events"),
            columns=("session_id",),
            ref_table=ref("sessions"),
            ref_columns=("id",),
            origin="inferred",
        )
    )
    diagnostics = (
        Diagnostic(
            "warning",
            "unsupported statement skipped",
            f"{DB}/019_stories_schema.sql",
            40,
            "CREATE TRIGGER story_expiry ...",
            "unsupported",
        ),
        Diagnostic(
            "error",
            "syntax error at or near ')'",
            f"{DB}/052_add_post_share_and_bookmark.sql",
            7,
            "share_via VARCHAR(50),)",
            "parse-error",
        ),
    )
    migrations = tuple(
        Migration(f"{DB}/{f}", DB, i, i, f[:3], f[4:-4]) for i, f in enumerate(sorted(FILES.values()))
    )
    return Inventory(
        tables=tuple(sorted(tables, key=lambda t: t.ref)),
        foreign_keys=tuple(sorted(fks, key=lambda fk: (fk.table, fk.name))),
        diagnostics=diagnostics,
        migrations=migrations,
        services=tuple(Service(s, f"{s} service") for s in SERVICES),
        sources=(Source("migrations", "backend"),),
    )


HOSTILE = "<img src=x onerror=alert(1)>"
HOSTILE_SERVICE = "<script>alert(2)</script>"


def hostile() -> Inventory:
    """Two services whose table and service names are HTML/script payloads."""
    evil = Table(ref(HOSTILE, "evil"), service=HOSTILE_SERVICE, defined_at=Location("evil/001.sql", 1))
    users = Table(ref("users", "auth"), service="auth", defined_at=Location("auth/001.sql", 1))
    fk = ForeignKey(
        name="<b>fk</b>",
        table=evil.ref,
        columns=("<i>user_id</i>",),
        ref_table=users.ref,
        ref_columns=("id",),
        on_delete="CASCADE",
        added_at=Location("evil/001.sql", 3),
    )
    diag = Diagnostic("warning", "<script>alert(3)</script>", "evil/001.sql", 9, "<svg onload=alert(4)>", "x")
    return Inventory(
        tables=tuple(sorted((evil, users), key=lambda t: t.ref)),
        foreign_keys=(fk,),
        diagnostics=(diag,),
        services=(Service("auth"), Service(HOSTILE_SERVICE)),
    )


def generated(tables: int, services: int = 40, *, seed: int = 1) -> Inventory:
    """A synthetic inventory of ``tables`` tables in ``services`` services (bench and scale tests).

    Each table has one or two FKs into earlier tables; about one in six points
    into another service, with a mix of ON DELETE actions. Deterministic for a seed.
    """
    import random

    rng = random.Random(seed)
    actions = ("CASCADE", "NO ACTION", "SET NULL", "RESTRICT", "CASCADE", "NO ACTION")
    names = [f"svc_{i:02d}" for i in range(services)]
    all_tables: list[Table] = []
    by_service: dict[str, list[Table]] = {s: [] for s in names}
    for i in range(tables):
        service = names[i % services]
        t = Table(
            TableRef(f"{service}/migrations", "public", f"{service}_table_{i:05d}"),
            primary_key=("id",),
            defined_at=Location(f"{service}/migrations/{i:05d}_create.sql", 1),
            service=service,
        )
        all_tables.append(t)
        by_service[service].append(t)
    fks = []
    for t in all_tables:
        own = by_service[t.service]
        for j in range(rng.choice((1, 1, 2))):
            if rng.random() < 1 / 6:
                target = rng.choice(all_tables)
            else:
                target = rng.choice(own[: max(1, own.index(t))])
            if target is t:
                continue
            fks.append(
                ForeignKey(
                    name=f"{t.ref.name}_{j}_fkey",
                    table=t.ref,
                    columns=(f"ref_{j}_id",),
                    ref_table=target.ref,
                    ref_columns=("id",),
                    on_delete=rng.choice(actions),
                    added_at=Location(t.defined_at.path if t.defined_at else "", 3 + j),
                )
            )
    return Inventory(
        tables=tuple(sorted(all_tables, key=lambda t: t.ref)),
        foreign_keys=tuple(sorted(fks, key=lambda fk: (fk.table, fk.name))),
        services=tuple(Service(s) for s in names),
        sources=(Source("inventory", f"generated-{tables}"),),
    )
