"""One hostile repository, shared by every escaping test: names that are markup in some output.

:func:`write_hostile_repo` writes a migration folder whose schemas, tables, columns,
constraints, file names and service names are HTML, script, spreadsheet formulas,
Markdown, Mermaid, DOT and CSV punctuation, quotes, line breaks, terminal escape
sequences, GitHub workflow-command escapes and non-ASCII text. It has three services
(``auth``, :data:`EVIL_SERVICE` and :data:`LEGACY_SERVICE`, a MySQL set) coupled by
cross-service foreign keys, one of them ``ON DELETE CASCADE``, a dropped one, and a
statement that does not parse (its diagnostic quotes a hostile excerpt).
:func:`hostile_inventory` ingests it for real with :func:`ownership.scan.scan`.

Every name here is at most 63 bytes, so PostgreSQL would keep it as written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from model.inventory import Inventory

__all__ = [
    "ALL_NAMES",
    "COLUMNS",
    "CONSTRAINTS",
    "EVIL_FILE",
    "EVIL_SCHEMA",
    "EVIL_SERVICE",
    "LEGACY_SERVICE",
    "NEWLINE_FILE",
    "TABLES",
    "hostile_inventory",
    "remediation_render",
    "write_hostile_repo",
]

#: Service names (from fkmap.toml): HTML, formula, pipes, quotes, a Plotly template.
EVIL_SERVICE = "<svg onload=alert(5)>|x| \"q\" 'q' %{x} & co"
LEGACY_SERVICE = "=SUM(1+1)*cmd|' /C calc'!A0"
#: A schema whose name holds the separators of table ids.
EVIL_SCHEMA = 'sch.em:a"b'

T_SCRIPT = '<script>alert("t")</script>'
T_IMG = "<img src=x onerror=alert('i')>"
T_NEWLINE = "nl\n::error::injected\r\n%0A"
T_MARKDOWN = "**b** _i_ [l](http://x.invalid) |p| # ~s~ <!-- c"
T_MERMAID = "A-->B; end %%c {x} [y] (z) click"
T_DOT = 'x"];evil[label="y\\'
T_TERMINAL = "\x1b[31mred\x1b]0;title\x07"
T_UNICODE = "ユーザー\u202eRTL\u200b\u2028ls😀"
T_MYSQL = "@cmd`tick` **m**"

C_FORMULA = '=HYPERLINK("http://x.invalid","c")'
C_PLUS = "+1+cmd|' /C calc'!A0"
C_MINUS = "-2+3"
C_AT = "@SUM(1)"
C_TAB = "\tTAB"
C_CR = "\rCR"
C_QUOTES = "q\"uo'te\\s"
C_GITHUB = "%0A%25,a:b::x"
C_MYSQL = "=1+`x`"

K_BOLD = "fk <b>x</b> =1+1"
K_NEWLINE = "fk\nDROP TABLE users; --"
K_PIPE = "fk|a|b &amp; #35;"
K_MYSQL = "-fk <i>m</i>"

#: A file name with HTML, a comma, a colon, a percent escape and a quote (annotation properties).
EVIL_FILE = '002_<i>x<i>,a:b%0A"q".sql'
#: A file name with a line break.
NEWLINE_FILE = "003_line\nbreak.sql"

TABLES = (T_SCRIPT, T_IMG, T_NEWLINE, T_MARKDOWN, T_MERMAID, T_DOT, T_TERMINAL, T_UNICODE, T_MYSQL)
COLUMNS = (C_FORMULA, C_PLUS, C_MINUS, C_AT, C_TAB, C_CR, C_QUOTES, C_GITHUB, C_MYSQL)
CONSTRAINTS = (K_BOLD, K_NEWLINE, K_PIPE, K_MYSQL)
#: Every hostile string of the repository.
ALL_NAMES = (*TABLES, *COLUMNS, *CONSTRAINTS, EVIL_SERVICE, LEGACY_SERVICE, EVIL_SCHEMA)


def pg_ident(name: str) -> str:
    """``name`` as a PostgreSQL quoted identifier."""
    return '"' + name.replace('"', '""') + '"'


def my_ident(name: str) -> str:
    """``name`` as a MySQL backtick identifier."""
    return "`" + name.replace("`", "``") + "`"


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if ord(c) >= 32 else f"\\u{ord(c):04x}" for c in escaped) + '"'


def _auth_sql() -> str:
    q = pg_ident
    return (
        f"CREATE TABLE users (id int PRIMARY KEY, {q(C_FORMULA)} text, {q(C_TAB)} text);\n"
        f"CREATE TABLE {q(T_IMG)} (id int PRIMARY KEY, {q(C_CR)} text);\n"
    )


def _evil_sql() -> str:
    q = pg_ident
    s = q(EVIL_SCHEMA)
    return (
        f"CREATE SCHEMA {s};\n"
        f"CREATE TABLE {s}.{q(T_SCRIPT)} (\n"
        f"  id int PRIMARY KEY,\n"
        f"  {q(C_PLUS)} int,\n"
        f"  {q(C_MINUS)} int REFERENCES {q(T_IMG)} (id),\n"
        f"  CONSTRAINT {q(K_BOLD)} FOREIGN KEY ({q(C_PLUS)}) REFERENCES users (id) ON DELETE CASCADE\n"
        ");\n"
        f"CREATE TABLE {q(T_NEWLINE)} (\n"
        f"  {q(C_AT)} int CONSTRAINT {q(K_NEWLINE)} REFERENCES users (id) ON DELETE SET NULL,\n"
        f"  {q(C_QUOTES)} int REFERENCES {s}.{q(T_SCRIPT)} (id)\n"
        ");\n"
        f"CREATE TABLE {q(T_MARKDOWN)} ({q(C_GITHUB)} int CONSTRAINT {q(K_PIPE)} REFERENCES users (id));\n"
        f"CREATE TABLE {q(T_MERMAID)} (id int PRIMARY KEY, u int REFERENCES users (id));\n"
        f"CREATE TABLE {q(T_DOT)} (m int REFERENCES {q(T_MERMAID)} (id), u int REFERENCES users (id));\n"
        f"CREATE TABLE {q(T_TERMINAL)} (u int REFERENCES users (id) ON DELETE CASCADE);\n"
        f"CREATE TABLE {q(T_UNICODE)} (u int REFERENCES users (id));\n"
        # a statement that does not parse: its diagnostic quotes markup
        "CREATE TABLE <script>alert('d')</script> (;\n"
    )


def _evil_later_sql() -> str:
    q = pg_ident
    return (
        f"ALTER TABLE {q(T_UNICODE)} DROP CONSTRAINT {q(T_UNICODE + '_u_fkey')};\n"
        f"ALTER TABLE {q(T_MERMAID)} ADD COLUMN {q(C_MINUS)} int REFERENCES users (id);\n"
    )


def _legacy_sql() -> str:
    m = my_ident
    return (
        f"CREATE TABLE {m(T_MYSQL)} (\n"
        f"  id INT PRIMARY KEY AUTO_INCREMENT,\n"
        f"  {m(C_MYSQL)} INT,\n"
        f"  CONSTRAINT {m(K_MYSQL)} FOREIGN KEY ({m(C_MYSQL)}) REFERENCES users (id) ON DELETE CASCADE\n"
        ") ENGINE=InnoDB;\n"
    )


def _config() -> str:
    return (
        "[services.auth]\n"
        'paths = ["services/auth/**"]\n'
        f"[services.{toml_string(EVIL_SERVICE)}]\n"
        'description = "<b>described</b> =1+1"\n'
        'paths = ["services/evil/**"]\n'
        f"[services.{toml_string(LEGACY_SERVICE)}]\n"
        'paths = ["services/legacy/**"]\n'
    )


def write_hostile_repo(root: Path) -> Path:
    """Write the hostile repository under ``root`` (created) and return ``root``."""
    files = {
        "fkmap.toml": _config(),
        "services/auth/migrations/001_users.sql": _auth_sql(),
        "services/evil/migrations/001_evil.sql": _evil_sql(),
        f"services/evil/migrations/{EVIL_FILE}": _evil_later_sql(),
        f"services/evil/migrations/{NEWLINE_FILE}": (
            f"CREATE TABLE {pg_ident(T_SCRIPT + '2')} (x int REFERENCES users (id));\n"
        ),
        "services/legacy/migrations/001_legacy.sql": _legacy_sql(),
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def hostile_inventory(root: Path) -> Inventory:
    """The hostile repository under ``root`` (written when missing), scanned for real."""
    from ownership.scan import scan

    if not (root / "fkmap.toml").exists():
        write_hostile_repo(root)
    return scan([str(root)])


def remediation_render(client: Any, service: str = "") -> Any:
    """POST the remediation page's main callback (summary, figures, grid) through a Flask test client."""
    from tests.ui.test_app import update
    from ui import ids

    outputs = [
        (ids.REM_SUMMARY, "children"),
        (ids.REM_PROGRESS, "figure"),
        (ids.REM_BURNDOWN, "figure"),
        (ids.REM_PLAN, "figure"),
        (ids.REM_GRID, "rowData"),
        (ids.REM_ORPHANS, "children"),
        (ids.REM_REATTACH_PICK, "options"),
        (ids.REM_SNAP_PICK, "options"),
        (ids.REM_REV, "data"),
    ]
    inputs: list[dict[str, Any]] = [
        {"id": ids.REM_SERVICE, "property": "value", "value": service},
        {"id": ids.REM_AXIS, "property": "value", "value": "order"},
        {"id": ids.REM_REFRESH, "property": "n_intervals", "value": None},
        {"id": ids.REM_TICK, "property": "data", "value": None},
    ]
    return update(client, outputs, inputs, [{"id": ids.REM_REV, "property": "data", "value": None}])
