"""Byte checks that spare parsing files which cannot hold any evidence (a speed-up, never a source).

Parsing dominates the cost of a code scan, and most files of a service touch no table. A file is
parsed when one of these holds, checked on its raw bytes without parsing:

* it may hold a SQL statement naming a table: among its lower-cased words (``\\n``, ``\\t`` and
  ``\\r`` escapes and every byte that cannot be in an identifier separate words) are both words of
  one of the pairs ``select``/``from``, ``select``/``into``, ``insert``/``into``, ``update``/``set``,
  ``delete``/``from``, ``merge``/``into``, ``replace``/``into``, ``upsert``/``into``,
  ``copy``/``from``, ``copy``/``to``
  (every statement :mod:`ownership.code.sql` reads a table from has one: a ``WITH`` statement ends
  in one of them); in Rust, where the reader takes SQL from string literals only, the words are
  those of the file's string literals (:func:`rust_literals`), so ``x.into()``, ``map.insert(k, v)``,
  ``tokio::select!`` or ``String::from`` in code and SQL in comments, which nearly every Rust file
  has, do not count; and before those words are gathered (ten times quicker), some quote must open
  text that may start like a statement (:data:`_RUST_SQL_START`): the reader parses only literals
  whose text does (:func:`ownership.code.sql.looks_like_sql`), right after their opening quote;
* it holds a marker its reader's declarations or direct uses need (:data:`MARKERS`: Diesel's
  ``table!`` and ``users::table`` for Rust, ``Collection`` and ``TableName`` for Go,
  ``Entity``/``define``/``model``... for the JavaScript ORMs, ``Record`` for Active Record,
  ``Model``/``Table``/``collection`` for Python, a subscript and a MongoDB method name for
  pymongo...);
* (second pass) it names, as an identifier, something another file declared: ``User.create()``
  in a file with no SQL and no declaration is a reference only the declarations give meaning to.

So a skipped file is one whose reader would have found nothing, and the uses are the same as when
every file is parsed (``scan_code(..., prefilter=False)``; the tests compare both on every
fixture). The blind spots are contrived: a keyword glued to an escape other than ``\\n``,
``\\t``, ``\\r`` (``"\\fFROM"``, in Rust also ``"\\x46ROM"``) or to non-ASCII white space in a
file with no other pair;
in Rust, a comment inside ``table /* */ !`` or ``users:: /* */ table``.

>>> may_hold_sql(b"const q = `SELECT * FROM users`"), may_hold_sql(b"import x from 'y'; x.update()")
(True, False)
>>> may_hold_sql(b'q := "SELECT id\\\\nFROM users"'), may_hold_sql(b"UpdateSettings(selected)")
(True, False)
>>> needs_parse("go", b'c := db.Collection("users")'), needs_parse("go", b"func main() {}")
(True, False)
>>> needs_parse("rust", b"let v: Vec<_> = rows.into_iter().map(|r| r.into()).collect(); m.insert(k, v);")
False
>>> needs_parse("rust", b'// SELECT name FROM users\\nlet s = "select a"; let f = String::from("x");')
False
>>> needs_parse("rust", b'sqlx::query!("INSERT INTO users (id) VALUES ($1)", id)')
True
>>> needs_parse("rust", b"diesel::insert_into(users::table)"), needs_parse("rust", b"// a table of rows")
(True, False)
>>> sorted(identifiers(b"await prisma.orderItem.create({ data })"))
[b'await', b'create', b'data', b'orderitem', b'prisma']
"""

from __future__ import annotations

import re

from ownership.code.sql import SQL_WORDS

__all__ = [
    "MARKERS",
    "REFERENCING",
    "identifiers",
    "may_hold_sql",
    "needs_parse",
    "rust_diesel",
    "rust_literals",
    "rust_sql_starts",
    "words",
]

_PAIRS = (
    (b"select", b"from"),
    (b"select", b"into"),
    (b"insert", b"into"),
    (b"update", b"set"),
    (b"delete", b"from"),
    (b"merge", b"into"),
    (b"replace", b"into"),
    (b"upsert", b"into"),
    (b"copy", b"from"),
    (b"copy", b"to"),
)
_JS = (b"Entity", b"Table", b"Schema", b"define", b"init", b"model", b"collection")
#: Per reader: bytes whose presence means declarations or direct (driver) uses may be there.
MARKERS: dict[str, tuple[bytes, ...]] = {
    "rust": (b"table",),  # then read by _RUST_DIESEL
    "go": (b"Collection", b"TableName"),
    "typescript": _JS,
    "tsx": _JS,
    "javascript": _JS,
    "java": (b"Entity", b"Table", b"Document", b"Repository"),
    "ruby": (b"Record",),
    "python": (b"Model", b"tablename", b"Table", b"table=", b"collection"),
    "prisma": (b"model",),
}
# every MongoDB method name of ownership.code.ops.MONGO holds one of these (lower-cased)
_MONGO_WORDS: tuple[bytes, ...] = (b"insert", b"update", b"replace", b"delete", b"remove", b"save")
_MONGO_WORDS += (b"bulk", b"find", b"aggregate", b"count", b"distinct", b"watch")
#: Readers that report references to names declared elsewhere (resolved after every file is read).
REFERENCING = frozenset({"rust", "typescript", "tsx", "javascript", "java", "ruby", "python"})

