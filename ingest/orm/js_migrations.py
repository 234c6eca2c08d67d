"""JavaScript/TypeScript migration files (Sequelize, TypeORM, Knex) -> DDL operations, in call order.

:func:`migration_ops` reads the ``up`` function of a file (:func:`~ingest.orm.common_js.up_bodies`)
and turns each schema call in it, in text order, into :mod:`ingest.migrations.ops`: the calls
of Sequelize's ``queryInterface`` (:mod:`ingest.orm.sequelize_migrations`), TypeORM's
``queryRunner`` (:mod:`ingest.orm.typeorm_migrations`) and Knex's ``knex.schema``
(:mod:`ingest.orm.knex`) are told apart by their method and the shape of their arguments. Calls
every stack shares are read here: ``dropTable``/``dropTableIfExists``, ``renameTable``, and the SQL
of ``queryRunner.query(...)``, ``queryInterface.sequelize.query(...)`` and ``knex.raw(...)``,
which goes through the SQL ingester with the string's ``path:line`` (only text that starts like
a statement that changes something: ``SELECT`` and expressions such as ``knex.raw('now()')`` are
no migration step; a statement naming a ``${...}`` that is no constant is skipped; the bound
parameters of a call given ``{ replacements }`` or ``{ bind }`` -- ``:name``, ``?``, ``$1`` -- are
values, :func:`~ingest.orm.sql_params.bind_parameters`). A call whose table is no constant is
reported (``orm-unreadable``).

>>> from ingest.orm.common_js import parse_js
>>> f = parse_js(b'''export class Init1700000000000 {
...   async up(queryRunner) {
...     await queryRunner.query(`CREATE TABLE users (id int PRIMARY KEY)`);
...     await queryRunner.query(`CREATE TABLE posts (id int, user_id int REFERENCES users (id))`);
...   }
...   async down(queryRunner) { await queryRunner.query(`DROP TABLE posts`); }
... }''', "src/migrations/1700000000000-Init.ts", "typescript")
>>> ops, diags = migration_ops(f, None)
>>> [(type(op).__name__, op.line) for op in ops], diags
([('CreateTable', 3), ('CreateTable', 4)], [])
"""

from __future__ import annotations

from collections.abc import Callable

from ingest.migrations.ops import DropTable, Op, RenameTable
from ingest.orm import knex, sequelize_migrations, typeorm_migrations
from ingest.orm.common_js import PLACEHOLDER, Call, JsFile, calls, line, sql_ops, text, up_bodies
from ingest.orm.js_steps import Out, qname, schema_of
from ingest.orm.sql_params import bind_parameters
from model.inventory import Diagnostic

__all__ = ["migration_ops"]

_SQL_WORDS = frozenset(
    {"create", "alter", "drop", "comment", "do", "set", "insert", "update", "delete", "truncate", "grant"}
    | {"revoke", "rename", "begin", "with", "reset", "--", "/*"}
)


def _sql(out: Out, c: Call) -> bool:
    node = c.args[0] if c.args else None
    sql = out.f.string(node)
    if sql is None or node is None:
        return False
    head = sql.lstrip(" \t\r\n(;")
    if not any(head[: len(w)].lower() == w and not head[len(w) : len(w) + 1].isalnum() for w in _SQL_WORDS):
        return True  # a query, or an expression: nothing to replay
    resolved = out.f.resolve(node) or node
    start = line(resolved) if resolved.type in ("string", "template_string") else line(node)
    if len(c.args) > 1 and {"replacements", "bind"} & out.f.obj(c.args[1]).keys():
        sql = bind_parameters(sql)
    ops, diags = sql_ops(sql, out.f.rel, start, out.dialect)
    out.diagnostics.extend(diags)
    for op in ops:
        if PLACEHOLDER in repr(op):  # a name known only at run time: no guess
            message = "the statement names a value known only at run time (${...}); skipped"
            excerpt = " ".join(op.text.split())[:120]
            out.diagnostics.append(
                Diagnostic("warning", message, out.f.rel, op.line, excerpt, "orm-unreadable")
            )
        else:
            out.ops.append(op)
    return True


def _drop(out: Out, c: Call) -> bool:
    if not c.args:
        return False
    table = out.table(c, 0, schema_of(out, c))
    if table is not None:
        cascade = out.f.boolean(out.f.obj(c.args[1] if len(c.args) > 1 else None).get("cascade")) is True
        if_exists = (
            c.method == "dropTableIfExists" or out.f.boolean(c.args[1] if len(c.args) > 1 else None) is True
        )
        out.ops.append(DropTable((table,), if_exists, cascade, line=c.line, text=text(c.node)))
    return True


def _rename(out: Out, c: Call) -> bool:
    if len(c.args) < 2:
        return False
    old, new = out.table(c, 0, schema_of(out, c)), out.f.string(c.args[1])
    if old is not None and new:
        out.ops.append(RenameTable(old, qname(new).name, line=c.line, text=text(c.node)))
    elif old is not None:
        out.unreadable(c, "the new name")
    return True


Handler = Callable[[Out, Call], bool]


def _handlers() -> dict[str, list[Handler]]:
    table: dict[str, list[Handler]] = {
        "query": [_sql],
        "raw": [_sql],
        "dropTable": [_drop],
        "dropTableIfExists": [_drop],
        "renameTable": [_rename],
    }
    for module in (typeorm_migrations, knex, sequelize_migrations):
        for method, handler in module.HANDLERS.items():
            table.setdefault(method, []).insert(0, handler)
    return table


def migration_ops(f: JsFile, dialect: str | None) -> tuple[list[Op], list[Diagnostic]]:
    """The operations of the ``up`` function(s) of ``f`` in call order, and the diagnostics met."""
    handlers = _handlers()
    out = Out(f, dialect)
    for body in up_bodies(f):
        for c in calls(f, body, handlers):
            if out.inside_done(c):
                continue
            for handler in handlers[c.method]:
                if handler(out, c):
                    break
    return out.ops, out.diagnostics
