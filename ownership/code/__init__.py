"""Code evidence of table ownership: which unit's source code reads or writes each table.

A shared migrations folder says nothing about which service owns a table; the services' code
does. :func:`scan_code` reads the source files of a tree with real parsers (tree-sitter grammars
for Rust, Go, TypeScript/JavaScript, Java and Ruby, :mod:`ast` for Python, fkmap's Prisma parser)
and reports :class:`TableUse`\\ s: SQL literals parsed with PostgreSQL's parser (sqlglot as a
fallback), ORM model declarations (Prisma, Sequelize, TypeORM, Mongoose, Django, SQLAlchemy,
Active Record, JPA, Diesel, GORM) and the ORM calls a parser can tie to a model. Each use belongs
to the innermost :class:`~ownership.units.Unit` holding its file; :func:`table_access` sums them
per table and unit for the ownership inference.

API: ``scan_code(root, units, *, workers=None, prefilter=True) -> CodeScan`` (``uses``,
``diagnostics``, ``files``, ``lines``; ``units_for(table, access)``); ``table_access(scan) ->
{table: {unit path: AccessSummary(writes, reads, first_write, first_read)}}``.

Modules: :mod:`.evidence` (result types), :mod:`.files` (which files are read), :mod:`.scan` (passes
and dispatch; imported on first use of ``scan_code`` here), :mod:`.gate` (which files need parsing),
:mod:`.pool` (every core for large scans), :mod:`.sql` (tables of a SQL string), :mod:`.treesit`
(tree-sitter plumbing), one reader per language (:mod:`.rust`, :mod:`.golang`, :mod:`.javascript`
with :mod:`.calls_js`, :mod:`.java`, :mod:`.ruby`, :mod:`.python`, :mod:`.prisma`), :mod:`.facts`
(name resolution), :mod:`.ops` (which methods write), :mod:`.names` (ORM default table names).

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from ownership.code import scan_code
>>> from ownership.units import find_units
>>> files = {
...     "backend/migrations/001_init.sql": "CREATE TABLE users (id int); CREATE TABLE posts (id int);",
...     "auth-service/Cargo.toml": '[package]\\nname = "auth"',
...     "auth-service/src/main.rs": 'fn main() { sqlx::query!("INSERT INTO users (id) VALUES ($1)", 1); }',
...     "content-service/package.json": '{"name": "content", "scripts": {"start": "node ."}}',
...     "content-service/src/feed.ts": "const q = `SELECT p.* FROM posts p JOIN users u ON u.id = p.author`;",
... }
>>> with tempfile.TemporaryDirectory() as tmp:
...     for rel, text in files.items():
...         Path(tmp, rel).parent.mkdir(parents=True, exist_ok=True)
...         _ = Path(tmp, rel).write_text(text)
...     scan = scan_code(Path(tmp), find_units(Path(tmp)))
>>> for table, units in table_access(scan).items():
...     print(table, {unit: (s.writes, s.reads) for unit, s in units.items()})
posts {'content-service': (0, 1)}
users {'auth-service': (1, 0), 'content-service': (0, 1)}
"""

from typing import TYPE_CHECKING

from ownership.code.evidence import Access, AccessSummary, CodeScan, TableUse, sorted_uses, table_access
from ownership.code.files import LANGUAGES, MAX_FILE_BYTES, code_files

if TYPE_CHECKING:
    from ownership.code.scan import scan_code

_SCANNER = frozenset({"scan_code"})

__all__ = [
    "LANGUAGES",
    "MAX_FILE_BYTES",
    "Access",
    "AccessSummary",
    "CodeScan",
    "TableUse",
    "code_files",
    "scan_code",
    "sorted_uses",
    "table_access",
]


def __getattr__(name: str) -> object:
    """The scanner's names, imported on first use (readers, tree-sitter): a process that only
    unpickles a scan's evidence needs :mod:`.evidence` alone."""
    if name in _SCANNER:
        from ownership.code import scan

        return getattr(scan, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
