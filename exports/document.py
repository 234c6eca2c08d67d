"""The inventory report's document model and the walk every report format shares.

:func:`exports.report.build_report` returns a :class:`Report`: a title and a
sequence of blocks (:class:`Heading`, :class:`Para`, :class:`Bullets`,
:class:`TableBlock`, :class:`CodeBlock`) whose text is a tuple of inline parts
(plain ``str``, :class:`Code`, :class:`Strong`). Names stay plain strings here;
each format escapes them its own way.

A format subclasses :class:`ReportRenderer`: it says how to write each kind of
block and how to wrap the pieces into a document; :meth:`ReportRenderer.render`
walks the report. :func:`join_inline` renders inline parts.

Examples
--------
>>> class Plain(ReportRenderer):
...     def heading(self, block): return block.text.upper()
...     def para(self, block): return join_inline(block.parts, text=str, code=repr, strong=str)
...     def bullets(self, block): return "; ".join(join_inline(i, text=str, code=repr, strong=str)
...                                                for i in block.items)
...     def table(self, block): return " | ".join(block.header)
...     def code_block(self, block): return block.text
...     def document(self, title, chunks): return "\\n".join([title, *chunks])
>>> print(Plain().render(Report("T", (Heading(2, "h"), Para(("a ", Code("x")))))))
T
H
a 'x'
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Union

__all__ = [
    "Block",
    "Bullets",
    "Code",
    "CodeBlock",
    "Heading",
    "Inline",
    "Para",
    "Report",
    "ReportRenderer",
    "Strong",
    "TableBlock",
    "Text",
    "join_inline",
]


@dataclass(frozen=True)
class Code:
    """Inline code (an identifier, a path)."""

    text: str


@dataclass(frozen=True)
class Strong:
    """Emphasised text."""

    text: str


Inline = Union[str, Code, Strong]  # noqa: UP007 - a runtime alias
Text = tuple[Inline, ...]


@dataclass(frozen=True)
class Heading:
    """A section heading (level 2 or 3; the title is level 1)."""

    level: int
    text: str


@dataclass(frozen=True)
class Para:
    """A paragraph."""

    parts: Text


@dataclass(frozen=True)
class Bullets:
    """A bulleted list, one text per item."""

    items: tuple[Text, ...]


@dataclass(frozen=True)
class TableBlock:
    """A table: header cells and rows of text cells; ``numeric`` columns are aligned right."""

    header: tuple[str, ...]
    rows: tuple[tuple[Text, ...], ...]
    numeric: tuple[int, ...] = ()


@dataclass(frozen=True)
class CodeBlock:
    """A block of code in language ``lang`` (``sql``)."""

    lang: str
    text: str


Block = Union[Heading, Para, Bullets, TableBlock, CodeBlock]  # noqa: UP007


@dataclass(frozen=True)
class Report:
    """A titled sequence of blocks."""

    title: str
    blocks: tuple[Block, ...] = field(default=())


def join_inline(
    parts: Sequence[Inline],
    *,
    text: Callable[[str], str],
    code: Callable[[str], str],
    strong: Callable[[str], str],
) -> str:
    """Each part through the function for its kind, joined.

    >>> join_inline(("a", Code("b"), Strong("c")), text=str, code="`{}`".format, strong="*{}*".format)
    'a`b`*c*'
    """
    out = []
    for part in parts:
        if isinstance(part, Code):
            out.append(code(part.text))
        elif isinstance(part, Strong):
            out.append(strong(part.text))
        else:
            out.append(text(part))
    return "".join(out)


class ReportRenderer(ABC):
    """One report format: a piece of text per block, then the document around them."""

    def render(self, report: Report) -> str:
        """The whole document of ``report``."""
        return self.document(report.title, [self.block(b) for b in report.blocks])

    def block(self, block: Block) -> str:
        """The text of one block."""
        if isinstance(block, Heading):
            return self.heading(block)
        if isinstance(block, Para):
            return self.para(block)
        if isinstance(block, Bullets):
            return self.bullets(block)
        if isinstance(block, TableBlock):
            return self.table(block)
        return self.code_block(block)

    @abstractmethod
    def heading(self, block: Heading) -> str: ...

    @abstractmethod
    def para(self, block: Para) -> str: ...

    @abstractmethod
    def bullets(self, block: Bullets) -> str: ...

    @abstractmethod
    def table(self, block: TableBlock) -> str: ...

    @abstractmethod
    def code_block(self, block: CodeBlock) -> str: ...

    @abstractmethod
    def document(self, title: str, chunks: list[str]) -> str:
        """The document: ``title`` and the text of each block, in order."""
