"""MySQL (and other non-PostgreSQL dialects) -> neutral DDL operations, with sqlglot.

Statements are split with the MySQL client's rules (backticks, ``#`` comments,
``DELIMITER``), filtered by their first words, and parsed one by one with
``sqlglot.parse(text, read=dialect)``, so one bad statement is one
``parse-error`` diagnostic. A statement the splitter knows is broken (an
unterminated string or comment) is one too; other statements (``INSERT``...) are
not parsed: sqlglot is too slow for a dump's data. Understood: ``CREATE TABLE`` (columns, inline
``REFERENCES``, table-level ``[CONSTRAINT n] FOREIGN KEY``, keys, ``LIKE``,
``IF NOT EXISTS``), ``ALTER TABLE`` (``ADD [CONSTRAINT] FOREIGN KEY``, ``ADD
COLUMN``, ``DROP FOREIGN KEY``, ``DROP CONSTRAINT``, ``DROP PRIMARY KEY``,
``DROP COLUMN``, ``RENAME [COLUMN]``, ``CHANGE``/``MODIFY``), ``RENAME TABLE a TO
b, ...``, ``DROP TABLE``, ``DROP DATABASE``/``SCHEMA`` and ``USE db`` (sets the
schema of unqualified names). Names keep the case they are written in.

MySQL up to 8.4 parses but *ignores* an inline column ``REFERENCES`` (MariaDB and
MySQL 9 create the key): it is recorded as a FK, with an ``info`` diagnostic.
sqlglot turns statements it does not know into ``exp.Command``; one that
mentions ``FOREIGN KEY``/``REFERENCES`` becomes an ``unsupported`` warning.

Examples
--------
>>> sql = ("CREATE TABLE `orders` (\\n  `id` INT PRIMARY KEY,\\n  `user_id` INT,\\n"
...        "  FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE\\n) ENGINE=InnoDB;")
>>> ops, diags = parse(sql, "m.sql")
>>> fk = ops[0].fks[0]
>>> fk.name, fk.columns, fk.ref_table.name, fk.ref_columns, fk.on_delete, fk.line
(None, ('user_id',), 'users', ('id',), 'CASCADE', 4)
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from ingest.migrations import ops as o
from ingest.migrations.split import MYSQL_DIALECTS, Statement, iter_statements
from model.inventory import Column, Diagnostic

__all__ = ["parse"]

_RELEVANT = re.compile(
    r"(?i)(?:CREATE\s+(?:OR\s+REPLACE\s+)?TABLE\b|ALTER\s+(?:ONLINE\s+|IGNORE\s+)?TABLE\b|"
    r"DROP\s+(?:TABLE|DATABASE|SCHEMA)\b|RENAME\s+TABLES?\b|USE\b)"
)
_RENAME = re.compile(r"(?is)\ARENAME\s+TABLES?\s+(.*)\Z")
_RENAME_PAIR = re.compile(r"(?is)\s*(.+?)\s+TO\s+(.+?)\s*\Z")
_FK_WORDS = re.compile(r"(?i)\b(?:FOREIGN\s+KEY|REFERENCES)\b")
_REFERENCES = re.compile(r"(?i)\bREFERENCES\b")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_ACTION = re.compile(r"(?i)ON\s+(DELETE|UPDATE)\s+(NO\s+ACTION|RESTRICT|CASCADE|SET\s+NULL|SET\s+DEFAULT)")


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence sqlglot's 'unsupported syntax' log warnings: they become diagnostics instead."""
    logger = logging.getLogger("sqlglot")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


#: Dialects sqlglot reads under another name.
_READ_AS = {"mariadb": "mysql"}


def parse(text: str, path: str, *, dialect: str = "mysql") -> tuple[list[o.Op], list[Diagnostic]]:
    """Operations and diagnostics of a script in ``dialect`` (a sqlglot dialect name, or ``mariadb``)."""
    ops: list[o.Op] = []
    diags: list[Diagnostic] = []
    split_dialect = dialect if dialect in MYSQL_DIALECTS else "postgres"
    read = _READ_AS.get(dialect, dialect)
    with _quiet():
        for st in iter_statements(text, dialect=split_dialect):
            if st.error and st.kind == "sql":  # the splitter knows it is broken
                diags.append(
                    _diag(st, path, "error", "parse-error", f"{dialect} syntax error: {st.error}; skipped")
                )
                continue
            if st.kind != "sql" or not _RELEVANT.match(st.text):
                continue
            try:
                ops += _statement(st, path, read, diags)
            except RecursionError:  # sqlglot parses recursively: absurd nesting must not stop the file
                message = f"{dialect} statement nested too deeply to read; skipped"
                diags.append(_diag(st, path, "error", "parse-error", message))
            except SqlglotError as exc:
                text = _ANSI.sub("", str(exc)).strip()
                first = text.splitlines()[0][:200] if text else type(exc).__name__
                diags.append(
                    _diag(st, path, "error", "parse-error", f"{dialect} syntax error: {first}; skipped")
                )
            except Exception as exc:
                msg = f"internal error reading statement: {type(exc).__name__}: {exc}"
                diags.append(_diag(st, path, "error", "internal", msg))
    return ops, diags


def _diag(st: Statement, path: str, severity: str, code: str, message: str, line: int = 0) -> Diagnostic:
    line = line or st.line
    return Diagnostic(severity, message, path, line, o.excerpt_at(st.text, st.line, line), code)  # type: ignore[arg-type]


def _statement(st: Statement, path: str, dialect: str, diags: list[Diagnostic]) -> list[o.Op]:
    kw: dict[str, Any] = {"line": st.line, "text": st.text}
    rename = _RENAME.match(st.text)
    if rename:
        return _rename_tables(rename.group(1), dialect, kw)
    out: list[o.Op] = []
    lines = _reference_lines(st)
    for e in sqlglot.parse(st.text, read=dialect):
        if isinstance(e, exp.Create) and str(e.args.get("kind", "")).upper() == "TABLE":
            out += _create(e, dialect, lines, kw, st, path, diags)
        elif isinstance(e, exp.Alter) and str(e.args.get("kind", "")).upper() == "TABLE":
            out += _alter(e, dialect, lines, kw, st, path, diags)
        elif isinstance(e, exp.Drop):
            out += _drop(e, kw)
        elif isinstance(e, exp.Use) and e.this is not None:
            out.append(o.SetSearchPath((e.this.name,), **kw))
        elif isinstance(e, exp.Command) and _FK_WORDS.search(st.text):
            diags.append(
                _diag(st, path, "warning", "unsupported", f"{dialect} statement not understood; skipped")
            )
    return out


def _reference_lines(st: Statement) -> Iterator[int]:
    """Lines of the REFERENCES keywords of a statement, in order (then the statement line forever)."""
    for m in _REFERENCES.finditer(st.text):
        yield st.line + st.text.count("\n", 0, m.start())
    while True:
        yield st.line


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
            _diag(
                st,
                path,
                "info",
                "mysql-inline-reference",
                "inline column REFERENCES: MySQL up to 8.4 ignores it (MariaDB and MySQL 9 create the key); "
                "recorded as a foreign key",
                fks[0].line,
            )
        )


def _create(
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
    pk = {c for spec in cons if spec.kind == "p" for c in spec.columns}
    columns = [Column(c.name, c.type, False) if c.name in pk else c for c in columns]
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


def _alter(
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


def _drop(e: exp.Drop, kw: dict[str, Any]) -> list[o.Op]:
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


def _rename_tables(body: str, dialect: str, kw: dict[str, Any]) -> list[o.Op]:
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
