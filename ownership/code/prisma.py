"""Prisma schema files: each ``model`` maps to a table, a declaration of ownership intent.

The file is read with fkmap's Prisma parser (:func:`ingest.prisma.parse.parse_text`). A model maps
to ``@@map("x")`` (else its own name), in ``@@schema("s")`` when given; it counts as a write and
makes ``prisma.<model>.<op>(...)`` calls resolvable (namespace ``prisma``, any case of the first
letter).

>>> facts = read_prisma(b'''model OrderItem {
...   id Int @id
...   @@map("order_items")
...   @@schema("shop")
... }
... model Tag {
...   id Int @id
... }''', "prisma/schema.prisma")
>>> [(d.name, d.table, d.line, d.namespace) for d in facts.decls]
[('OrderItem', 'shop.order_items', 1, 'prisma'), ('Tag', 'tag', 6, 'prisma')]
"""

from __future__ import annotations

from ingest.prisma.nodes import Block, Ident
from ingest.prisma.parse import parse_text
from ownership.code.facts import Decl, FileFacts
from ownership.code.names import qualified

__all__ = ["read_prisma"]


def _argument(block: Block, attribute: str) -> str:
    found = block.attribute(attribute)
    value = found.first() if found is not None else None
    if isinstance(value, str):
        return value
    return value.name if isinstance(value, Ident) else ""


def read_prisma(src: bytes, path: str) -> FileFacts:
    """The model declarations of one ``.prisma`` file."""
    parsed = parse_text(src.decode("utf-8", "replace"), path)
    facts = FileFacts(diagnostics=list(parsed.diagnostics))
    for model in parsed.models:
        table = qualified(_argument(model, "schema"), _argument(model, "map") or model.name)
        facts.decls.append(Decl(model.name, table, "prisma", model.line, "prisma"))
    return facts
