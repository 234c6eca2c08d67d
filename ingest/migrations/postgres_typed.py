"""``CREATE TABLE`` trees decoded straight into typed structs: the common case, without dicts.

A script's ``CreateStmt`` nodes are most of what :mod:`ingest.migrations.postgres_chunks`
converts. Decoding one into dicts allocates every node of the tree -- column defaults,
locations, expressions fkmap never reads -- before :mod:`ingest.migrations.postgres_convert`
walks it. Here msgspec decodes only the fields the conversion reads into
:class:`msgspec.Struct` classes (expressions stay undecoded :class:`msgspec.Raw`), and
:func:`create_ops` builds the same operations as ``postgres_convert``'s dict path, with the
same helpers of :mod:`ingest.migrations.postgres_nodes` where they apply.

Only plain tables take this path: anything else (``LIKE``, ``INHERITS``, ``PARTITION OF``,
``EXCLUDE`` constraints, a node of an unexpected shape) raises :class:`NotTyped` and the
caller converts the dict tree as before, so both paths give the same operations (tests
compare them).

Examples
--------
>>> from pglast.parser import parse_sql_json
>>> import msgspec
>>> tree = msgspec.json.decode(parse_sql_json("CREATE TABLE s.t (id int PRIMARY KEY, u int REFERENCES u)"))
>>> body = msgspec.json.encode(tree["stmts"][0]["stmt"]["CreateStmt"])
>>> [op] = create_ops(body, Ctx(b"", 0, 1, "", "m.sql", []))
>>> op.table, [c.type for c in op.columns], op.fks[0].ref_table.name
(QName(schema='s', name='t'), ['integer', 'integer'], 'u')
"""

from __future__ import annotations

import msgspec

from ingest.migrations import ops as o
from ingest.migrations.postgres_nodes import ACTIONS, TYPES, Ctx, column_keys, expr_columns
from model.inventory import Column

__all__ = ["CreateStmt", "NotTyped", "create_ops"]


_NONE = msgspec.Raw(b"")  # a field absent from the tree (msgspec.Raw cannot be in a union)


class NotTyped(Exception):
    """This statement takes the dict path (:mod:`ingest.migrations.postgres_convert`)."""


class _Str(msgspec.Struct):
    sval: str


class _StrNode(msgspec.Struct):
    String: _Str | None = None


class _Ival(msgspec.Struct):
    ival: int = 0


class _AConst(msgspec.Struct):
    ival: _Ival | None = None


class _Typmod(msgspec.Struct):
    A_Const: _AConst | None = None


class _TypeName(msgspec.Struct):  # field names are pglast's
    names: list[_StrNode] = []
    typmods: list[_Typmod] = []
    arrayBounds: list[msgspec.Raw] = []


class _RangeVar(msgspec.Struct):
    relname: str
    schemaname: str | None = None
    relpersistence: str = "p"


class _Constraint(msgspec.Struct):
    contype: str
    conname: str | None = None
    deferrable: bool = False
    initdeferred: bool = False
    indexname: str | None = None
    keys: list[_StrNode] = []
    fk_attrs: list[_StrNode] = []
    pk_attrs: list[_StrNode] = []
    pktable: _RangeVar | None = None
    fk_del_action: str = "a"
    fk_upd_action: str = "a"
    is_enforced: bool = False
    fk_del_set_cols: list[_StrNode] = []
    location: int | None = None
    raw_expr: msgspec.Raw = _NONE


class _ConNode(msgspec.Struct):
    Constraint: _Constraint


class _ColumnDef(msgspec.Struct):
    colname: str
    typeName: _TypeName | None = None
    constraints: list[_ConNode] = []


class _Element(msgspec.Struct):
    ColumnDef: _ColumnDef | None = None
    Constraint: _Constraint | None = None
    TableLikeClause: msgspec.Raw = _NONE


class _Create(msgspec.Struct):
    relation: _RangeVar
    tableElts: list[_Element] = []
    inhRelations: msgspec.Raw = _NONE
    partbound: msgspec.Raw = _NONE
    if_not_exists: bool = False


#: The fields of a ``CreateStmt`` that fkmap reads (``bench/floor.py`` decodes into it too).
CreateStmt = _Create
_DECODER = msgspec.json.Decoder(_Create)


