"""What the per-language readers report for one file, and how names are resolved across files.

A reader returns :class:`FileFacts`:

* :class:`Found`: a use whose table is known in the file (a SQL literal, a MongoDB collection);
* :class:`Decl`: an ORM declaration mapping a name (a class, a Prisma model, a Diesel table, a
  variable holding a model) to a table, or (``alias_of``) to another name, like a Spring Data
  repository standing for its entity;
* :class:`Ref`: a use that names a declared thing (``User.create(...)``, ``prisma.user.update``);
  it becomes a table use only when :func:`resolve` finds the declaration, in any file.

Names are looked up case-insensitively within a namespace (``class``, ``prisma``, ``diesel``). A
declaration in the same unit wins; otherwise the name must map to one table across the scan.

>>> decls = [Decl("User", "users", "jpa", 3), Decl("UserRepo", "", "jpa", 1, alias_of="User")]
>>> index = DeclIndex([("auth", d) for d in decls])
>>> index.lookup("auth", Ref("userrepo", "write", "", 9))
('users', 'jpa')
>>> index.lookup("auth", Ref("Post", "write", "", 9)) is None
True
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from model.inventory import Diagnostic
from ownership.code.evidence import Access

__all__ = ["Decl", "DeclIndex", "FileFacts", "Found", "Ref"]


@dataclass(frozen=True, slots=True)
class Found:
    """A table use known from the file alone."""

    table: str
    access: Access
    how: str
    line: int


@dataclass(frozen=True, slots=True)
class Decl:
    """``name`` (in ``namespace``) is mapped to ``table``, or stands for ``alias_of``.

    The declaration itself counts as ``access`` to the table: a write (the model defines it), or a
    read for a mapping of a table managed elsewhere (Django's ``managed = False``).
    """

    name: str
    table: str
    how: str
    line: int
    namespace: str = "class"
    alias_of: str = ""
    access: Access = "write"


@dataclass(frozen=True, slots=True)
class Ref:
    """A use of the declared ``name``; ``how`` empty means: the declaration's kind."""

    name: str
    access: Access
    how: str
    line: int
    namespace: str = "class"


@dataclass
class FileFacts:
    """Everything one reader found in one file."""

    found: list[Found] = field(default_factory=list)
    decls: list[Decl] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def sql(self, tables: Iterable[tuple[str, Access]], how: str, line: int) -> None:
        """Record the tables of one SQL literal."""
        self.found.extend(Found(table, access, how, line) for table, access in tables)


class DeclIndex:
    """Declarations of the whole scan, by namespace and lower-case name, with their unit."""

    def __init__(self, decls: Iterable[tuple[str, Decl]]) -> None:
        self._by_name: dict[tuple[str, str], list[tuple[str, Decl]]] = defaultdict(list)
        self._resolved: dict[tuple[str, str, str], Decl | None] = {}
        for unit, decl in decls:
            self._by_name[(decl.namespace, decl.name.lower())].append((unit, decl))

    def _pick(self, unit: str, namespace: str, name: str) -> Decl | None:
        candidates = self._by_name.get((namespace, name.lower()), [])
        local = [d for u, d in candidates if u == unit]
        for group in (local, [d for _, d in candidates]):
            if len({(d.table, d.alias_of.lower()) for d in group}) == 1:
                return group[0]
        return None

    def _resolve(self, unit: str, namespace: str, name: str) -> Decl | None:
        key = (unit, namespace, name.lower())
        if key not in self._resolved:
            decl = self._pick(unit, namespace, name)
            for _ in range(4):  # alias chains are short: repository -> entity
                if decl is None or not decl.alias_of:
                    break
                decl = self._pick(unit, namespace, decl.alias_of)
            self._resolved[key] = decl if decl is not None and not decl.alias_of else None
        return self._resolved[key]

    def lookup(self, unit: str, ref: Ref) -> tuple[str, str] | None:
        """``(table, how)`` for a reference from ``unit``, or ``None`` when unresolved or ambiguous."""
        decl = self._resolve(unit, ref.namespace, ref.name)
        return None if decl is None else (decl.table, ref.how or decl.how)
