"""Python source read with :mod:`ast` for the Django, SQLAlchemy and Alembic readers: literals, names, calls.

Nothing is imported or run. :class:`PyModule` parses a file and knows its module-level
constants (``TABLE = "users"``) and imports; :meth:`PyModule.value` turns an expression into
a Python literal -- strings, numbers, ``True``/``False``/``None``, lists, tuples, dicts,
``"a" + "b"``, a module constant, ``op.f("name")``, ``sa.text("SQL")`` -- or a :class:`Dyn`
with its source text when it is anything else (a call, an f-string, an attribute).

>>> m = PyModule('T = "users"\\nfrom sqlalchemy import Column as C\\nx = C(T, f=f("a_" + "b"), n=f"{T}")', "")
>>> call = m.tree.body[2].value
>>> dotted(call.func), m.imports["C"], m.value(call.args[0]), m.value(kwarg(call, "f"))
('C', 'sqlalchemy.Column', 'users', 'a_b')
>>> m.value(kwarg(call, "n"))
Dyn(text="f'{T}'")
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

__all__ = ["Dyn", "PyModule", "PyValue", "bind", "dotted", "has_splat", "kwarg", "last", "line_of"]

_WRAPPERS = frozenset({"f", "text", "literal_column", "conv", "quoted_name"})


@dataclass(frozen=True)
class Dyn:
    """A value that is not a literal: its source text."""

    text: str


PyValue = str | int | float | bool | None | list["PyValue"] | dict[str, "PyValue"] | Dyn


def dotted(node: ast.AST | None) -> str:
    """``a.b.c`` for a name or attribute chain, ``''`` for anything else.

    >>> dotted(ast.parse("models.fields.related.ForeignKey").body[0].value)
    'models.fields.related.ForeignKey'
    """
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ""
    parts.append(node.id)
    return ".".join(reversed(parts))


def last(name: str) -> str:
    """The last component of a dotted name."""
    return name.rsplit(".", 1)[-1]


def kwarg(call: ast.Call, name: str) -> ast.expr | None:
    """The keyword argument ``name`` of a call, ``None`` when absent."""
    return next((k.value for k in call.keywords if k.arg == name), None)


def has_splat(call: ast.Call) -> bool:
    """True when the call passes ``*args`` or ``**kwargs``."""
    return any(k.arg is None for k in call.keywords) or any(isinstance(a, ast.Starred) for a in call.args)


def bind(call: ast.Call, params: Sequence[str]) -> dict[str, ast.expr]:
    """Positional and keyword arguments of a call by parameter name."""
    bound = {p: a for p, a in zip(params, call.args, strict=False) if not isinstance(a, ast.Starred)}
    bound.update({k.arg: k.value for k in call.keywords if k.arg is not None})
    return bound


def line_of(node: ast.AST) -> int:
    return getattr(node, "lineno", 0)


class PyModule:
    """One Python file: its tree, module-level constants and imports (alias -> dotted origin)."""

    def __init__(self, text: str, path: str, tree: ast.Module | None = None) -> None:
        """``tree`` is ``text`` already parsed (:func:`ingest.orm.py_parse.parse_source`)."""
        self.path = path
        self.text = text
        self.tree = tree if tree is not None else ast.parse(text, filename=path)
        self.lines = text.splitlines()
        self.constants: dict[str, ast.expr] = {}
        self.imports: dict[str, str] = {}
        for node in self.tree.body:
            self._top(node)

    def _top(self, node: ast.stmt) -> None:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            self.constants[node.targets[0].id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            self.constants[node.target.id] = node.value
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            for alias in node.names:
                self.imports[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                self.imports[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )

    def excerpt(self, node: ast.AST) -> str:
        """The first source line of a node, stripped."""
        n = line_of(node)
        return self.lines[n - 1].strip()[:120] if 0 < n <= len(self.lines) else ""

    def source(self, node: ast.AST) -> str:
        try:
            return ast.unparse(node)[:120]
        except Exception:  # unparse of odd trees: the excerpt will do
            return self.excerpt(node)

    def value(self, node: ast.AST | None, depth: int = 0) -> PyValue:
        """The literal value of an expression, or a :class:`Dyn`."""
        if node is None:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float, bool, type(None))):
            return node.value
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return [self.value(e, depth) for e in node.elts]
        if isinstance(node, ast.Dict):
            out: dict[str, PyValue] = {}
            for k, v in zip(node.keys, node.values, strict=True):
                key = self.value(k, depth) if k is not None else None
                if not isinstance(key, str):
                    return Dyn(self.source(node))
                out[key] = self.value(v, depth)
            return out
        if isinstance(node, ast.Name) and node.id in self.constants and depth < 8:
            return self.value(self.constants[node.id], depth + 1)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.value(node.left, depth), self.value(node.right, depth)
            if isinstance(left, str) and isinstance(right, str):
                return left + right
        if isinstance(node, ast.Call) and last(dotted(node.func)) in _WRAPPERS and len(node.args) == 1:
            inner = self.value(node.args[0], depth)
            if isinstance(inner, str):
                return inner
        return Dyn(self.source(node))

    def string(self, node: ast.AST | None) -> str | None:
        """The value of a string literal expression, ``None`` otherwise."""
        got = self.value(node)
        return got if isinstance(got, str) else None

    def functions(self) -> dict[str, ast.FunctionDef]:
        return {n.name: n for n in self.tree.body if isinstance(n, ast.FunctionDef)}

    def classes(self) -> Iterator[ast.ClassDef]:
        """Module-level classes (and classes in ``if``/``try`` blocks at module level)."""
        stack: list[ast.stmt] = list(reversed(self.tree.body))
        while stack:
            node = stack.pop()
            if isinstance(node, ast.ClassDef):
                yield node
            elif isinstance(node, (ast.If, ast.Try)):
                stack.extend(reversed([*node.body, *node.orelse]))
