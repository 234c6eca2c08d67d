"""The text report's ownership parts: the headline never hides FKs whose coupling is unknown."""

from __future__ import annotations

from exports.text_report import render_table
from model.inventory import Evidence, ForeignKey, Inventory, Location, SharedAccess, Source, Table, TableRef

USERS, POSTS, AUDIT = (TableRef("db", "public", n) for n in ("users", "posts", "audit"))


def _fk(table: TableRef, target: TableRef, line: int) -> ForeignKey:
    return ForeignKey(
        f"{table.name}_fkey", table, ("user_id",), target, ("id",), added_at=Location("db/1.sql", line)
    )


def test_an_fk_out_of_an_unowned_table_is_said_in_the_headline_and_listed() -> None:
    inv = Inventory(
        tables=(Table(USERS, service="auth"), Table(AUDIT)),
        foreign_keys=(_fk(AUDIT, USERS, 7),),
        sources=(Source("migrations", "my repo"),),
    )
    blocks = render_table(inv).split("\n\n")
    assert blocks[0].splitlines()[1] == (
        "No cross-service foreign keys between owned tables, but that may be wrong: "
        "1 foreign key comes from tables no service owns, and any of them may cross services."
    )
    assert blocks[1] == (
        "Foreign keys from tables no service owns into owned ones: 1 FK\n"
        "    (no service) -> auth: audit.user_id -> users(id)  NO ACTION  db/1.sql:7\n"
        "  Next step: run `fkmap init 'my repo' -o fkmap.toml`, review it, commit it."
    )


def test_unowned_tables_show_the_evidence_that_did_not_decide() -> None:
    read = (
        Evidence("code-read", "a", "read by a (a.py:1)", "a.py", 1),
        Evidence("code-read", "b", "read by b"),
    )
    inv = Inventory(
        tables=(Table(USERS, owner_evidence=read), Table(POSTS, service="content")),
        foreign_keys=(_fk(POSTS, USERS, 3), _fk(POSTS, USERS, 4)),
    )
    text = render_table(inv)
    assert text.split("\n", 2)[1] == (
        "No cross-service foreign keys between owned tables, but that may be wrong: "
        "2 foreign keys point into 1 table no service owns, and any of them may cross services."
    )
    evidence = "code-read: read by a (a.py:1); code-read: read by b"
    assert f"  db:public.users  defined in a catalog; evidence: {evidence}\n" in text
    assert "  Next step: run `fkmap init <sources> -o fkmap.toml`, review it, commit it." in text


def test_nothing_unowned_nothing_shared_keeps_the_report_as_it_was() -> None:
    inv = Inventory(
        tables=(Table(USERS, service="auth"), Table(POSTS, service="content")),
        foreign_keys=(_fk(POSTS, USERS, 3),),
    )
    text = render_table(inv)
    assert "no service owns" not in text and "Shared tables" not in text
    assert render_table(Inventory()).startswith(
        "Scanned 0 sources: 0 services, 0 tables, 0 foreign keys.\nNo cross-service foreign keys.\n"
    )


def test_names_in_the_ownership_sections_are_escaped() -> None:
    evil = TableRef("db", "public", "x\x1b[31m\ny")
    inv = Inventory(
        tables=(Table(evil), Table(POSTS, service="con\ntent")),
        foreign_keys=(_fk(POSTS, evil, 2),),
        shared_access=(SharedAccess(POSTS, "con\ntent", "fe\u202eed", "read", "a\nb.py", 1),),
    )
    text = render_table(inv)
    assert "\x1b" not in text and "\u202e" not in text
    assert "db:public.x\\x1b[31m\\x0ay  defined in a catalog; no evidence of an owner" in text
    assert "  fe\\u202eed -> con\\x0atent (1 table)\n    posts  read  a\\x0ab.py:1" in text
