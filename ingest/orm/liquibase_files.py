"""Liquibase changelog files (XML, YAML, JSON) -> one tree of :class:`LNode` with line numbers.

Both forms become the same tree, so :mod:`ingest.orm.liquibase` reads them alike: an element
(``<createTable tableName="t">``, YAML ``- createTable: {tableName: t}``) is a node whose ``tag``
is its name, whose ``attrs`` are its scalar attributes and whose ``children`` are its elements in
order; YAML's list wrappers ``changes:`` and ``columns:`` are dropped, as XML has none (other lists,
``rollback:``, ``preConditions:``, stay elements). ``line`` is
the element's line, ``text_line`` where its text starts (``<sql>``, a YAML block scalar).

XML is read with expat, never with network or file access: a document that declares entities
(the way to "billion laughs" and external entities) is refused, parameter entities are never
parsed. YAML and JSON are *composed* with PyYAML's safe loader (no object is ever constructed),
and the tree is bounded: an alias bomb or a too deep document is refused.

>>> root = load_text("db.xml", '''<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">
...   <changeSet id="1" author="a">
...     <createTable tableName="users"><column name="id" type="int"/></createTable>
...   </changeSet>
... </databaseChangeLog>''')
>>> change = root.children[0].children[0]
>>> change.tag, change.attrs, change.line, [c.attrs["name"] for c in change.children]
('createTable', {'tableName': 'users'}, 3, ['id'])
>>> root = load_text("db.yaml", '''databaseChangeLog:
...   - changeSet:
...       id: 1
...       changes:
...         - sql: |
...             CREATE TABLE t (id int);''')
>>> sql = root.children[0].children[0]
>>> sql.tag, sql.text.strip(), sql.text_line
('sql', 'CREATE TABLE t (id int);', 6)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING
from xml.parsers import expat

if TYPE_CHECKING:  # PyYAML (10 ms of imports) is imported when a YAML changelog is read
    import yaml

__all__ = ["LNode", "UnsafeDocument", "load_text"]

_MAX_NODES = 200_000
_MAX_DEPTH = 64
#: YAML lists that only wrap elements (XML has no element for them): their items are children.
_WRAPPERS = frozenset({"changes", "columns"})


class UnsafeDocument(ValueError):
    """A document refused: entity declarations, an alias bomb, too deep, or no changelog."""


@dataclass
class LNode:
    """One element of a changelog."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[LNode] = field(default_factory=list)
    text: str = ""
    line: int = 0
    text_line: int = 0


class _Xml:
    def __init__(self) -> None:
        self.parser = expat.ParserCreate(namespace_separator="}")
        self.stack: list[LNode] = []
        self.root: LNode | None = None
        self.parts: dict[int, list[str]] = {}
        p = self.parser
        p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        p.StartElementHandler = self.start
        p.EndElementHandler = self.end
        p.CharacterDataHandler = self.chars
        p.EntityDeclHandler = self.refuse
        p.ExternalEntityRefHandler = self.refuse_external

    def refuse(self, *_: object) -> None:
        raise UnsafeDocument("XML entity declarations are not read (unsafe)")

    def refuse_external(self, *_: object) -> int:
        raise UnsafeDocument("XML external entities are not read (unsafe)")

    def start(self, name: str, attrs: dict[str, str]) -> None:
        node = LNode(
            name.rsplit("}", 1)[-1],
            {k.rsplit("}", 1)[-1]: v for k, v in attrs.items()},
            line=self.parser.CurrentLineNumber,
        )
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)
        if len(self.stack) > _MAX_DEPTH:
            raise UnsafeDocument("document nested too deeply")

    def end(self, _: str) -> None:
        node = self.stack.pop()
        node.text = "".join(self.parts.pop(id(node), []))

    def chars(self, data: str) -> None:
        if not self.stack:
            return
        node = self.stack[-1]
        if id(node) not in self.parts:
            self.parts[id(node)] = []
            node.text_line = self.parser.CurrentLineNumber
        self.parts[id(node)].append(data)


def _load_xml(text: str) -> LNode:
    reader = _Xml()
    try:
        reader.parser.Parse(text, True)
    except expat.ExpatError as exc:
        raise UnsafeDocument(f"XML syntax error at line {exc.lineno}: {expat.ErrorString(exc.code)}") from exc
    if reader.root is None:
        raise UnsafeDocument("empty XML document")
    return reader.root


class _Yaml:
    def __init__(self, module: ModuleType) -> None:
        self.count = 0
        self.yaml = module

    def node(self, tag: str, value: yaml.Node, depth: int, key: yaml.Node | None = None) -> LNode:
        """The element ``tag`` holding ``value``; its line is its key's, when it has one."""
        self.count += 1
        if self.count > _MAX_NODES or depth > _MAX_DEPTH:
            raise UnsafeDocument("YAML document too large or too deep (aliases?)")
        line = (key or value).start_mark.line + 1
        yaml = self.yaml
        if isinstance(value, yaml.ScalarNode):
            block = value.style in ("|", ">")
            start = value.start_mark.line + 1
            return LNode(tag, text=str(value.value), line=line, text_line=start + 1 if block else start)
        out = LNode(tag, line=line)
        if isinstance(value, yaml.SequenceNode):
            self.items(out, tag, value, depth)
        elif isinstance(value, yaml.MappingNode):
            for key, item in value.value:
                name = str(key.value)
                if isinstance(item, yaml.ScalarNode):
                    out.attrs[name] = str(item.value)
                    if name == tag:  # {sql: {sql: "..."}}: the text of the element
                        out.text, out.text_line = (
                            str(item.value),
                            item.start_mark.line + 1 + (item.style in ("|", ">")),
                        )
                elif isinstance(item, yaml.SequenceNode) and name in _WRAPPERS:
                    self.items(out, name, item, depth)
                elif isinstance(item, yaml.SequenceNode):  # rollback, preConditions...: an element
                    inner = LNode(name, line=key.start_mark.line + 1)
                    self.items(inner, name, item, depth + 1)
                    out.children.append(inner)
                else:
                    out.children.append(self.node(name, item, depth + 1, key))
        return out

    def items(self, out: LNode, tag: str, seq: yaml.SequenceNode, depth: int) -> None:
        """A list: single-key mappings are elements; scalars are elements named after the list."""
        for item in seq.value:
            if isinstance(item, self.yaml.MappingNode) and len(item.value) == 1:
                key, value = item.value[0]
                out.children.append(self.node(str(key.value), value, depth + 1, key))
            else:
                out.children.append(self.node(tag, item, depth + 1))


def _load_yaml(text: str) -> LNode:
    import yaml

    try:
        document = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise UnsafeDocument(f"YAML syntax error{where}: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(document, yaml.MappingNode):
        raise UnsafeDocument("not a Liquibase changelog (no databaseChangeLog)")
    body = next((v for k, v in document.value if str(k.value) == "databaseChangeLog"), None)
    if body is None:
        raise UnsafeDocument("not a Liquibase changelog (no databaseChangeLog)")
    return _Yaml(yaml).node("databaseChangeLog", body, 0)


def load_text(name: str, text: str) -> LNode:
    """The changelog tree of a file's text (XML by its ``.xml`` name, else YAML/JSON); raises
    :class:`UnsafeDocument` for anything else."""
    root = _load_xml(text) if name.lower().endswith(".xml") else _load_yaml(text)
    if root.tag != "databaseChangeLog":
        raise UnsafeDocument(f"not a Liquibase changelog (root element {root.tag!r})")
    return root
