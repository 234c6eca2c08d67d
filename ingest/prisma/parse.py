"""A small, forgiving parser of Prisma schema files (``schema.prisma``).

No maintained Python library parses the Prisma Schema Language (Prisma's own
parser is Rust, shipped inside the Node.js CLI), so this module reads the part
fkmap needs with a regex tokenizer and a line-oriented recursive descent, into the
nodes of :mod:`ingest.prisma.nodes`:

* ``datasource`` (``provider``, ``schemas``, ``relationMode``) and ``generator``
  blocks as ``key = value`` pairs;
* ``model`` blocks: fields ``name Type[?|[]] @attr(args) ...``, block attributes
  ``@@id``, ``@@map``, ``@@schema``..., the field's trailing ``//`` comment and
  the ``///`` doc comments above it;
* ``enum`` names (with ``@@map``), ``view`` and ``type`` names (so fields of
  those types are not taken for columns).

It never raises. A line it cannot read becomes an ``error`` diagnostic
(code ``parse-error``) and is skipped; a block without its closing ``}`` is
closed at the next top-level keyword or at the end of the file.

Examples
--------
>>> f = parse_text('''model Post {
...   id     Int  @id
...   userId Int  @map("user_id") // References user_db.User.id
...   @@map("posts")
... }''', "schema.prisma")
>>> m = f.models[0]
>>> m.name, m.line, [(x.name, x.type, x.line, x.comment) for x in m.fields]
('Post', 1, [('id', 'Int', 2, ''), ('userId', 'Int', 3, 'References user_db.User.id')])
>>> m.fields[1].attribute("map").args
((None, 'user_id'),)
>>> m.attribute("map").first()
'posts'
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ingest.diagnostics import PerFileCap
from ingest.prisma.nodes import Attribute, Block, Ident, PrismaField, PrismaFile, Value
from model.inventory import Diagnostic

__all__ = ["KEYWORDS", "parse_text"]

_TOKEN = re.compile(
    r"""
    (?P<nl>\r\n|\n|\r)
  | (?P<ws>[ \t\f\v\ufeff]+)
  | (?P<doc>///[^\r\n]*)
  | (?P<comment>//[^\r\n]*)
  | (?P<string>"(?:[^"\\\r\n]|\\.)*")
  | (?P<badstring>"[^\r\n]*)
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<attr2>@@)
  | (?P<punct>[{}()\[\],:=?@!])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
#: Top-level block keywords.
KEYWORDS = frozenset({"model", "enum", "view", "type", "datasource", "generator"})


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str
    line: int


class _Error(Exception):
    pass


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    line = 1
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind == "nl":
            out.append(_Tok("nl", "\n", line))
            line += 1
        elif kind != "ws":
            out.append(_Tok(kind, m.group(), line))
    return out


def _starts_line(tokens: list[_Tok], i: int) -> bool:
    """True when the tokens from ``i`` look like the start of a new line (a field, ``@@``, ``}``)."""
    sig = [t for t in tokens[i : i + 6] if t.kind not in ("nl", "comment", "doc")][:2]
    if not sig:
        return True
    if sig[0].text in ("@@", "}"):
        return True
    return len(sig) == 2 and sig[0].kind == "name" and sig[1].kind == "name"


def _lines(tokens: list[_Tok]) -> list[list[_Tok]]:
    """Split into logical lines: a newline inside brackets does not end a line, unless
    what follows clearly starts a new one (so one unclosed ``(`` cannot swallow the file)."""
    lines: list[list[_Tok]] = []
    current: list[_Tok] = []
    depth = 0
    for i, tok in enumerate(tokens):
        if tok.kind == "nl":
            if depth <= 0 or _starts_line(tokens, i + 1):
                lines.append(current)
                current, depth = [], 0
            continue
        if tok.kind == "punct" and tok.text in "([":
            depth += 1
        elif tok.kind == "punct" and tok.text in ")]":
            depth -= 1
        current.append(tok)
    lines.append(current)
    return lines


def _unquote(text: str) -> str:
    try:
        value = json.loads(text)
    except ValueError:
        return text[1:-1]
    return value if isinstance(value, str) else text[1:-1]


class _Cursor:
    """Recursive descent over the significant tokens of one line."""

    def __init__(self, toks: list[_Tok]) -> None:
        self.toks = toks
        self.i = 0

    def peek(self, offset: int = 0) -> _Tok | None:
        j = self.i + offset
        return self.toks[j] if j < len(self.toks) else None

    def at(self, text: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind in ("punct", "attr2") and tok.text == text

    def take(self, kind: str | None = None, text: str | None = None) -> _Tok:
        tok = self.peek()
        if tok is None:
            raise _Error("unexpected end of line")
        if (kind is not None and tok.kind != kind) or (text is not None and tok.text != text):
            want = text or kind
            raise _Error(f"expected {want!r}, found {tok.text!r}")
        self.i += 1
        return tok

    def done(self) -> bool:
        return self.i >= len(self.toks)

    def args(self) -> tuple[tuple[str | None, Value], ...]:
        self.take("punct", "(")
        out: list[tuple[str | None, Value]] = []
        while not self.at(")"):
            key = None
            nxt = self.peek(1)
            tok = self.peek()
            if tok is not None and tok.kind == "name" and nxt is not None and nxt.text == ":":
                key = tok.text
                self.i += 2
            out.append((key, self.value()))
            if not self.at(")"):
                self.take("punct", ",")
        self.take("punct", ")")
        return tuple(out)

    def value(self) -> Value:
        tok = self.peek()
        if tok is None:
            raise _Error("unexpected end of line")
        if tok.kind == "string":
            self.i += 1
            return _unquote(tok.text)
        if tok.kind == "number":
            self.i += 1
            return Ident(tok.text)
        if tok.kind == "name":
            self.i += 1
            return Ident(tok.text, self.args() if self.at("(") else ())
        if self.at("["):
            self.i += 1
            items: list[Value] = []
            while not self.at("]"):
                items.append(self.value())
                if not self.at("]"):
                    self.take("punct", ",")
            self.i += 1
            return tuple(items)
        if tok.kind == "badstring":
            raise _Error("unterminated string")
        raise _Error(f"unexpected {tok.text!r}")

    def attributes(self) -> tuple[Attribute, ...]:
        out = []
        while not self.done():
            tok = self.take()
            if tok.text not in ("@", "@@"):
                raise _Error(f"expected an attribute (@...), found {tok.text!r}")
            name = self.take("name").text
            out.append(Attribute(name, self.args() if self.at("(") else ()))
        return tuple(out)


def _comment_text(tok: _Tok) -> str:
    return tok.text.lstrip("/").strip()


class _Parser:
    def __init__(self, text: str, path: str) -> None:
        self.path = path
        self.lines = _lines(_tokens(text))
        self.diagnostics = PerFileCap()  # garbage is one error per line: at most MAX_PER_FILE kept
        self.source_lines = text.splitlines()

    def error(self, message: str, line: int) -> None:
        excerpt = self.source_lines[line - 1].strip()[:120] if 0 < line <= len(self.source_lines) else ""
        self.diagnostics.add(Diagnostic("error", message, self.path, line, excerpt, "parse-error"))

    def header(self, toks: list[_Tok]) -> tuple[str, str] | None:
        """``(kind, name)`` when the line opens a block (``model X {``)."""
        sig = [t for t in toks if t.kind not in ("comment", "doc")]
        if (
            len(sig) >= 3
            and sig[0].kind == "name"
            and sig[0].text in KEYWORDS
            and sig[1].kind == "name"
            and sig[2].text == "{"
        ):
            return sig[0].text, sig[1].text
        return None

    def parse(self) -> PrismaFile:
        blocks: list[Block] = []
        i = 0
        while i < len(self.lines):
            toks = [t for t in self.lines[i] if t.kind not in ("comment", "doc")]
            if not toks:
                i += 1
                continue
            head = self.header(toks)
            if head is None:
                self.error(
                    f"expected a block (model, enum, datasource...), found {toks[0].text!r}", toks[0].line
                )
                i += 1
                continue
            block, i = self.block(head[0], head[1], i)
            blocks.append(block)
        diagnostics = tuple(sorted(self.diagnostics.result(), key=lambda d: d.line))
        return PrismaFile(self.path, tuple(blocks), diagnostics)

    def block(self, kind: str, name: str, start: int) -> tuple[Block, int]:
        first = self.lines[start]
        sig = [t for t in first if t.kind not in ("comment", "doc")]
        line_no = sig[0].line
        body: list[list[_Tok]] = []
        rest = sig[3:]  # anything after '{' on the header line
        i = start + 1
        closed = False
        pending: list[list[_Tok]] = [rest] if rest else []
        while True:
            for toks in pending:
                closing = next((j for j, t in enumerate(toks) if t.kind == "punct" and t.text == "}"), None)
                if closing is not None:
                    body.append(toks[:closing])
                    after = [t for t in toks[closing + 1 :] if t.kind not in ("comment", "doc")]
                    if after:
                        self.error(
                            f"unexpected {after[0].text!r} after the end of {kind} {name}", after[0].line
                        )
                    closed = True
                    break
                body.append(toks)
            if closed or i >= len(self.lines):
                break
            if self.header(self.lines[i]) is not None:
                break
            pending = [self.lines[i]]
            i += 1
        if not closed:
            self.error(f"{kind} {name} has no closing '}}'", line_no)
        return self.make(kind, name, line_no, body), i

    def make(self, kind: str, name: str, line: int, body: list[list[_Tok]]) -> Block:
        fields: list[PrismaField] = []
        attributes: list[Attribute] = []
        settings: list[tuple[str, Value]] = []
        doc: list[str] = []
        for toks in body:
            comments = [t for t in toks if t.kind in ("comment", "doc")]
            sig = [t for t in toks if t.kind not in ("comment", "doc")]
            if not sig:
                if any(t.kind == "comment" for t in comments):
                    doc = []  # a plain // line ends the doc comment
                else:
                    doc += [_comment_text(t) for t in comments]
                continue
            trailing = " ".join(_comment_text(t) for t in comments)
            try:
                cur = _Cursor(sig)
                if sig[0].kind == "attr2":
                    attributes.extend(cur.attributes())
                elif kind in ("datasource", "generator"):
                    key = cur.take("name").text
                    cur.take("punct", "=")
                    settings.append((key, cur.value()))
                    if not cur.done():
                        raise _Error(f"unexpected {cur.peek().text!r}")  # type: ignore[union-attr]
                elif kind == "enum":
                    cur.take("name")
                    cur.attributes()
                else:
                    fields.append(self.field(cur, trailing, " ".join(doc)))
            except _Error as exc:
                self.error(f"cannot read this line of {kind} {name}: {exc}; line skipped", sig[0].line)
            doc = []
        return Block(kind, name, self.path, line, tuple(fields), tuple(attributes), tuple(settings))

    def field(self, cur: _Cursor, comment: str, doc: str) -> PrismaField:
        name_tok = cur.take("name")
        type_tok = cur.take("name")
        unsupported = ""
        if type_tok.text == "Unsupported" and cur.at("("):
            args = cur.args()
            unsupported = str(args[0][1]) if args and isinstance(args[0][1], str) else ""
        optional = is_list = False
        if cur.at("["):
            cur.take("punct", "[")
            cur.take("punct", "]")
            is_list = True
        if cur.at("?"):
            cur.take("punct", "?")
            optional = True
        if cur.at("!"):  # legacy required marker
            cur.take("punct", "!")
        return PrismaField(
            name_tok.text,
            type_tok.text,
            optional,
            is_list,
            name_tok.line,
            cur.attributes(),
            comment,
            doc,
            unsupported,
        )


def parse_text(text: str, path: str) -> PrismaFile:
    """Parse one ``.prisma`` file's text; ``path`` labels diagnostics. Never raises.

    >>> f = parse_text("model A {\\n  id Int @id\\n  oops = 1\\n", "s.prisma")
    >>> [(d.line, d.code) for d in f.diagnostics]
    [(1, 'parse-error'), (3, 'parse-error')]
    >>> [x.name for x in f.models[0].fields]
    ['id']
    """
    try:
        return _Parser(text, path).parse()
    except Exception as exc:  # a bug must not stop a scan
        message = f"internal error parsing Prisma schema: {type(exc).__name__}: {exc}"
        return PrismaFile(path, (), (Diagnostic("error", message, path, 0, "", "internal"),))