def create_ops(raw: bytes | msgspec.Raw, ctx: Ctx) -> list[o.Op]:
    """The operations of a ``CreateStmt`` body (JSON); :class:`NotTyped` if it needs the dict path."""
    try:
        n = _DECODER.decode(raw)
    except Exception:  # an unexpected shape, too deep: the dict path says what it is
        raise NotTyped from None
    if n.inhRelations or n.partbound:
        raise NotTyped
    rel = n.relation
    if rel.relpersistence == "t":
        return []
    columns: list[Column] = []
    cons: list[o.ConstraintSpec] = []
    fks: list[o.FKSpec] = []
    for elt in n.tableElts:
        if elt.ColumnDef is not None:
            columns.append(_column(elt.ColumnDef, ctx, cons, fks))
        elif elt.Constraint is not None:
            c = elt.Constraint
            if c.contype == "CONSTR_FOREIGN":
                fks.append(_fk(c, ctx, ()))
            else:
                spec = _constraint(c)
                if spec is not None:
                    cons.append(spec)
        elif elt.TableLikeClause:
            raise NotTyped
    return [
        o.CreateTable(
            o.QName(rel.schemaname, rel.relname),
            tuple(columns),
            tuple(cons),
            tuple(fks),
            if_not_exists=n.if_not_exists,
            line=ctx.line,
            text=ctx.text,
        )
    ]


def _strs(items: list[_StrNode]) -> tuple[str, ...]:
    out = []
    for x in items:
        if x.String is None:
            raise NotTyped
        out.append(x.String.sval)
    return tuple(out)


def _type_name(tn: _TypeName | None) -> str:
    if tn is None:
        return ""
    names = tn.names
    first = names[0].String if len(names) == 2 else None
    if first is not None and first.sval == "pg_catalog":
        second = names[1].String
        if second is None:
            raise NotTyped
        base = TYPES.get(second.sval, second.sval)
    else:
        base = ".".join(_strs(names))
    if tn.typmods and base != "interval":
        values = [str(m.A_Const.ival.ival if m.A_Const.ival else 0) for m in tn.typmods if m.A_Const]
        base += f"({','.join(values)})"
    return base + "[]" * len(tn.arrayBounds)


def _fk(c: _Constraint, ctx: Ctx, columns: tuple[str, ...]) -> o.FKSpec:
    """A foreign key of a new table: valid when enforced, like PostgreSQL marks it."""
    if c.pktable is None:
        raise NotTyped
    return o.FKSpec(
        name=c.conname,
        columns=columns or _strs(c.fk_attrs),
        ref_table=o.QName(c.pktable.schemaname, c.pktable.relname),
        ref_columns=_strs(c.pk_attrs),
        on_delete=ACTIONS.get(c.fk_del_action, "NO ACTION"),
        on_update=ACTIONS.get(c.fk_upd_action, "NO ACTION"),
        deferrable=c.deferrable,
        initially_deferred=c.initdeferred,
        validated=c.is_enforced,
        on_delete_columns=_strs(c.fk_del_set_cols),
        line=ctx.line_at(c.location),
    )


def _constraint(c: _Constraint) -> o.ConstraintSpec | None:
    kind = c.contype
    if kind in ("CONSTR_PRIMARY", "CONSTR_UNIQUE"):
        letter = "p" if kind == "CONSTR_PRIMARY" else "u"
        return o.ConstraintSpec(letter, c.conname, _strs(c.keys), c.deferrable, c.indexname)
    if kind == "CONSTR_CHECK":
        expr = msgspec.json.decode(c.raw_expr) if c.raw_expr else None
        return o.ConstraintSpec("c", c.conname, expr_columns(expr))
    if kind == "CONSTR_EXCLUSION":
        raise NotTyped
    return None


def _column(cd: _ColumnDef, ctx: Ctx, cons: list[o.ConstraintSpec], fks: list[o.FKSpec]) -> Column:
    """The column; its keys and foreign keys are added to ``cons`` and ``fks``."""
    name = cd.colname
    nullable = True
    if cd.constraints:
        nullable = column_keys(
            (name,),
            [(item.Constraint.contype, item.Constraint) for item in cd.constraints],
            ctx,
            cons,
            fks,
            fk=_fk,
            key=_key,
            check=_constraint,
        )
    return Column(name, _type_name(cd.typeName), nullable)


def _key(letter: str, c: _Constraint, columns: tuple[str, ...]) -> o.ConstraintSpec:
    return o.ConstraintSpec(letter, c.conname, columns, c.deferrable, c.indexname)
