"""Hand-made inventories with ownership evidence, shared-table access and tables no service owns.

``owned_and_unowned()``: three services over one shared migration folder.

* auth holds ``users`` (written by auth's code) and ``sessions``; content holds
  ``posts`` and ``comments``; feed holds ``feed_items`` and ``local_users``, a
  replica of auth's users.
* ``audit_log`` and ``app_settings`` have no owner (two readers decided nothing).
* FKs: content -> auth (CASCADE), feed -> content (SET NULL), feed -> auth
  through the replica; four FKs point into the unowned tables (content 2, feed 1,
  and one between the two unowned tables).
* Shared access: feed reads content's posts and writes auth's users; content
  reads auth's users; notifier, a service with no tables, reads auth's users.

``only_unowned()``: two services whose only FKs point into unowned tables, so the
cross-service count is 0 and may be wrong.
"""

from __future__ import annotations

from model.inventory import (
    Column,
    Evidence,
    ForeignKey,
    Inventory,
    Location,
    Service,
    SharedAccess,
    Source,
    Table,
    TableRef,
)

DB = "db/migrations"
FILE = f"{DB}/001_init.sql"

#: table -> (service, replica_of, evidence)
TABLES: dict[str, tuple[str, str, tuple[Evidence, ...]]] = {
    "users": (
        "auth",
        "",
        (
            Evidence("code-write", "auth", "written by auth (auth/src/users.rs:41)", "auth/src/users.rs", 41),
            Evidence(
                "code-read",
                "content",
                "read by content (content/src/authors.rs:30)",
                "content/src/authors.rs",
                30,
            ),
        ),
    ),
    "sessions": ("auth", "", (Evidence("name-family", "auth", "named like users' family (user_ sessions)"),)),
    "posts": (
        "content",
        "",
        (
            Evidence(
                "code-write", "content", "written by content (content/src/db.rs:12)", "content/src/db.rs", 12
            ),
        ),
    ),
    "comments": (
        "content",
        "",
        (Evidence("fk-neighbourhood", "content", "every FK out of comments points into content's tables"),),
    ),
    "feed_items": (
        "feed",
        "",
        (Evidence("code-write", "feed", "written by feed (feed/src/feed.js:3)", "feed/src/feed.js", 3),),
    ),
    "local_users": (
        "feed",
        "auth",
        (
            Evidence(
                "replica-of",
                "auth",
                f"a copy of auth's users ({FILE}:1), same key (id)",
                FILE,
                51,
            ),
        ),
    ),
    "audit_log": (
        "",
        "",
        (
            Evidence(
                "code-read", "content", "read by content (content/src/audit.rs:9)", "content/src/audit.rs", 9
            ),
            Evidence("code-read", "feed", "read by feed (feed/src/audit.js:4)", "feed/src/audit.js", 4),
        ),
    ),
    "app_settings": ("", "", ()),
}

# (table, column, referenced table, on_delete)
FKS = [
    ("sessions", "user_id", "users", "CASCADE"),
    ("posts", "author_id", "users", "CASCADE"),
    ("comments", "post_id", "posts", "CASCADE"),
    ("feed_items", "post_id", "posts", "SET NULL"),
    ("feed_items", "user_id", "local_users", "NO ACTION"),
    ("posts", "setting_id", "app_settings", "NO ACTION"),
    ("comments", "audit_id", "audit_log", "NO ACTION"),
    ("feed_items", "audit_id", "audit_log", "SET NULL"),
    ("audit_log", "setting_id", "app_settings", "NO ACTION"),
]


def ref(name: str) -> TableRef:
    return TableRef(DB, "public", name)


def _table(i: int, name: str, service: str, replica_of: str, evidence: tuple[Evidence, ...]) -> Table:
    return Table(
        ref(name),
        columns=(Column("id", "uuid", False), Column("created_at", "timestamptz")),
        primary_key=("id",),
        defined_at=Location(FILE, 1 + 10 * i),
        service=service,
        replica_of=replica_of,
        owner_evidence=evidence,
    )


def _fks(spec: list[tuple[str, str, str, str]]) -> tuple[ForeignKey, ...]:
    fks = [
        ForeignKey(
            f"{t}_{c}_fkey", ref(t), (c,), ref(r), ("id",), on_delete=d, added_at=Location(FILE, 3 + i)
        )
        for i, (t, c, r, d) in enumerate(spec)
    ]
    return tuple(sorted(fks, key=lambda fk: (fk.table, fk.name)))


def owned_and_unowned() -> Inventory:
    """The three-service inventory of the module docstring."""
    tables = [_table(i, name, *spec) for i, (name, spec) in enumerate(TABLES.items())]
    shared = [
        SharedAccess(ref("posts"), "content", "feed", "read", "feed/src/timeline.js", 88),
        SharedAccess(ref("users"), "auth", "content", "read", "content/src/authors.rs", 30),
        SharedAccess(ref("users"), "auth", "feed", "write", "feed/src/follow.js", 12),
        SharedAccess(ref("users"), "auth", "notifier", "read", "notifier/src/main.rs", 5),
    ]
    return Inventory(
        tables=tuple(sorted(tables, key=lambda t: t.ref)),
        foreign_keys=_fks(FKS),
        services=(Service("auth"), Service("content"), Service("feed")),
        sources=(Source("migrations", "acme"),),
        shared_access=tuple(sorted(shared, key=lambda a: (a.table, a.service, a.access))),
    )


def only_unowned() -> Inventory:
    """Two services whose only FKs point into a table no service owns."""
    tables = [
        _table(
            0, "orders", "shop", "", (Evidence("config", "shop", "tables = ['orders'] of [services.shop]"),)
        ),
        _table(1, "invoices", "billing", "", ()),
        _table(2, "customers", "", "", ()),
    ]
    spec = [
        ("orders", "customer_id", "customers", "CASCADE"),
        ("invoices", "customer_id", "customers", "NO ACTION"),
    ]
    return Inventory(
        tables=tuple(sorted(tables, key=lambda t: t.ref)),
        foreign_keys=_fks(spec),
        services=(Service("billing"), Service("shop")),
        sources=(Source("migrations", "shop db"),),
    )
