"""sqlglot expressions -> neutral operations, for :mod:`ingest.migrations.sqlglot_dialects`.

``CREATE TABLE`` (columns, inline ``REFERENCES``, table-level keys, ``LIKE``), ``ALTER
TABLE`` actions, ``DROP TABLE``/``DATABASE`` and MySQL's ``RENAME TABLE a TO b, ...``
(which sqlglot leaves a ``Command``). Names keep the case they are written in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from sqlglot import exp

from ingest.migrations import ops as o
from ingest.migrations.split import MYSQL_DIALECTS, Statement
from model.inventory import Column, Diagnostic

__all__ = ["alter", "create", "diag", "drop", "rename_tables"]

_RENAME_PAIR = re.compile(r"(?is)\s*(.+?)\s+TO\s+(.+?)\s*\Z")
_ACTION = re.compile(r"(?i)ON\s+(DELETE|UPDATE)\s+(NO\s+ACTION|RESTRICT|CASCADE|SET\s+NULL|SET\s+DEFAULT)")


def diag(st: Statement, path: str, severity: str, code: str, message: str, line: int = 0) -> Diagnostic:
    line = line or st.line
    return Diagnostic(severity, message, path, line, o.excerpt_at(st.text, st.line, line), code)  # type: ignore[arg-type]


def _qname(table: exp.Expression) -> o.QName:
    db = table.args.get("db")
    return o.QName(db.name if db is not None else None, table.name)


def _names(items: list[exp.Expression] | None) -> tuple[str, ...]:
    return tuple(i.name for i in items or ())


def _fk(
    reference: exp.Expression,
    columns: tuple[str, ...],
    name: str | None,
    fk: exp.Expression | None,
    line: int,
) -> o.FKSpec:
    target = reference.this
    ref_columns: tuple[str, ...] = ()
    if isinstance(target, exp.Schema):
        ref_columns = _names(target.expressions)
        target = target.this
    actions = {"DELETE": "NO ACTION", "UPDATE": "NO ACTION"}
    options = [str(x) for x in reference.args.get("options") or ()]
    if fk is not None:
        options += [f"ON {k.upper()} {fk.args[k]}" for k in ("delete", "update") if fk.args.get(k)]
    for option in options:
        for m in _ACTION.finditer(option):
            actions[m.group(1).upper()] = " ".join(m.group(2).upper().split())
    return o.FKSpec(
        name,
        columns,
        _qname(target),
        ref_columns,
        on_delete=actions["DELETE"],
        on_update=actions["UPDATE"],
        line=line,
    )


def _column(
    cd: exp.ColumnDef, dialect: str, lines: Iterator[int]
) -> tuple[Column, list[o.ConstraintSpec], list[o.FKSpec]]:
    name = cd.name
    kind = cd.args.get("kind")
    nullable = True
    cons: list[o.ConstraintSpec] = []
    fks: list[o.FKSpec] = []
    for cc in cd.args.get("constraints") or ():
        k = cc.args.get("kind") if isinstance(cc, exp.ColumnConstraint) else cc
        if isinstance(k, exp.NotNullColumnConstraint):
            nullable = bool(k.args.get("allow_null"))
        elif isinstance(k, exp.PrimaryKeyColumnConstraint):
            cons.append(o.ConstraintSpec("p", None, (name,)))
        elif isinstance(k, exp.UniqueColumnConstraint):
            cons.append(o.ConstraintSpec("u", None, (name,)))
        elif isinstance(k, exp.Reference):
            fks.append(_fk(k, (name,), None, None, next(lines)))
    typ = kind.sql(dialect=dialect).lower() if kind is not None else ""
    return Column(name, typ, nullable), cons, fks


def _table_element(
    e: exp.Expression, lines: Iterator[int], name: str | None = None
) -> tuple[list[o.ConstraintSpec], list[o.FKSpec]]:
    """A table-level constraint (possibly wrapped in ``CONSTRAINT name``)."""
    if isinstance(e, exp.Constraint):
        cons: list[o.ConstraintSpec] = []
        fks: list[o.FKSpec] = []
        for inner in e.expressions:
            c, f = _table_element(inner, lines, e.name or None)
            cons += c
            fks += f
        return cons, fks
    if isinstance(e, exp.ForeignKey):
        ref = e.args.get("reference")
        if ref is None:
            return [], []
        return [], [_fk(ref, _names(e.expressions), name, e, next(lines))]
    if isinstance(e, exp.PrimaryKey):
        return [o.ConstraintSpec("p", name, _names(e.expressions))], []
    if isinstance(e, exp.UniqueColumnConstraint):
        target = e.this
        cols = _names(target.expressions) if isinstance(target, exp.Schema) else ()
        uname = name or (target.name if isinstance(target, exp.Schema) and target.this is not None else None)
        return [o.ConstraintSpec("u", uname or None, cols)], []
    if isinstance(e, exp.CheckColumnConstraint):
        cols = tuple(dict.fromkeys(c.name for c in e.find_all(exp.Column)))
        return [o.ConstraintSpec("c", name, cols)], []
    return [], []


def _inline_note(
    st: Statement, path: str, dialect: str, fks: list[o.FKSpec], diags: list[Diagnostic]
) -> None:
    if fks and dialect in MYSQL_DIALECTS:
        diags.append(
            diag(
                st,
                path,
                "info",
                "mysql-inline-reference",
                "inline column REFERENCES: MySQL up to 8.4 ignores it (MariaDB and MySQL 9 create the key); "
                "recorded as a foreign key",
                fks[0].line,
            )
        )


def create(
    e: exp.Create,
    dialect: str,
    lines: Iterator[int],
    kw: dict[str, Any],
    st: Statement,
    path: str,
    diags: list[Diagnostic],
) -> list[o.Op]:
    props = e.args.get("properties")
    like: list[o.LikeSpec] = []
    for prop in props.expressions if props is not None else ():
        if isinstance(prop, exp.TemporaryProperty):
            return []
        if isinstance(prop, exp.LikeProperty) and prop.this is not None:
            like.append(o.LikeSpec(_qname(prop.this), including_indexes=True))
    target = e.this
    columns: list[Column] = []
    cons: list[o.ConstraintSpec] = []
    fks: list[o.FKSpec] = []
    inline: list[o.FKSpec] = []
    if isinstance(target, exp.Schema):
        for element in target.expressions:
            if isinstance(element, exp.ColumnDef):
                col, ccons, cfks = _column(element, dialect, lines)
                columns.append(col)
                cons += ccons
                fks += cfks
                inline += cfks
            else:
                c, f = _table_element(element, lines)
                cons += c
                fks += f
        target = target.this
    _inline_note(st, path, dialect, inline, diags)
    return [
        o.CreateTable(
            _qname(target),
            tuple(columns),
            tuple(cons),
            tuple(fks),
            bool(e.args.get("exists")),
            tuple(like),
            **kw,
        )
    ]


def alter(
    e: exp.Alter,
    dialect: str,
    lines: Iterator[int],
    kw: dict[str, Any],
    st: Statement,
    path: str,
    diags: list[Diagnostic],
) -> list[o.Op]:
    t = _qname(e.this)
    kw = {**kw, "table_if_exists": bool(e.args.get("exists"))}
    out: list[o.Op] = []
    for action in e.args.get("actions") or ():
        if isinstance(action, exp.AddConstraint):
            for element in action.expressions:
                cons, fks = _table_element(element, lines)
                out += [o.AddConstraint(t, c, **kw) for c in cons]
                out += [o.AddForeignKey(t, f, **kw) for f in fks]
        elif isinstance(action, exp.ColumnDef):
            col, cons, fks = _column(action, dialect, lines)
            _inline_note(st, path, dialect, fks, diags)
            out.append(o.AddColumn(t, col, tuple(cons), tuple(fks), bool(action.args.get("exists")), **kw))
        elif isinstance(action, exp.DropPrimaryKey):
            out.append(o.DropConstraint(t, "", kind="p", **kw))
        elif isinstance(action, exp.Drop):
            out += _alter_drop(t, action, kw)
        elif isinstance(action, exp.RenameColumn):
            out.append(o.RenameColumn(t, action.this.name, action.args["to"].name, **kw))
        elif isinstance(action, exp.AlterRename):
            new = _qname(action.this)
            out.append(o.RenameTable(t, new.name, **kw))
            if new.schema and new.schema != t.schema:
                out.append(o.SetSchema(o.QName(t.schema, new.name), new.schema, **kw))
        elif type(action).__name__ == "ModifyColumn":  # CHANGE [COLUMN] old new type / MODIFY
            cd = action.this
            old = action.args.get("rename_from")
            if old is not None and old.name != cd.name:
                out.append(o.RenameColumn(t, old.name, cd.name, **kw))
            col, _, _ = _column(cd, dialect, lines)
            out.append(o.AlterColumn(t, col.name, col.type, col.nullable, **kw))
    return out


def _alter_drop(t: o.QName, action: exp.Drop, kw: dict[str, Any]) -> list[o.Op]:
    kind = str(action.args.get("kind") or "").upper()
    exists = bool(action.args.get("exists"))
    names = [x.name for x in action.args.get("tables") or ()]
    if kind == "COLUMN":
        return [o.DropColumn(t, n, exists, bool(action.args.get("cascade")), **kw) for n in names]
    if kind in ("FOREIGN KEY", "CONSTRAINT", "CHECK"):
        return [
            o.DropConstraint(t, n, exists, kind="f" if kind == "FOREIGN KEY" else "", **kw) for n in names
        ]
    return []


def drop(e: exp.Drop, kw: dict[str, Any]) -> list[o.Op]:
    kind = str(e.args.get("kind") or "").upper()
    items = e.args.get("tables") or ([e.this] if e.this is not None else [])
    if kind == "TABLE":
        if e.args.get("temporary"):
            return []
        tables = tuple(_qname(x) for x in items)
        return [o.DropTable(tables, bool(e.args.get("exists")), bool(e.args.get("cascade")), **kw)]
    if kind in ("DATABASE", "SCHEMA"):
        return [o.DropSchema(tuple(x.name for x in items), bool(e.args.get("exists")), True, **kw)]
    return []


def _ident(text: str) -> str:
    text = text.strip()
    return text[1:-1].replace("``", "`") if len(text) > 1 and text[0] == text[-1] == "`" else text


def rename_tables(body: str, dialect: str, kw: dict[str, Any]) -> list[o.Op]:
    """``RENAME TABLE a TO b, c TO d`` (sqlglot leaves it a Command)."""
    out: list[o.Op] = []
    for pair in re.split(r",(?=(?:[^`]*`[^`]*`)*[^`]*$)", body):
        m = _RENAME_PAIR.match(pair)
        if not m:
            continue
        old, new = (_split_name(m.group(i)) for i in (1, 2))
        out.append(o.RenameTable(old, new.name, **kw))
        if new.schema and new.schema != old.schema:
            out.append(o.SetSchema(o.QName(old.schema, new.name), new.schema, **kw))
    return out


def _split_name(text: str) -> o.QName:
    parts = re.findall(r"`(?:[^`]|``)*`|[^.`\s]+", text.strip())
    names = [_ident(p) for p in parts]
    return o.QName(names[-2] if len(names) > 1 else None, names[-1] if names else text.strip())
