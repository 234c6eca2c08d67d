"""pglast parse trees (``parse_sql_json``) -> neutral operations, one statement node at a time.

:func:`convert` maps a statement node (``{"CreateStmt": {...}}``) to
:mod:`ingest.migrations.ops`; :class:`Ctx` maps the node's byte ``location`` values back to
file lines. :func:`is_relevant` is the cheap test that sends statements which
cannot change tables or keys to a syntax check only. :mod:`ingest.migrations.postgres` drives it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from pglast.parser import ParseError, parse_sql_json

from ingest.migrations import ops as o
from ingest.migrations.postgres_do import replay_do_body
from ingest.migrations.postgres_nodes import Ctx, Node, column, constraint, fk, qname, strs, type_name
from model.inventory import Column

__all__ = [
    "CONVERTED",
    "MESSAGE_CHARS",
    "Ctx",
    "Node",
    "convert",
    "convert_node",
    "is_relevant",
    "split_search_path",
]


_RELEVANT = re.compile(
    r"""(?ix)
    (?: CREATE \s+ (?:(?:GLOBAL|LOCAL) \s+)? (?:UNLOGGED \s+)? TABLE \b
      | CREATE \s+ SCHEMA \b
      | ALTER \s+ (?:TABLE|INDEX) \b
      | DROP \s+ (?:TABLE|SCHEMA|INDEX) \b
      | CREATE \s+ UNIQUE \s+ INDEX \b
      | SET \s+ (?:(?:SESSION|LOCAL) \s+)? (?:search_path|schema) \b
      | RESET \s+ (?:search_path|ALL) \b
      | SELECT \b [^;]{0,80}? set_config \s* \( \s* 'search_path'
      | DO \b
    )"""
)
_ALTER_RELEVANT = re.compile(
    r"(?i)\b(?:ADD|DROP|RENAME|SCHEMA|VALIDATE|ATTACH|DETACH|TYPE|NULL|ALTER\s+CONSTRAINT)\b"
)
_HEADS = ("CREATE", "ALTER", "DROP", "SET", "RESET", "SELECT", "DO")
#: Longest parser message kept in a diagnostic (PostgreSQL quotes the text near the error,
#: which may be the rest of the statement).
MESSAGE_CHARS = 200
_DDL_HINT = re.compile(r"(?i)\b(?:ALTER|CREATE|DROP|EXECUTE|RENAME|SET)\b")
_LIKE_INDEXES = 1 << 6


def is_relevant(text: str) -> bool:
    """Whether a statement may change tables, keys or the search path (cheap prefix test).

    >>> is_relevant("ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id)")
    True
    >>> is_relevant("ALTER TABLE public.t OWNER TO app"), is_relevant("INSERT INTO t VALUES (1)")
    (False, False)
    """
    if not text[:6].upper().startswith(_HEADS):
        return False
    m = _RELEVANT.match(text)
    if m is None:
        return False
    return m.group(0)[:1] not in "aA" or bool(_ALTER_RELEVANT.search(text, m.end()))


# ---------------------------------------------------------------------------- statements
def _create(n: Node, ctx: Ctx) -> list[o.Op]:
    rel = n["relation"]
    if rel.get("relpersistence") == "t":
        return []
    columns: list[Column] = []
    cons: list[o.ConstraintSpec] = []
    fks: list[o.FKSpec] = []
    like: list[o.LikeSpec] = []
    for elt in n.get("tableElts", ()):
        if "ColumnDef" in elt:
            col, ccons, cfks = column(elt["ColumnDef"], ctx, always_valid=True)
            columns.append(col)
            cons += ccons
            fks += cfks
        elif "Constraint" in elt:
            c = elt["Constraint"]
            if c["contype"] == "CONSTR_FOREIGN":
                fks.append(fk(c, ctx, (), always_valid=True))
            else:
                spec = constraint(c)
                if spec is not None:
                    cons.append(spec)
        elif "TableLikeClause" in elt:
            clause = elt["TableLikeClause"]
            like.append(o.LikeSpec(qname(clause["relation"]), bool(clause.get("options", 0) & _LIKE_INDEXES)))
    parents = tuple(qname(r["RangeVar"]) for r in n.get("inhRelations", ()) if "RangeVar" in r)
    partition_of = parents[0] if "partbound" in n and parents else None
    return [
        o.CreateTable(
            qname(rel),
            tuple(columns),
            tuple(cons),
            tuple(fks),
            if_not_exists=n.get("if_not_exists", False),
            like=tuple(like),
            inherits=() if partition_of else parents,
            partition_of=partition_of,
            line=ctx.line,
            text=ctx.text,
        )
    ]


def _create_as(n: Node, ctx: Ctx) -> list[o.Op]:
    rel = n.get("into", {}).get("rel")
    if n.get("objtype") != "OBJECT_TABLE" or not rel or rel.get("relpersistence") == "t":
        return []
    cols = tuple(Column(c) for c in strs(n["into"].get("colNames")))
    return [
        o.CreateTable(
            qname(rel), cols, if_not_exists=n.get("if_not_exists", False), line=ctx.line, text=ctx.text
        )
    ]


def _alter(n: Node, ctx: Ctx) -> list[o.Op]:
    if n.get("objtype") != "OBJECT_TABLE":
        return []
    t = qname(n["relation"])
    kw: dict[str, Any] = {"table_if_exists": n.get("missing_ok", False), "line": ctx.line, "text": ctx.text}
    out: list[o.Op] = []
    for item in n.get("cmds", ()):
        c = item["AlterTableCmd"]
        sub = c["subtype"]
        d = c.get("def", {})
        cascade = c.get("behavior") == "DROP_CASCADE"
        if sub == "AT_AddConstraint" and "Constraint" in d:
            con = d["Constraint"]
            if con["contype"] == "CONSTR_FOREIGN":
                out.append(o.AddForeignKey(t, fk(con, ctx, (), always_valid=False), **kw))
            else:
                spec = constraint(con)
                if spec is not None:
                    out.append(o.AddConstraint(t, spec, **kw))
        elif sub == "AT_AddColumn" and "ColumnDef" in d:
            col, cons, fks = column(d["ColumnDef"], ctx, always_valid=True)
            out.append(o.AddColumn(t, col, tuple(cons), tuple(fks), c.get("missing_ok", False), **kw))
        elif sub == "AT_DropColumn":
            out.append(o.DropColumn(t, c["name"], c.get("missing_ok", False), cascade, **kw))
        elif sub == "AT_DropConstraint":
            out.append(o.DropConstraint(t, c["name"], c.get("missing_ok", False), cascade, **kw))
        elif sub == "AT_ValidateConstraint":
            out.append(o.ValidateConstraint(t, c["name"], **kw))
        elif sub == "AT_AlterConstraint":
            a = d.get("ATAlterConstraint") or d.get("Constraint") or {}
            if a.get("alterDeferrability", True):
                out.append(
                    o.AlterConstraint(
                        t, a["conname"], a.get("deferrable", False), a.get("initdeferred", False), **kw
                    )
                )
        elif sub in ("AT_AttachPartition", "AT_DetachPartition", "AT_DetachPartitionFinalize"):
            part = qname(d["PartitionCmd"]["name"])
            cls = o.AttachPartition if sub == "AT_AttachPartition" else o.DetachPartition
            out.append(cls(t, part, **kw))
        elif sub == "AT_AlterColumnType":
            out.append(
                o.AlterColumn(t, c["name"], type=type_name(d.get("ColumnDef", {}).get("typeName")), **kw)
            )
        elif sub in ("AT_SetNotNull", "AT_DropNotNull"):
            out.append(o.AlterColumn(t, c["name"], nullable=sub == "AT_DropNotNull", **kw))
    return out


def _rename(n: Node, ctx: Ctx) -> list[o.Op]:
    kind = n.get("renameType")
    if "relation" not in n:
        return []
    t = qname(n["relation"])
    kw: dict[str, Any] = {"table_if_exists": n.get("missing_ok", False), "line": ctx.line, "text": ctx.text}
    if kind == "OBJECT_TABLE":
        return [o.RenameTable(t, n["newname"], **kw)]
    if kind == "OBJECT_COLUMN" and n.get("relationType") == "OBJECT_TABLE":
        return [o.RenameColumn(t, n["subname"], n["newname"], **kw)]
    if kind == "OBJECT_TABCONSTRAINT":
        return [o.RenameConstraint(t, n["subname"], n["newname"], **kw)]
    if kind == "OBJECT_INDEX":
        return [o.RenameIndex(t, n["newname"], n.get("missing_ok", False), line=ctx.line, text=ctx.text)]
    return []


def _set_schema(n: Node, ctx: Ctx) -> list[o.Op]:
    if n.get("objectType") != "OBJECT_TABLE":
        return []
    return [
        o.SetSchema(
            qname(n["relation"]),
            n["newschema"],
            table_if_exists=n.get("missing_ok", False),
            line=ctx.line,
            text=ctx.text,
        )
    ]


def _drop(n: Node, ctx: Ctx) -> list[o.Op]:
    kind = n.get("removeType")
    cascade = n.get("behavior") == "DROP_CASCADE"
    if kind in ("OBJECT_TABLE", "OBJECT_INDEX"):
        paths = [strs(obj.get("List", {}).get("items")) for obj in n.get("objects", ())]
        names = tuple(o.QName(p[-2] if len(p) > 1 else None, p[-1]) for p in paths if p)
        cls = o.DropTable if kind == "OBJECT_TABLE" else o.DropIndex
        return [cls(names, n.get("missing_ok", False), cascade, line=ctx.line, text=ctx.text)]
    if kind == "OBJECT_SCHEMA":
        return [
            o.DropSchema(
                strs(n.get("objects")), n.get("missing_ok", False), cascade, line=ctx.line, text=ctx.text
            )
        ]
    return []


def _index(n: Node, ctx: Ctx) -> list[o.Op]:
    """``CREATE UNIQUE INDEX``: a key foreign keys may use (other indexes change nothing)."""
    if not n.get("unique") or "relation" not in n:
        return []
    names = [p.get("IndexElem", {}).get("name") for p in n.get("indexParams", ())]
    usable = all(names) and "whereClause" not in n
    columns = tuple(name or "expr" for name in names)
    kw: dict[str, Any] = {"if_not_exists": n.get("if_not_exists", False), "line": ctx.line, "text": ctx.text}
    return [o.CreateIndex(qname(n["relation"]), n.get("idxname"), columns, usable, **kw)]


def split_search_path(value: str) -> tuple[str, ...]:
    """A ``search_path`` string as ``set_config`` reads it: comma list, ``"quoted"`` kept, rest lower-cased.

    >>> split_search_path('"$user", Public, "My Schema"')
    ('$user', 'public', 'My Schema')
    """
    out = []
    for m in re.finditer(r'\s*(?:"((?:[^"]|"")*)"|([^,\s][^,]*?))\s*(?:,|$)', value):
        if m.group(1) is not None:
            out.append(m.group(1).replace('""', '"'))
        elif m.group(2):
            out.append(m.group(2).lower())
    return tuple(out)


def _variable_set(n: Node, ctx: Ctx) -> list[o.Op]:
    kind = n.get("kind")
    if kind == "VAR_RESET_ALL" or (
        n.get("name") == "search_path" and kind in ("VAR_RESET", "VAR_SET_DEFAULT")
    ):
        return [o.SetSearchPath(None, line=ctx.line, text=ctx.text)]
    if n.get("name") != "search_path" or kind != "VAR_SET_VALUE":
        return []
    values = []
    for arg in n.get("args", ()):
        sval = arg.get("A_Const", {}).get("sval")
        if sval is not None:
            values.append(sval.get("sval", ""))
    return [o.SetSearchPath(tuple(values), line=ctx.line, text=ctx.text)]


def _select(n: Node, ctx: Ctx) -> list[o.Op]:
    out: list[o.Op] = []
    for target in n.get("targetList", ()):
        call = target.get("ResTarget", {}).get("val", {}).get("FuncCall")
        if not call or strs(call.get("funcname"))[-1:] != ("set_config",):
            continue
        args = [a.get("A_Const", {}).get("sval", {}).get("sval") for a in call.get("args", ())]
        if len(args) >= 2 and args[0] == "search_path" and args[1] is not None:
            out.append(o.SetSearchPath(split_search_path(args[1]), line=ctx.line, text=ctx.text))
    return out


def _create_schema(n: Node, ctx: Ctx) -> list[o.Op]:
    name = n.get("schemaname") or n.get("authrole", {}).get("rolename", "")
    elements: list[o.Op] = []
    for element in n.get("schemaElts", ()):
        elements += convert(element, ctx)
    return [
        o.CreateSchema(name, n.get("if_not_exists", False), tuple(elements), line=ctx.line, text=ctx.text)
    ]


def _do(n: Node, ctx: Ctx) -> list[o.Op]:
    body, language, loc = None, "plpgsql", None
    for arg in n.get("args", ()):
        d = arg.get("DefElem", {})
        if d.get("defname") == "as":
            body, loc = d["arg"]["String"]["sval"], d.get("location")
        elif d.get("defname") == "language":
            language = d["arg"]["String"]["sval"].lower()
    if body is None or language != "plpgsql" or not _DDL_HINT.search(body):
        return []

    def convert_sql(query: str, line: int) -> list[o.Op]:
        if not is_relevant(query):
            return []
        sub = Ctx(query.encode("utf-8"), 0, line, query, ctx.path, ctx.diags)
        try:
            result = json.loads(parse_sql_json(query))
        except ParseError as exc:
            said = o.excerpt(str(exc.args[0] if exc.args else exc), MESSAGE_CHARS)
            sub.diag("error", "parse-error", f"PostgreSQL syntax error in DO block: {said}; skipped")
            return []
        out: list[o.Op] = []
        for item in result.get("stmts", ()):
            out += convert(item["stmt"], sub)
        return out

    return replay_do_body(body, _body_line(ctx, loc), convert_sql, ctx.diag)


def _body_line(ctx: Ctx, loc: int | None) -> int:
    """Line where a DO body starts: just after its opening ``$tag$`` or ``'``."""
    if loc is None or loc < 0:
        return ctx.line
    start = loc
    if ctx.data[start : start + 1] == b"$":
        end = ctx.data.find(b"$", start + 1)
        start = end + 1 if end >= 0 else start
    else:
        start += 1
    return ctx.line_at(start)


_CONVERTERS: dict[str, Callable[[Node, Ctx], list[o.Op]]] = {
    "CreateStmt": _create,
    "CreateTableAsStmt": _create_as,
    "AlterTableStmt": _alter,
    "RenameStmt": _rename,
    "AlterObjectSchemaStmt": _set_schema,
    "DropStmt": _drop,
    "VariableSetStmt": _variable_set,
    "SelectStmt": _select,
    "CreateSchemaStmt": _create_schema,
    "DoStmt": _do,
    "IndexStmt": _index,
}


#: The statement node kinds that may give operations; every other kind gives none.
CONVERTED = frozenset(_CONVERTERS)


def convert(node: Node, ctx: Ctx) -> list[o.Op]:
    """Operations of one parsed statement node (``{"CreateStmt": {...}}``); others give ``[]``."""
    for kind, body in node.items():
        fn = _CONVERTERS.get(kind)
        return fn(body, ctx) if fn is not None else []
    return []


def convert_node(kind: str, body: Node, ctx: Ctx) -> list[o.Op]:
    """:func:`convert` of ``{kind: body}``."""
    fn = _CONVERTERS.get(kind)
    return fn(body, ctx) if fn is not None else []