#: Diesel in Rust: the ``table!`` macro (``diesel::table!``) and ``users::table`` paths.
_RUST_DIESEL = re.compile(rb"\btable\s*!|::\s*table\b")
#: Rust tokens that hold or hide quotes: comments, raw strings (``r#"..."#``, also after ``b``/``c``),
#: strings, char literals (``'"'``); a quote that starts no complete string is caught last. The
#: lookahead lets the engine pass over every other byte quickly.
_RUST_TOKENS = re.compile(
    rb"(?=[/r\"'])(?://[^\n]*"
    rb"|/\*.*?\*/"
    rb"|r(#*)\"(?P<raw>.*?)\"\1"
    rb"|\"(?P<str>[^\"\\]*(?:\\.[^\"\\]*)*)\""
    rb"|'(?:\\.[^'\n]{0,9}|[^'\\\n]{1,4})'"
    rb"|(?P<open>\"))",
    re.DOTALL,
)

#: A quote, then white space, ``(`` or non-ASCII bytes, then a statement's first word (not glued to
#: a letter), a comment, or a backslash (an escape, maybe of white space: so, maybe). Every Rust
#: literal the reader parses as SQL starts so in the source: a file with none needs no parse.
_RUST_SQL_START = re.compile(
    rb'"[\s(\x80-\xff]*(?:\\|--|/\*|(?i:' + "|".join(sorted(SQL_WORDS)).encode() + rb")(?![A-Za-z_]))"
)

_IDENTIFIER_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_") | frozenset(range(128, 256))
_TO_SPACE = bytes(b if b in _IDENTIFIER_BYTES else 0x20 for b in range(256))


def _spaced(data: bytes) -> bytes:
    """``data`` lower-cased with every byte that cannot be in an identifier, and the escapes ``\\n``,
    ``\\t``, ``\\r``, made a space, between two spaces: its words are the runs of other bytes."""
    blanked = data.replace(b"\\n", b"  ").replace(b"\\t", b"  ").replace(b"\\r", b"  ")
    return b" " + blanked.lower().translate(_TO_SPACE) + b" "


def words(data: bytes) -> set[bytes]:
    """The lower-cased identifier-like words of ``data``; escapes ``\\n``, ``\\t``, ``\\r`` separate
    words like white space (``"a\\nFROM b"`` holds ``from``). Non-ASCII bytes count as letters."""
    return set(_spaced(data).split())


#: The pairs as they stand in :func:`_spaced` text: a word is there when it is there between spaces.
_SPACED_PAIRS = tuple((b" " + first + b" ", b" " + second + b" ") for first, second in _PAIRS)


def may_hold_sql(data: bytes) -> bool:
    """Whether the words of ``data`` include both words of some statement pair, ignoring case (looked
    for in the text itself: quicker than making the set of its words)."""
    text = _spaced(data)
    return any(first in text and second in text for first, second in _SPACED_PAIRS)


def _pymongo_subscript(data: bytes) -> bool:
    """Whether ``db["users"].insert_one(...)`` may be in Python source: a subscript and a method name."""
    if b"[" not in data:
        return False
    low = data.lower()
    return any(word in low for word in _MONGO_WORDS)


def rust_literals(data: bytes) -> bytes:
    r"""The contents of the string literals of Rust source, one per line; more when unsure.

    Comments, char literals and lifetimes are passed over; a block comment holding another
    ``/*`` (nested) or a quote that opens no complete string gives the rest of the file as it is.

    >>> rust_literals(b'let q = r#"SELECT "a" FROM t"#; // "not"\nlet c = \'"\'; f::<\'a>("x\\"y")')
    b'SELECT "a" FROM t\nx\\"y'
    >>> rust_literals(b'/* a /* nested */ "b" */ "c"'), rust_literals(b'ok("a") and "open')
    (b'/* a /* nested */ "b" */ "c"', b'a\n"open')
    """
    out: list[bytes] = []
    for m in _RUST_TOKENS.finditer(data):
        token = m.group(0)
        if m.group("open") is not None or (token.startswith(b"/*") and b"/*" in token[2:]):
            out.append(data[m.start() :])
            break
        if (text := m.group("raw")) is not None or (text := m.group("str")) is not None:
            out.append(text)
    return b"\n".join(out)


def rust_diesel(data: bytes) -> bool:
    """Whether Rust source may use Diesel's ``table!`` or ``users::table`` (:data:`MARKERS`)."""
    # ``table`` first: looking for the word is ten times quicker than searching for the pattern
    return b"table" in data and _RUST_DIESEL.search(data) is not None


def rust_sql_starts(data: bytes) -> list[int]:
    """The offsets of the quotes in Rust source that may open a literal starting like a statement
    (:data:`_RUST_SQL_START`; also quotes that open nothing, which the reader's tree tells apart).

    >>> rust_sql_starts(b'let q = "SELECT 1"; let r = r#" (select 2"#; // "selected"')
    [8, 30]
    """
    return [m.start() for m in _RUST_SQL_START.finditer(data)]


def needs_parse(lang: str, data: bytes) -> bool:
    """Whether the reader for ``lang`` may find SQL, a declaration or a direct use in ``data``."""
    if lang == "rust":
        # the words of the literals are words of the file (quotes bound them): no check of the file first
        return rust_diesel(data) or (
            _RUST_SQL_START.search(data) is not None and may_hold_sql(rust_literals(data))
        )
    if any(marker in data for marker in MARKERS.get(lang, ())) or may_hold_sql(data):
        return True
    return lang == "python" and _pymongo_subscript(data)


def identifiers(data: bytes) -> set[bytes]:
    """The words of ``data`` that may be identifiers (:func:`words`)."""
    return words(data)
