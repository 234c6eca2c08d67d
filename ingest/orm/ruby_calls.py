"""Ruby source (tree-sitter) -> the method calls of a Rails schema or migration, with literal arguments.

Nothing is evaluated: :meth:`RubyFile.calls` walks statements in order and turns each method call
into an :class:`RCall` whose arguments are Ruby literals as Python values -- strings and
symbols become ``str``, numbers, ``true``/``false``/``nil``, arrays (also ``%w[]``/``%i[]``)
and hashes (``key: v``, ``"key" => v``) -- and anything else (a variable, a constant, an
interpolated string, a method call) a :class:`Dyn` holding its source text, for the reader
to report instead of guessing.

A call with a block is followed into it: the table blocks (``create_table``, ``change_table``,
``create_join_table``) keep their statements as :attr:`RCall.block`; any other block
(``reversible``, ``dir.up``, ``say_with_time``, ``up_only``, a loop) is read in line, except
``dir.down`` and ``revert``, which undo. ``if``/``unless``/``case`` branches are all read, except
under a test on the database adapter (``connection.adapter_name == "SQLServer"``,
:mod:`ingest.orm.ruby_adapter`): only the branch taken for the engine read is.
A heredoc argument (``execute <<~SQL``) is a string holding its body; :attr:`RCall.text_line`
is the line where a literal string argument's text starts.

>>> calls = RubyFile(b'''create_table "users", id: :uuid, force: :cascade do |t|
...   t.references :org, foreign_key: { to_table: :orgs }
... end
... add_column tbl, :x, :string''').calls()
>>> c = calls[0]
>>> c.method, c.args, c.options
('create_table', ['users'], {'id': 'uuid', 'force': 'cascade'})
>>> [(b.method, b.receiver, b.args, b.options) for b in c.block or []]
[('references', 't', ['org'], {'foreign_key': {'to_table': 'orgs'}})]
>>> calls[1].args
[Dyn(text='tbl'), 'x', 'string']
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field

import tree_sitter_ruby
from tree_sitter import Language, Node, Parser

from ingest.orm.ruby_adapter import adapter_test

__all__ = ["Dyn", "RCall", "RValue", "RubyFile", "parse", "syntax_error_line"]

TABLE_BLOCKS = frozenset({"create_table", "change_table", "create_join_table"})
_UNDO = frozenset({"down", "revert"})
#: String methods that keep what SQL means (``<<~SQL.squish``).
_STRING_METHODS = frozenset({"squish", "strip", "chomp", "freeze", "dup", "strip_heredoc", "squeeze"})
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "s": " ", "e": "\x1b"}


@dataclass(frozen=True)
class Dyn:
    """A value that is not a literal: its source text."""

    text: str


RValue = str | int | float | bool | None | list["RValue"] | dict[str, "RValue"] | Dyn


@dataclass
class RCall:
    """One method call: ``receiver.method(args, options) do |block_param| block end``."""

    method: str
    receiver: str
    args: list[RValue]
    options: dict[str, RValue]
    line: int
    text: str
    splat: bool = False
    block: list[RCall] | None = None
    block_param: str = ""
    text_line: int = 0

    def option(self, name: str, default: RValue = None) -> RValue:
        return self.options.get(name, default)


@dataclass
class _Source:
    src: bytes
    heredocs: dict[int, Node] = field(default_factory=dict)  # heredoc_beginning id -> body
    engine: str = "postgres"  # the engine adapter tests are decided for


@functools.cache
def _parser() -> Parser:
    return Parser(Language(tree_sitter_ruby.language()))


def parse(src: bytes) -> Node:
    """The syntax tree of a Ruby file (invalid UTF-8 replaced first)."""
    try:
        src.decode("utf-8")
    except UnicodeDecodeError:
        src = src.decode("utf-8", "replace").encode("utf-8")
    return _parser().parse(src).root_node


def syntax_error_line(root: Node) -> int:
    """The 1-based line of the first syntax error, 0 when there is none."""
    if not root.has_error:
        return 0
    node = root
    while not (node.is_error or node.is_missing):
        child = next((c for c in node.children if c.has_error or c.is_missing), None)
        if child is None:
            break
        node = child
    return node.start_point.row + 1


def _text(node: Node | None) -> str:
    return "" if node is None or node.text is None else node.text.decode("utf-8", "replace")


def _heredocs(root: Node) -> dict[int, Node]:
    """Each ``heredoc_beginning`` with its body (bodies follow their beginnings in document order)."""
    pending: list[Node] = []
    found: dict[int, Node] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "heredoc_beginning":
            pending.append(node)
        elif node.type == "heredoc_body" and pending:
            found[pending.pop(0).id] = node
        stack.extend(reversed(node.children))
    return found


def _string(node: Node, source: _Source) -> str | Dyn:
    parts: list[str] = []
    for child in node.children:
        if child.type in ("string_content", "heredoc_content"):
            parts.append(_text(child))
        elif child.type == "escape_sequence":
            raw = _text(child)[1:]
            parts.append(_ESCAPES.get(raw, raw) if len(raw) == 1 else raw)
        elif child.type == "interpolation":
            inner = child.named_children
            value = _string(inner[0], source) if len(inner) == 1 and inner[0].type == "string" else None
            if not isinstance(value, str):
                return Dyn(_text(node))
            parts.append(value)  # #{' '}: a literal kept by linters
    return "".join(parts)


_CONSTANTS = frozenset({"integer", "float", "true", "false", "nil"})


def _constant(node: Node) -> RValue:
    """A number, ``true``, ``false`` or ``nil``."""
    kind, text = node.type, _text(node).replace("_", "")
    if kind in ("true", "false", "nil"):
        return None if kind == "nil" else kind == "true"
    try:
        return int(text, 0) if kind == "integer" else float(text)
    except ValueError:
        return Dyn(_text(node))


def _value(node: Node, source: _Source) -> RValue:
    kind = node.type
    if kind in ("string", "delimited_symbol", "bare_string", "bare_symbol"):
        return _string(node, source)
    if kind == "simple_symbol":
        return _text(node)[1:]
    if kind in ("hash_key_symbol", "identifier_key"):
        return _text(node)
    if kind == "heredoc_beginning":
        body = source.heredocs.get(node.id)
        return _string(body, source) if body is not None else Dyn(_text(node))
    if kind in _CONSTANTS:
        return _constant(node)
    if kind in ("array", "string_array", "symbol_array"):
        return [_value(c, source) for c in node.named_children]
    if kind == "hash":
        return _hash(node.named_children, source)
    if kind == "parenthesized_statements" and node.named_child_count == 1:
        return _value(node.named_children[0], source)
    if kind == "call" and _text(node.child_by_field_name("method")) in _STRING_METHODS:
        receiver = node.child_by_field_name("receiver")
        inner = _value(receiver, source) if receiver is not None else None
        if isinstance(inner, str) and not node.child_by_field_name("arguments"):
            return inner
    return Dyn(_text(node))


def _hash(pairs: list[Node], source: _Source) -> dict[str, RValue] | Dyn:
    out: dict[str, RValue] = {}
    for pair in pairs:
        if pair.type != "pair":
            return Dyn(_text(pair))
        key = _value(pair.child_by_field_name("key") or pair, source)
        value = pair.child_by_field_name("value")
        if not isinstance(key, str):
            return Dyn(_text(pair))
        out[key.rstrip(":")] = _value(value, source) if value is not None else Dyn(key)
    return out


def _call(node: Node, source: _Source) -> RCall:
    receiver = node.child_by_field_name("receiver")
    args: list[RValue] = []
    options: dict[str, RValue] = {}
    splat = False
    text_line = 0
    arguments = node.child_by_field_name("arguments")
    for arg in arguments.named_children if arguments is not None else ():
        if arg.type == "pair":
            got = _hash([arg], source)
            options.update(got if isinstance(got, dict) else {})
            splat = splat or isinstance(got, Dyn)
        elif arg.type in ("splat_argument", "hash_splat_argument", "block_argument"):
            splat = True
        elif arg.type in ("heredoc_body", "comment"):
            continue
        else:
            args.append(_value(arg, source))
            literal = arg.child_by_field_name("receiver") if arg.type == "call" else arg
            if not text_line and literal is not None and literal.type in ("string", "heredoc_beginning"):
                start = source.heredocs.get(literal.id, literal)
                text_line = start.start_point.row + 1
    return RCall(
        method=_text(node.child_by_field_name("method")),
        receiver=_text(receiver),
        args=args,
        options=options,
        line=node.start_point.row + 1,
        text=_text(node).split("\n", 1)[0],
        splat=splat,
        text_line=text_line,
    )


def _block_parts(node: Node) -> tuple[str, Node | None]:
    block = node.child_by_field_name("block")
    if block is None:
        return "", None
    params = block.child_by_field_name("parameters")
    first = params.named_children[0] if params is not None and params.named_children else None
    return _text(first), block.child_by_field_name("body")


def _walk(node: Node, source: _Source, out: list[RCall]) -> None:
    for child in node.named_children:
        _walk_one(child, source, out)


def _walk_one(child: Node, source: _Source, out: list[RCall]) -> None:
    if child.type == "call":
        _visit_call(child, source, out)
    elif child.type in _CONDITIONALS and _adapter_branch(child, source, out):
        return
    elif child.type not in ("method", "singleton_method", "class", "module", "heredoc_body"):
        _walk(child, source, out)


_CONDITIONALS = frozenset({"if", "elsif", "unless", "if_modifier", "unless_modifier"})


def _adapter_branch(node: Node, source: _Source, out: list[RCall]) -> bool:
    """Walk only the branch an adapter test takes; False when the test is no adapter test."""
    taken = adapter_test(node.child_by_field_name("condition"), source.engine)
    if taken is None:
        return False
    if node.type.startswith("unless"):
        taken = not taken
    branch = node.child_by_field_name("consequence") or node.child_by_field_name("body")
    if not taken:
        branch = node.child_by_field_name("alternative")
    if branch is not None and branch.type in ("then", "else"):
        _walk(branch, source, out)
    elif branch is not None:
        _walk_one(branch, source, out)
    return True


def _visit_call(node: Node, source: _Source, out: list[RCall]) -> None:
    call = _call(node, source)
    param, body = _block_parts(node)
    if call.method in TABLE_BLOCKS:
        call.block_param = param
        call.block = []
        if body is not None:
            _walk(body, source, call.block)
        out.append(call)
        return
    if call.method in _UNDO:
        return
    if call.method:
        out.append(call)
    if body is not None:
        _walk(body, source, out)


class RubyFile:
    """One parsed Ruby file: its calls, its methods, its first syntax error."""

    def __init__(self, src: bytes, engine: str = "postgres") -> None:
        """``engine`` decides the tests on the database adapter (:mod:`ingest.orm.ruby_adapter`)."""
        self.root = parse(src)
        self._source = _Source(self.root.text or b"", _heredocs(self.root), engine)

    def calls(self, node: Node | None = None) -> list[RCall]:
        """The calls under ``node`` (default: the file) in statement order; method, class and
        module bodies are not entered."""
        out: list[RCall] = []
        _walk(self.root if node is None else node, self._source, out)
        return out

    def methods(self, names: frozenset[str]) -> Iterator[tuple[str, Node]]:
        """``(name, body)`` of every ``def name`` / ``def self.name`` in the file, in order."""
        stack = [self.root]
        while stack:
            node = stack.pop()
            if node.type in ("method", "singleton_method"):
                name = _text(node.child_by_field_name("name"))
                body = node.child_by_field_name("body")
                if name in names and body is not None:
                    yield name, body
                continue
            stack.extend(reversed(node.named_children))

    @property
    def error_line(self) -> int:
        """The 1-based line of the first syntax error, 0 when there is none."""
        return syntax_error_line(self.root)
