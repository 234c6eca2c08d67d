"""merge() and resolve_external(): combining sources and the fails-on-a-fresh-database case."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.inventory import (
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
from ownership.config import Config, Replica, ServiceRule
from ownership.resolve import merge, resolve_external
from ownership.services import assign_services
from tests.helpers import not_none

AUTH = "services/auth/migrations"
MSG = "services/messaging/migrations"


def ref(db: str, name: str, schema: str = "public") -> TableRef:
    return TableRef(db, schema, name)


def auth_inventory() -> Inventory:
    return Inventory(
        tables=(
            Table(ref(AUTH, "sessions"), defined_at=Location(f"{AUTH}/001_init.sql", 9)),
            Table(ref(AUTH, "users"), defined_at=Location(f"{AUTH}/001_init.sql", 1)),
        ),
        foreign_keys=(
            ForeignKey(
                "sessions_user_id_fkey",
                ref(AUTH, "sessions"),
                ("user_id",),
                ref(AUTH, "users"),
                ("id",),
                added_at=Location(f"{AUTH}/001_init.sql", 11),
            ),
        ),
        diagnostics=(Diagnostic("warning", "b", f"{AUTH}/001_init.sql", 3, code="unsupported"),),
        migrations=(
            Migration(f"{AUTH}/001_init.sql", AUTH, 0, 0, "001", "init"),
            Migration(f"{AUTH}/002_more.sql", AUTH, 1, 1, "002", "more"),
        ),
        services=(Service("auth", ""),),
        sources=(Source("migrations", "services/auth"),),
    )


def messaging_inventory() -> Inventory:
    """Messaging's own migrations reference users(id): only auth's migrations create it."""
    return Inventory(
        tables=(
            Table(ref(MSG, "messages"), defined_at=Location(f"{MSG}/001_messaging_schema.sql", 1)),
            Table(ref(MSG, "users"), external=True),
        ),
        foreign_keys=(
            ForeignKey(
                "messages_sender_id_fkey",
                ref(MSG, "messages"),
                ("sender_id",),
                ref(MSG, "users"),
                ("id",),
                added_at=Location(f"{MSG}/001_messaging_schema.sql", 4),
            ),
        ),
        diagnostics=(Diagnostic("warning", "a", f"{MSG}/001_messaging_schema.sql", 2, code="unsupported"),),
        migrations=(Migration(f"{MSG}/001_messaging_schema.sql", MSG, 0, 0, "001", "messaging_schema"),),
        services=(Service("auth", "Identity"),),
        sources=(Source("migrations", "services/messaging"),),
    )


def test_merge_concatenates_sorts_and_renumbers() -> None:
    merged = merge([messaging_inventory(), auth_inventory()])
    assert [str(t.ref) for t in merged.tables] == [
        f"{AUTH}:public.sessions",
        f"{AUTH}:public.users",
        f"{MSG}:public.messages",
        f"{MSG}:public.users",
    ]
    assert [fk.name for fk in merged.foreign_keys] == ["sessions_user_id_fkey", "messages_sender_id_fkey"]
    assert [(m.path, m.ordinal, m.order) for m in merged.migrations] == [
        (f"{AUTH}/001_init.sql", 0, 0),
        (f"{AUTH}/002_more.sql", 1, 1),
        (f"{MSG}/001_messaging_schema.sql", 0, 2),
    ]
    assert [d.message for d in merged.diagnostics] == ["b", "a"]
    assert merged.services == (Service("auth", "Identity"),)
    assert merged.sources == (
        Source("migrations", "services/auth"),
        Source("migrations", "services/messaging"),
    )


def test_merge_is_order_independent_idempotent_and_deduplicates() -> None:
    a, b = auth_inventory(), messaging_inventory()
    ab = merge([a, b])
    assert merge([b, a]) == ab
    assert merge([a, b, a, b]) == ab
    assert merge([ab]) == ab
    assert merge([a]) == a
    assert merge([]) == Inventory()


def test_merge_reroots_sources_that_share_a_database_name() -> None:
    def one(source: str, table: str) -> Inventory:
        return Inventory(
            tables=(Table(ref("migrations", table), defined_at=Location("migrations/001.sql", 1)),),
            diagnostics=(
                Diagnostic("warning", "w", "migrations/001.sql", 2),
                Diagnostic("error", "dsn", "postgresql://u@h/db"),
            ),
            migrations=(Migration("migrations/001.sql", "migrations", 0, 0),),
            sources=(Source("migrations", source),),
        )

    merged = merge([one("./svc-a/", "orders"), one("svc-b", "invoices")])
    assert [str(t.ref) for t in merged.tables] == [
        "svc-a/migrations:public.orders",
        "svc-b/migrations:public.invoices",
    ]
    assert [t.defined_at for t in merged.tables] == [
        Location("svc-a/migrations/001.sql", 1),
        Location("svc-b/migrations/001.sql", 1),
    ]
    assert [(m.path, m.database, m.order) for m in merged.migrations] == [
        ("svc-a/migrations/001.sql", "svc-a/migrations", 0),
        ("svc-b/migrations/001.sql", "svc-b/migrations", 1),
    ]
    assert sorted(d.path for d in merged.diagnostics if d.message == "w") == [
        "svc-a/migrations/001.sql",
        "svc-b/migrations/001.sql",
    ]
    assert [d.path for d in merged.diagnostics if d.message == "dsn"] == ["postgresql://u@h/db"]
    notes = [d.message for d in merged.diagnostics if d.code == "renamed"]
    assert notes == [
        "database name(s) 'migrations' occur in several sources; the ones of 'svc-a' are shown as "
        "'svc-a/<name>' and its file paths as 'svc-a/<path>'",
        "database name(s) 'migrations' occur in several sources; the ones of 'svc-b' are shown as "
        "'svc-b/<name>' and its file paths as 'svc-b/<path>'",
    ]
    services = assign_services(merged, Config())
    assert [t.service for t in services.tables] == ["svc-a", "svc-b"]


def test_merge_reroots_root_level_sets_to_their_source() -> None:
    def root(source: str) -> Inventory:
        return Inventory(
            tables=(Table(ref(".", "t"), defined_at=Location("001.sql", 1)),),
            migrations=(Migration("001.sql", ".", 0, 0),),
            sources=(Source("migrations", source),),
        )

    merged = merge([root("services/auth/migrations"), root("services/chat/migrations")])
    assert [t.ref.database for t in merged.tables] == ["services/auth/migrations", "services/chat/migrations"]
    assert [t.service for t in assign_services(merged, Config()).tables] == ["auth", "chat"]
    same_label = merge([root("."), replace(root("."), sources=(Source("catalog", "."),))])
    assert [t.ref.database for t in same_label.tables] == ["source1", "source2"]


def test_merge_keeps_the_defined_table_when_sources_disagree() -> None:
    src = (Source("migrations", "x"),)
    defined = Table(ref("db", "users"), defined_at=Location("db/1.sql", 1))
    external = Table(ref("db", "users"), external=True)
    merged = merge([Inventory(tables=(external,), sources=src), Inventory(tables=(defined,), sources=src)])
    assert merged.tables == (defined,)
    assert [d.code for d in merged.diagnostics] == []
    other = replace(defined, defined_at=Location("db/2.sql", 5))
    merged = merge([Inventory(tables=(other,), sources=src), Inventory(tables=(defined,), sources=src)])
    assert merged.tables == (defined,)
    [warning] = merged.diagnostics
    assert (warning.severity, warning.code, warning.path, warning.line) == (
        "warning",
        "duplicate-table",
        "db/1.sql",
        1,
    )


def test_external_resolves_to_the_one_database_that_defines_it() -> None:
    inv = resolve_external(merge([auth_inventory(), messaging_inventory()]))
    stub = inv.table(ref(MSG, "users"))
    assert stub is not None and stub.resolved_to == ref(AUTH, "users")
    assert all(t.resolved_to is None for t in inv.tables if not t.external)
    assert resolve_external(inv) == inv
    assigned = assign_services(inv, Config())
    assert {str(t.ref): t.service for t in assigned.tables} == {
        f"{AUTH}:public.sessions": "auth",
        f"{AUTH}:public.users": "auth",
        f"{MSG}:public.messages": "messaging",
        f"{MSG}:public.users": "auth",
    }


def test_external_matches_by_name_in_any_schema_when_unique() -> None:
    auth = replace(auth_inventory(), tables=(Table(ref(AUTH, "users", "identity")),))
    inv = resolve_external(merge([auth, messaging_inventory()]))
    assert not_none(inv.table(ref(MSG, "users"))).resolved_to == ref(AUTH, "users", "identity")


def test_same_schema_beats_other_schemas() -> None:
    extra = Inventory(
        tables=(Table(ref("services/crm/migrations", "users", "crm")),), sources=(Source("m", "c"),)
    )
    inv = resolve_external(merge([auth_inventory(), messaging_inventory(), extra]))
    assert not_none(inv.table(ref(MSG, "users"))).resolved_to == ref(AUTH, "users")
    assert [d for d in inv.diagnostics if d.code == "ambiguous-external"] == []


def test_ambiguous_external_warns_and_stays_unresolved() -> None:
    crm = Inventory(
        tables=(Table(ref("services/crm/migrations", "users")),),
        migrations=(Migration("services/crm/migrations/001.sql", "services/crm/migrations", 0, 0),),
        sources=(Source("migrations", "services/crm"),),
    )
    inv = resolve_external(merge([auth_inventory(), messaging_inventory(), crm]))
    assert not_none(inv.table(ref(MSG, "users"))).resolved_to is None
    [warning] = [d for d in inv.diagnostics if d.code == "ambiguous-external"]
    assert (warning.severity, warning.path, warning.line, warning.excerpt) == (
        "warning",
        f"{MSG}/001_messaging_schema.sql",
        4,
        "public.users",
    )
    assert warning.message == (
        "public.users referenced in services/messaging/migrations is defined by 2 other databases "
        "(services/auth/migrations:public.users, services/crm/migrations:public.users); it is left "
        "unresolved, so its foreign keys are not linked to any of them (declare the copies as [[replicas]] "
        "in fkmap.toml to pick the original)"
    )
    assert resolve_external(inv) == inv  # the warning is not repeated


def test_a_declared_copy_gives_way_to_the_original() -> None:
    """phase-7b references users; auth's (legacy) users and messaging's shadow copy both define it."""
    legacy = "legacy/migrations"
    shadow = "services/messaging-service/migrations"
    phase = "services/messaging-service/phase-7b"
    inv = merge(
        [
            Inventory(
                tables=(Table(ref(legacy, "users"), defined_at=Location(f"{legacy}/001_auth_schema.sql", 3)),)
            ),
            Inventory(
                tables=(Table(ref(shadow, "users"), defined_at=Location(f"{shadow}/000001_users.up.sql", 1)),)
            ),
            Inventory(tables=(Table(ref(phase, "users"), external=True),)),
        ]
    )
    unresolved = resolve_external(inv)
    assert not_none(unresolved.table(ref(phase, "users"))).resolved_to is None
    assert [d.code for d in unresolved.diagnostics] == ["ambiguous-external"]
    cfg = Config(
        services=(ServiceRule("auth", paths=("legacy/migrations/*_auth_*.sql",)), ServiceRule("messaging")),
        replicas=(Replica(f"{shadow}:public.users", "auth"),),
    )
    resolved = resolve_external(inv, config=cfg)
    assert not_none(resolved.table(ref(phase, "users"))).resolved_to == ref(legacy, "users")
    assert resolved.diagnostics == ()
    # assign_services re-resolves with its config, whatever ran before it
    assigned = assign_services(unresolved, cfg)
    stub = assigned.table(ref(phase, "users"))
    assert stub is not None and (stub.resolved_to, stub.service) == (ref(legacy, "users"), "auth")
    assert [d.code for d in assigned.diagnostics] == []
    only_copies = Config(replicas=(Replica("users", "auth"),))  # every candidate is a copy: still ambiguous
    assert not_none(resolve_external(inv, config=only_copies).table(ref(phase, "users"))).resolved_to is None


def test_candidates_of_the_same_kind_win() -> None:
    catalog = Inventory(
        tables=(Table(ref("auth_db", "users")),), sources=(Source("catalog", "postgresql://h/auth_db"),)
    )
    inv = resolve_external(merge([auth_inventory(), messaging_inventory(), catalog]))
    assert not_none(inv.table(ref(MSG, "users"))).resolved_to == ref(AUTH, "users")


def test_dropped_and_external_tables_define_nothing() -> None:
    auth = auth_inventory()
    dropped = replace(auth, tables=tuple(replace(t, dropped_at=Location("x.sql", 1)) for t in auth.tables))
    inv = resolve_external(merge([dropped, messaging_inventory()]))
    assert not_none(inv.table(ref(MSG, "users"))).resolved_to is None
    other_stub = Inventory(tables=(Table(ref("services/x/migrations", "users"), external=True),))
    inv = resolve_external(merge([messaging_inventory(), other_stub]))
    assert all(t.resolved_to is None for t in inv.tables)
    assert inv.diagnostics == messaging_inventory().diagnostics


def test_stale_resolution_is_cleared() -> None:
    stale = replace(
        messaging_inventory(),
        tables=tuple(
            replace(t, resolved_to=ref(AUTH, "users")) if t.external else t
            for t in messaging_inventory().tables
        ),
    )
    assert resolve_external(stale) == messaging_inventory()


REFS = st.builds(
    TableRef,
    st.sampled_from(["a", "b", "c/migrations", "."]),
    st.sampled_from(["public", "x"]),
    st.sampled_from(["users", "posts"]),
)
TABLE = st.builds(Table, REFS, external=st.booleans(), dropped_at=st.none() | st.just(Location("f.sql", 1)))
FK = st.builds(
    ForeignKey,
    st.sampled_from(["f1", "f2"]),
    REFS,
    st.just(("c",)),
    REFS,
    st.just(("id",)),
    added_at=st.none() | st.builds(Location, st.sampled_from(["a.sql", "b.sql"]), st.integers(0, 3)),
)
INVENTORY = st.builds(
    Inventory,
    tables=st.lists(TABLE, max_size=5, unique_by=lambda t: t.ref).map(tuple),
    foreign_keys=st.lists(FK, max_size=4).map(tuple),
    migrations=st.lists(
        st.builds(
            Migration,
            st.sampled_from(["a.sql", "b.sql"]),
            st.sampled_from(["a", "."]),
            st.integers(0, 2),
            st.integers(0, 2),
        ),
        max_size=3,
    ).map(tuple),
    sources=st.lists(
        st.builds(Source, st.sampled_from(["migrations", "catalog"]), st.sampled_from([".", "s", ""])),
        max_size=2,
    ).map(tuple),
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(INVENTORY, max_size=3))
def test_merge_and_resolve_never_raise_and_are_stable(invs: list[Inventory]) -> None:
    merged = merge(invs)
    assert merge([merged]) == merged
    assert [m.order for m in merged.migrations] == list(range(len(merged.migrations)))
    assert len({t.ref for t in merged.tables}) == len(merged.tables)
    resolved = resolve_external(merged)
    assert resolve_external(resolved) == resolved
    defined = {t.ref for t in resolved.tables if not t.external and t.dropped_at is None}
    for t in resolved.tables:
        assert t.resolved_to is None or (t.external and t.resolved_to in defined)
    assign_services(resolved, Config())
