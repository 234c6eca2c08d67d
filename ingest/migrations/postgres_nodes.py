"""Small readers of pglast JSON nodes: names, types, columns, constraints, and line mapping.

Used by :mod:`ingest.migrations.postgres_convert`. ``Node`` is one decoded JSON object of a
``parse_sql_json`` tree; :class:`Ctx` maps its byte ``location`` values to file lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from ingest.migrations import ops as o
from model.inventory import Column, Diagnostic

__all__ = [
    "ACTIONS",
    "DEFERRABLE",
    "TYPES",
    "Ctx",
    "Node",
    "apply_attr",
    "column",
    "column_keys",
    "constraint",
    "expr_columns",
    "fk",
    "fk_as_given",
    "fk_valid",
    "qname",
    "strs",
    "type_name",
]

Node = dict[str, Any]
#: A constraint node: the dict tree's, or :mod:`~ingest.migrations.postgres_typed`'s struct.
C = TypeVar("C")

ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
TYPES = {
    "int4": "integer",
    "int8": "bigint",
    "int2": "smallint",
    "float4": "real",
    "float8": "double precision",
    "bool": "boolean",
    "bpchar": "char",
}


@dataclass
class Ctx:
    """Where a parsed statement came from: maps byte offsets of ``data`` to file lines."""

    data: bytes
    base: int
    line: int
    text: str
    path: str
    diags: list[Diagnostic]

    def line_at(self, loc: int | None) -> int:
        if loc is None or loc < self.base:
            return self.line
        return self.line + self.data.count(b"\n", self.base, loc)

    def diag(self, severity: str, code: str, message: str, line: int = 0) -> None:
        line = line or self.line
        self.diags.append(
            Diagnostic(severity, message, self.path, line, o.excerpt_at(self.text, self.line, line), code)  # type: ignore[arg-type]
        )


def strs(items: Sequence[Node] | None) -> tuple[str, ...]:
    if not items:
        return ()
    try:
        return tuple([x["String"]["sval"] for x in items])
    except KeyError:
        return tuple([x["String"]["sval"] for x in items if "String" in x])


def qname(rv: Node) -> o.QName:
    return o.QName(rv.get("schemaname"), rv["relname"])


def type_name(tn: Node | None) -> str:
    if not tn:
        return ""
    names: list[Node] = tn.get("names") or []
    if len(names) == 2 and names[0].get("String", {}).get("sval") == "pg_catalog":
        base: str = names[1]["String"]["sval"]
        base = TYPES.get(base, base)
    else:
        base = ".".join(strs(names))
    mods = tn.get("typmods")
    if mods and base != "interval":
        values = [str(m["A_Const"].get("ival", {}).get("ival", 0)) for m in mods if "A_Const" in m]
        base += f"({','.join(values)})"
    bounds = tn.get("arrayBounds")
    return base + "[]" * len(bounds) if bounds else base


def expr_columns(node: Any, found: dict[str, None] | None = None) -> tuple[str, ...]:
    """Distinct column names an expression mentions, in order (for default CHECK names)."""
    found = {} if found is None else found
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "ColumnRef":
                names = strs(value.get("fields"))
                if names:
                    found[names[-1]] = None
            else:
                expr_columns(value, found)
    elif isinstance(node, list):
        for value in node:
            expr_columns(value, found)
    return tuple(found)


def fk(c: Node, ctx: Ctx, columns: tuple[str, ...], *, always_valid: bool) -> o.FKSpec:
    """A FOREIGN KEY/REFERENCES constraint; CREATE TABLE and ADD COLUMN mark it valid like PostgreSQL."""
    enforced = c.get("is_enforced", False)
    return o.FKSpec(
        name=c.get("conname"),
        columns=columns or strs(c.get("fk_attrs")),
        ref_table=qname(c["pktable"]),
        ref_columns=strs(c.get("pk_attrs")),
        on_delete=ACTIONS.get(c.get("fk_del_action", "a"), "NO ACTION"),
        on_update=ACTIONS.get(c.get("fk_upd_action", "a"), "NO ACTION"),
        deferrable=c.get("deferrable", False),
        initially_deferred=c.get("initdeferred", False),
        validated=enforced and (always_valid or c.get("initially_valid", False)),
        on_delete_columns=strs(c.get("fk_del_set_cols")),
        line=ctx.line_at(c.get("location")),
    )


def constraint(c: Node) -> o.ConstraintSpec | None:
    """A table-level PRIMARY KEY / UNIQUE / CHECK / EXCLUDE constraint."""
    kind = c["contype"]
    name = c.get("conname")
    if kind in ("CONSTR_PRIMARY", "CONSTR_UNIQUE"):
        letter = "p" if kind == "CONSTR_PRIMARY" else "u"
        deferrable = bool(c.get("deferrable"))
        return o.ConstraintSpec(letter, name, strs(c.get("keys")), deferrable, c.get("indexname"))
    if kind == "CONSTR_CHECK":
        return o.ConstraintSpec("c", name, expr_columns(c.get("raw_expr")))
    if kind == "CONSTR_EXCLUSION":
        cols = []
        for pair in c.get("exclusions", ()):
            items = pair.get("List", {}).get("items", [])
            elem = items[0].get("IndexElem", {}) if items else {}
            cols.append(elem.get("name") or "expr")
        return o.ConstraintSpec("x", name, tuple(cols))
    return None


def column(
    cd: Node, ctx: Ctx, *, always_valid: bool
) -> tuple[Column, list[o.ConstraintSpec], list[o.FKSpec]]:
    name = cd["colname"]
    cons: list[o.ConstraintSpec] = []
    fks: list[o.FKSpec] = []
    nullable = column_keys(
        (name,),
        ((item["Constraint"]["contype"], item["Constraint"]) for item in cd.get("constraints", ())),
        ctx,
        cons,
        fks,
        fk=fk_valid if always_valid else fk_as_given,
        key=_key,
        check=constraint,
    )
    return Column(name, type_name(cd.get("typeName")), nullable), cons, fks


def fk_valid(c: Node, ctx: Ctx, columns: tuple[str, ...]) -> o.FKSpec:
    """:func:`fk` of a CREATE TABLE or ADD COLUMN: valid like PostgreSQL makes it."""
    return fk(c, ctx, columns, always_valid=True)


def fk_as_given(c: Node, ctx: Ctx, columns: tuple[str, ...]) -> o.FKSpec:
    """:func:`fk` valid as the statement says."""
    return fk(c, ctx, columns, always_valid=False)


def _key(letter: str, c: Node, columns: tuple[str, ...]) -> o.ConstraintSpec:
    return o.ConstraintSpec(letter, c.get("conname"), columns, bool(c.get("deferrable")), c.get("indexname"))


def column_keys(
    columns: tuple[str, ...],
    constraints: Iterable[tuple[str, C]],
    ctx: Ctx,
    cons: list[o.ConstraintSpec],
    fks: list[o.FKSpec],
    *,
    fk: Callable[[C, Ctx, tuple[str, ...]], o.FKSpec],
    key: Callable[[str, C, tuple[str, ...]], o.ConstraintSpec],
    check: Callable[[C], o.ConstraintSpec | None],
) -> bool:
    """Add the keys and foreign keys of a column's constraints (``(contype, constraint)`` pairs in
    order, from the dict tree or the typed one: ``fk``, ``key`` and ``check`` read them) to ``cons``
    and ``fks``; whether the column stays nullable. A ``CONSTR_ATTR_*`` (``DEFERRABLE``...) amends
    the foreign key or key just before it."""
    nullable = True
    last = ""
    for kind, c in constraints:
        if kind.startswith("CONSTR_ATTR_"):
            if last == "CONSTR_FOREIGN":
                fks[-1] = apply_attr(fks[-1], kind)
            elif last in ("CONSTR_PRIMARY", "CONSTR_UNIQUE") and kind in DEFERRABLE:
                cons[-1] = replace(cons[-1], deferrable=DEFERRABLE[kind])
            continue
        last = kind
        if kind == "CONSTR_NOTNULL":
            nullable = False
        elif kind == "CONSTR_FOREIGN":
            fks.append(fk(c, ctx, columns))
        elif kind in ("CONSTR_PRIMARY", "CONSTR_UNIQUE"):  # on this column
            cons.append(key("p" if kind == "CONSTR_PRIMARY" else "u", c, columns))
        elif kind == "CONSTR_CHECK":
            spec = check(c)
            if spec is not None:
                cons.append(spec)
    return nullable


DEFERRABLE = {
    "CONSTR_ATTR_DEFERRABLE": True,
    "CONSTR_ATTR_DEFERRED": True,
    "CONSTR_ATTR_NOT_DEFERRABLE": False,
}


def apply_attr(fk: o.FKSpec, kind: str) -> o.FKSpec:
    if kind == "CONSTR_ATTR_DEFERRABLE":
        return replace(fk, deferrable=True)
    if kind == "CONSTR_ATTR_NOT_DEFERRABLE":
        return replace(fk, deferrable=False, initially_deferred=False)
    if kind == "CONSTR_ATTR_DEFERRED":
        return replace(fk, deferrable=True, initially_deferred=True)
    if kind == "CONSTR_ATTR_IMMEDIATE":
        return replace(fk, initially_deferred=False)
    if kind == "CONSTR_ATTR_NOT_ENFORCED":
        return replace(fk, validated=False)
    return fk
