"""What a parsed Prisma schema file holds: blocks, fields, attributes and their values.

:func:`ingest.prisma.parse.parse_text` builds these frozen nodes; :mod:`ingest.prisma.schema`
and :mod:`ingest.prisma.read` read them.

Examples
--------
>>> a = Attribute("relation", (("fields", (Ident("userId"),)), ("onDelete", Ident("Cascade"))))
>>> a.arg("onDelete"), a.arg("references")
(Ident(name='Cascade', args=()), None)
>>> Attribute("map", ((None, "posts"),)).first()
'posts'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

from model.inventory import Diagnostic

__all__ = ["Attribute", "Block", "Ident", "PrismaField", "PrismaFile", "Value"]


@dataclass(frozen=True)
class Ident:
    """A bare identifier or function call in an attribute argument (``Cascade``, ``now()``)."""

    name: str
    args: tuple[tuple[str | None, Value], ...] = ()


Value: TypeAlias = str | Ident | tuple["Value", ...]


@dataclass(frozen=True)
class Attribute:
    """``@name(args)`` or ``@@name(args)``; ``args`` are ``(name or None, value)`` pairs."""

    name: str
    args: tuple[tuple[str | None, Value], ...] = ()

    def arg(self, name: str, position: int | None = None) -> Value | None:
        """The argument called ``name``, else the unnamed one at ``position``."""
        for key, value in self.args:
            if key == name:
                return value
        unnamed = [value for key, value in self.args if key is None]
        if position is not None and position < len(unnamed):
            return unnamed[position]
        return None

    def first(self) -> Value | None:
        """The first unnamed argument (``@@map("x")`` -> ``'x'``)."""
        return self.arg("", 0)


@dataclass(frozen=True)
class PrismaField:
    """A field line of a model: ``name Type? @attr...`` with its comments."""

    name: str
    type: str
    optional: bool
    is_list: bool
    line: int
    attributes: tuple[Attribute, ...] = ()
    comment: str = ""  # trailing // comment, without the slashes
    doc: str = ""  # /// doc comment lines above the field, joined by spaces
    unsupported: str = ""  # the type text of Unsupported("...")

    def attribute(self, name: str) -> Attribute | None:
        """The field attribute ``@name``, if present."""
        return next((a for a in self.attributes if a.name == name), None)


@dataclass(frozen=True)
class Block:
    """A top-level block of kind ``model``, ``enum``, ``view``, ``type``, ``datasource`` or ``generator``."""

    kind: str
    name: str
    path: str
    line: int
    fields: tuple[PrismaField, ...] = ()
    attributes: tuple[Attribute, ...] = ()
    settings: tuple[tuple[str, Value], ...] = ()  # datasource/generator key = value

    def attribute(self, name: str) -> Attribute | None:
        """The block attribute ``@@name``, if present."""
        return next((a for a in self.attributes if a.name == name), None)

    def setting(self, key: str) -> Value | None:
        """The value of ``key = value`` in a datasource/generator block."""
        return next((v for k, v in self.settings if k == key), None)


@dataclass(frozen=True)
class PrismaFile:
    """What one ``.prisma`` file holds."""

    path: str
    blocks: tuple[Block, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = field(default=())

    @property
    def models(self) -> tuple[Block, ...]:
        """The ``model`` blocks, in file order."""
        return tuple(b for b in self.blocks if b.kind == "model")
