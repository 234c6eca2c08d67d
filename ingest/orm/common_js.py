"""Shared plumbing of the JavaScript/TypeScript schema readers (Sequelize, TypeORM, Knex).

Files are parsed with tree-sitter (``tree-sitter-javascript`` / ``-typescript``), never run and
never matched with regular expressions. :class:`JsFile` holds one parse tree and answers the
questions the readers ask of a node: its static value as a string, an object's keys, an array's
items, following the ``x = ...`` bindings of the same file (:meth:`JsFile.resolve`).
:func:`calls` lists the ``<receiver>.<method>(...)`` calls under a node in source order and
:func:`up_bodies` the bodies of a migration's ``up`` function (never ``down``). Names follow the
ORMs' own rules (:func:`snake_case`, :func:`camelize`, :func:`pluralize`), referential actions are
spelled as PostgreSQL prints them (:func:`action`), and :func:`sql_ops` sends the SQL of a string
literal through the SQL ingester with the string's ``path:line``.

>>> f = parse_js(b"const T = 'users';\\nmodule.exports = { up: async (qi) => { await qi.dropTable(T); } };",
...              "m/1-x.js", "javascript")
>>> [(c.method, f.string(c.args[0]), c.line) for body in up_bodies(f) for c in calls(f, body, {"dropTable"})]
[('dropTable', 'users', 2)]
>>> camelize("user_id"), snake_case("UserAccount"), pluralize("Category"), action("set null")
('userId', 'user_account', 'Categories', 'SET NULL')
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import tree_sitter_javascript
import tree_sitter_typescript
from tree_sitter import Language, Node, Parser, Query, QueryCursor

from ingest.migrations.ops import Op
from ingest.migrations.parse import parse_file
from model.inventory import Diagnostic

__all__ = [
    "PLACEHOLDER",
    "Call",
    "JsFile",
    "action",
    "calls",
    "camelize",
    "language_of",
    "line",
    "matches",
    "parse_js",
    "pluralize",
    "snake_case",
    "sql_ops",
    "text",
    "typeorm_fk_name",
    "up_bodies",
]

_GRAMMARS: dict[str, Callable[[], object]] = {
    "javascript": tree_sitter_javascript.language,
    "typescript": tree_sitter_typescript.language_typescript,
    "tsx": tree_sitter_typescript.language_tsx,
}
_SUFFIXES = {".js": "javascript", ".cjs": "javascript", ".mjs": "javascript", ".jsx": "javascript"}
_SUFFIXES |= {".ts": "typescript", ".cts": "typescript", ".mts": "typescript", ".tsx": "tsx"}
#: Wrappers that do not change a value: ``(x)``, ``await x``, ``x as T``, ``x!``, ``<T>x``, ``x satisfies T``.
_WRAPPERS = frozenset(
    {"parenthesized_expression", "await_expression", "as_expression", "non_null_expression"}
    | {"type_assertion", "satisfies_expression"}
)
_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function", "function_declaration"})
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "b": "\b", "f": "\f", "v": "\v"}
#: Stands for a ``${...}`` substitution that is no known constant (a valid SQL identifier).
PLACEHOLDER = "fkmap_ph"
_ACTIONS = {
    "cascade": "CASCADE",
    "set null": "SET NULL",
    "setnull": "SET NULL",
    "set default": "SET DEFAULT",
    "setdefault": "SET DEFAULT",
    "restrict": "RESTRICT",
    "no action": "NO ACTION",
    "noaction": "NO ACTION",
}
_CALLS = """(call_expression
  function: (member_expression object: (_) @recv property: (property_identifier) @m)
  arguments: (arguments) @args) @call"""


@functools.cache
def _language(lang: str) -> Language:
    return Language(_GRAMMARS[lang]())


@functools.cache
def _parser(lang: str) -> Parser:
    return Parser(_language(lang))


@functools.cache
def _query(lang: str, source: str) -> Query:
    return Query(_language(lang), source)


def language_of(path: str) -> str | None:
    """The grammar of a file name (``None`` for type declarations ``.d.ts`` and other files).

    >>> language_of("src/models/user.ts"), language_of("types.d.ts"), language_of("a.mjs")
    ('typescript', None, 'javascript')
    """
    lowered = path.lower()
    if lowered.endswith((".d.ts", ".d.mts", ".d.cts", ".min.js")):
        return None
    dot = lowered.rfind(".")
    return _SUFFIXES.get(lowered[dot:]) if dot >= 0 else None


def text(node: Node | None) -> str:
    """The source text of ``node`` (``""`` for none)."""
    return "" if node is None or node.text is None else node.text.decode("utf-8", "replace")


def line(node: Node) -> int:
    """The 1-based line where ``node`` starts."""
    return node.start_point.row + 1


def _unescape(raw: str) -> str:
    body = raw[1:]
    if len(body) == 1:
        return _ESCAPES.get(body, body)
    if body[:1] in ("u", "x"):
        try:
            return chr(int(body[1:].strip("{}"), 16))
        except ValueError:
            return body
    return body


@dataclass
class Call:
    """One ``<receiver>.<method>(args)`` call: ``line`` is the line of the method name."""

    node: Node
    method: str
    receiver: Node
    args: list[Node]
    line: int


@dataclass
class JsFile:
    """One parsed file: ``rel`` is its path relative to the scanned root, as shown in ``path:line``."""

    rel: str
    lang: str
    root: Node
    bindings: dict[str, list[tuple[int, Node]]] = field(default_factory=dict)

    def bound(self, name: Node) -> Node | None:
        """The value an identifier holds where it is used: the last ``x = ...`` (or declaration) of
        that name before it in the text, else the only one -- straight-line code, as migrations are
        written (a value assigned in a branch is taken as if the branch ran)."""
        found = self.bindings.get(text(name), [])
        before = [value for at, value in found if at < name.start_byte]
        if before:
            return before[-1]
        return found[0][1] if len(found) == 1 else None

    def resolve(self, node: Node | None, depth: int = 0) -> Node | None:
        """``node`` without wrappers, an identifier replaced by the value it is bound to (when bound once)."""
        while node is not None and node.type in _WRAPPERS and node.named_children:
            node = node.named_children[0]
        if node is not None and node.type in ("identifier", "member_expression") and depth < 8:
            bound = self.bound(node)
            if bound is not None:
                return self.resolve(bound, depth + 1)
        return node

    def string(self, node: Node | None) -> str | None:
        """The static value of a string, a template string (substitutions of constant strings filled
        in, others a placeholder) or a ``'a' + 'b'`` chain; ``None`` when it is no string."""
        node = self.resolve(node)
        if node is None:
            return None
        if node.type == "string":
            return self._literal(node)
        if node.type == "template_string":
            return self._literal(node, template=True)
        if node.type == "binary_expression" and text(node.child_by_field_name("operator")) == "+":
            left = self.string(node.child_by_field_name("left"))
            right = self.string(node.child_by_field_name("right"))
            return None if left is None or right is None else left + right
        return None

    def _literal(self, node: Node, template: bool = False) -> str:
        parts: list[str] = []
        for child in node.children:
            if child.type == "string_fragment":
                parts.append(text(child))
            elif child.type == "escape_sequence":
                parts.append(_unescape(text(child)))
            elif template and child.type == "template_substitution":
                inner = child.named_children[0] if child.named_children else None
                value = self.string(inner)
                parts.append(PLACEHOLDER if value is None else value)
        return "".join(parts)

    def obj(self, node: Node | None) -> dict[str, Node]:
        """The keys of an object literal with their value nodes (``{ sequelize }`` gives the identifier;
        ``...spread`` of a known object merged in); ``{}`` for anything else."""
        node = self.resolve(node)
        pairs: dict[str, Node] = {}
        if node is None or node.type != "object":
            return pairs
        for child in node.named_children:
            if child.type == "pair":
                key = child.child_by_field_name("key")
                value = child.child_by_field_name("value")
                name = self.string(key) if key is not None and key.type == "string" else text(key)
                if value is not None and name:
                    pairs[name] = value
            elif child.type == "shorthand_property_identifier":
                pairs[text(child)] = child
            elif child.type == "spread_element" and child.named_children:
                pairs.update(self.obj(child.named_children[0]))
        return pairs

    def array(self, node: Node | None) -> list[Node]:
        """The items of an array literal (``[]`` for anything else)."""
        node = self.resolve(node)
        if node is None or node.type != "array":
            return []
        return [c for c in node.named_children if c.type != "comment"]

    def strings(self, node: Node | None) -> tuple[str, ...]:
        """A string or an array of strings as a tuple (other items are skipped)."""
        value = self.string(node)
        if value is not None:
            return (value,)
        return tuple(s for s in (self.string(item) for item in self.array(node)) if s is not None)

    def boolean(self, node: Node | None) -> bool | None:
        """``true``/``false`` (``None`` for anything else)."""
        node = self.resolve(node)
        kind = node.type if node is not None else ""
        return True if kind == "true" else False if kind == "false" else None

    def key_text(self, pairs: dict[str, Node], key: str) -> str | None:
        """The string value of ``pairs[key]``, ``None`` when absent or not a string."""
        return self.string(pairs.get(key))


def parse_js(src: bytes, rel: str, lang: str) -> JsFile:
    """Parse one file; invalid UTF-8 is replaced first. Every ``name = value`` declarator and
    assignment of the file is a binding of ``name`` from its place on (:meth:`JsFile.bound`)."""
    try:
        src.decode("utf-8")
    except UnicodeDecodeError:
        src = src.decode("utf-8", "replace").encode("utf-8")
    root = _parser(lang).parse(src).root_node
    f = JsFile(rel, lang, root)
    query = """
    (variable_declarator name: (identifier) @name value: (_) @value)
    (assignment_expression left: (identifier) @name right: (_) @value)
    """
    for m in matches(lang, query, root):
        f.bindings.setdefault(text(m["name"]), []).append((m["name"].start_byte, m["value"]))
    for found in f.bindings.values():
        found.sort(key=lambda item: item[0])
    return f


def matches(lang: str, query: str, node: Node) -> list[dict[str, Node]]:
    """One ``{capture: node}`` dict per match of a (cached) query under ``node``."""
    return [{k: v[0] for k, v in m.items() if v} for _, m in QueryCursor(_query(lang, query)).matches(node)]


def calls(f: JsFile, node: Node, methods: Iterable[str]) -> list[Call]:
    """The ``x.<method>(...)`` calls under ``node`` whose method is one of ``methods``, in the order
    of their method names in the text (so ``a.m1().m2()`` gives ``m1`` first)."""
    wanted = frozenset(methods)
    found: list[tuple[int, Call]] = []
    for m in matches(f.lang, _CALLS, node):
        method = text(m["m"])
        if method in wanted:
            args = [a for a in m["args"].named_children if a.type != "comment"]
            found.append((m["m"].start_byte, Call(m["call"], method, m["recv"], args, line(m["m"]))))
    found.sort(key=lambda item: item[0])
    return [c for _, c in found]


def _function_body(f: JsFile, node: Node | None) -> Node | None:
    node = f.resolve(node)
    if node is None or node.type not in _FUNCTIONS | {"method_definition"}:
        return None
    return node.child_by_field_name("body")


def up_bodies(f: JsFile) -> list[Node]:
    """The bodies of the file's ``up`` migration functions: ``{ up: ... }``, ``async up() {}``,
    ``function up()``, ``exports.up = ...``, ``const up = ...`` (``down`` is never read)."""
    query = """
    (pair key: [(property_identifier) (string)] @k value: (_) @v)
    (method_definition name: (property_identifier) @k) @v
    (function_declaration name: (identifier) @k) @v
    (assignment_expression left: (member_expression property: (property_identifier) @k) right: (_) @v)
    (variable_declarator name: (identifier) @k value: (_) @v)
    """
    bodies: dict[tuple[int, int], Node] = {}
    for m in matches(f.lang, query, f.root):
        key = m["k"]
        name = f.string(key) if key.type == "string" else text(key)
        body = _function_body(f, m["v"]) if name == "up" else None
        if body is not None:
            bodies.setdefault((body.start_byte, body.end_byte), body)
    return [bodies[k] for k in sorted(bodies)]


def camelize(name: str) -> str:
    """Sequelize's/TypeORM's camel case of ``a_b`` (``user_id`` -> ``userId``); the first letter kept."""
    out: list[str] = []
    upper = False
    for ch in name.strip():
        if ch in "_- ":
            upper = bool(out)
            continue
        out.append(ch.upper() if upper else ch)
        upper = False
    return "".join(out)


def snake_case(name: str) -> str:
    """TypeORM's snake case: ``UserAccount`` -> ``user_account``, ``HTTPLog`` -> ``http_log``.

    >>> snake_case("HTTPLog"), snake_case("userId")
    ('http_log', 'user_id')
    """
    out: list[str] = []
    for i, ch in enumerate(name):
        if ch.isupper() and i > 0:
            prev, nxt = name[i - 1], name[i + 1 : i + 2]
            if prev not in "_" and (not prev.isupper() or nxt.islower()):
                out.append("_")
        out.append(ch.lower())
    return "".join(out)


_IRREGULAR = {"person": "people", "man": "men", "woman": "women", "child": "children", "mouse": "mice"}
_UNCOUNTABLE = frozenset(
    {"equipment", "information", "money", "species", "series", "data", "metadata", "news"}
)


def pluralize(word: str) -> str:
    """The plural of a model name as Sequelize makes it (the case of the word is kept).

    >>> [pluralize(w) for w in ("User", "Category", "Address", "Person", "box", "data", "Key")]
    ['Users', 'Categories', 'Addresses', 'People', 'boxes', 'data', 'Keys']
    """
    lower = word.lower()
    if not word or lower in _UNCOUNTABLE:
        return word
    for single, plural in _IRREGULAR.items():
        if lower.endswith(single) and (lower == single or not lower[: -len(single)][-1:].isalpha()):
            return word[: len(word) - len(single)] + (
                plural.capitalize() if word[-len(single)].isupper() else plural
            )
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def typeorm_fk_name(table: str, columns: Iterable[str]) -> str:
    """TypeORM's default foreign key name: ``FK_`` and 27 hex digits of a SHA-1 of the table (a
    ``schema.table`` path with its dot made ``_``) and the sorted column names.

    >>> typeorm_fk_name("posts", ["userId"])
    'FK_ae05faaa55c866130abef6e1fee'
    """
    key = f"{table.replace('.', '_', 1)}_{'_'.join(sorted(columns))}"
    return "FK_" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:27]


def action(value: str | None) -> str | None:
    """A referential action as PostgreSQL prints it (``None`` when absent or unknown)."""
    if value is None:
        return None
    return _ACTIONS.get(" ".join(value.replace("_", " ").lower().split()))


def sql_ops(sql: str, rel: str, first_line: int, dialect: str | None) -> tuple[list[Op], list[Diagnostic]]:
    """The operations of SQL found in a string literal starting on ``first_line`` of ``rel``: the
    text is parsed as if it stood at that line, so operations and diagnostics carry true lines."""
    name, ops, diags, error = parse_file("\n" * (first_line - 1) + sql, rel, dialect)
    if error:
        message = f"internal error parsing the SQL of a string ({name}): {error}"
        return [], [Diagnostic("error", message, rel, first_line, code="internal")]
    return ops, diags
