"""The code of the benchmark tree's services: manifests and source files with SQL strings.

Not a unit test. :func:`write_code` makes each ``services/<svc>`` folder a deployable unit
(``package.json`` with a start script, ``go.mod`` with a ``main.go``, or ``pyproject.toml``,
by turns) and writes about one source file per five migration files: TypeScript, Go or
Python, each with four SQL strings -- a write and a read of the service's own tables, an
insert into one of them, and a read joining another service's table (the shared access
fkmap reports). So ``fkmap scan`` runs the ownership inference's code scanning
(:mod:`ownership.code`) on the bench inputs as on a real repository.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

__all__ = ["CodeTable", "write_code"]


class CodeTable(Protocol):
    """What the code writer needs of a generated table."""

    service: int

    def qualified(self, from_schema: str) -> str: ...


def _manifest(kind: int, name: str) -> dict[str, str]:
    if kind == 0:
        pkg = {
            "name": f"{name}-service",
            "scripts": {"start": "node dist/index.js"},
            "dependencies": {"pg": "^8"},
        }
        return {"package.json": json.dumps(pkg, indent=2) + "\n"}
    if kind == 1:
        return {
            "go.mod": f"module example.com/{name}\n\ngo 1.22\n",
            "main.go": "package main\n\nfunc main() {}\n",
        }
    return {"pyproject.toml": f'[project]\nname = "{name}"\nversion = "1.0"\n'}


def _source(kind: int, k: int, own: str, other_own: str, foreign: str) -> tuple[str, str]:
    """(relative path, text) of source file ``k`` of a service of ``kind``."""
    if kind == 0:
        return f"src/store/repo{k}.ts", (
            "import { Pool } from 'pg';\n\n"
            f"export async function load{k}(db: Pool, id: number) {{\n"
            f"  await db.query(`UPDATE {own} SET status = 'seen' WHERE id = $1`, [id]);\n"
            f"  const rows = await db.query('SELECT id, status FROM {other_own} WHERE tenant_id = $1',"
            " [id]);\n"
            f"  await db.query(\"INSERT INTO {own} (tenant_id, status) VALUES ($1, $2)\", [id, 'new']);\n"
            f"  const peer = await db.query(`SELECT p.id FROM {foreign} p WHERE p.id = $1`, [id]);\n"
            "  return [rows.rows, peer.rows];\n}\n"
        )
    if kind == 1:
        return f"internal/store/repo{k}.go", (
            'package store\n\nimport "database/sql"\n\n'
            f"func Load{k}(db *sql.DB, id int64) error {{\n"
            f'\tif _, err := db.Exec("UPDATE {own} SET status = $1 WHERE id = $2", "seen", id); '
            "err != nil {\n"
            "\t\treturn err\n\t}\n"
            f'\trows, err := db.Query("SELECT id, status FROM {other_own} WHERE tenant_id = $1", id)\n'
            "\tif err != nil {\n\t\treturn err\n\t}\n\tdefer rows.Close()\n"
            f'\tif _, err := db.Exec("INSERT INTO {own} (tenant_id, status) VALUES ($1, $2)", id, "new"); '
            "err != nil {\n\t\treturn err\n\t}\n"
            f'\t_, err = db.Query("SELECT p.id FROM {foreign} p WHERE p.id = $1", id)\n'
            "\treturn err\n}\n"
        )
    return f"app/store/repo{k}.py", (
        f"def load{k}(cur, ident):\n"
        f'    cur.execute("UPDATE {own} SET status = %s WHERE id = %s", ("seen", ident))\n'
        f'    cur.execute("SELECT id, status FROM {other_own} WHERE tenant_id = %s", (ident,))\n'
        "    rows = cur.fetchall()\n"
        f'    cur.execute("INSERT INTO {own} (tenant_id, status) VALUES (%s, %s)", (ident, "new"))\n'
        f'    cur.execute("SELECT p.id FROM {foreign} p WHERE p.id = %s", (ident,))\n'
        "    return rows, cur.fetchall()\n"
    )


def write_code(
    root: Path,
    names: Sequence[str],
    by_service: Sequence[Sequence[CodeTable]],
    every: Sequence[CodeTable],
    files_per_service: int,
    seed: int = 11,
) -> tuple[int, int]:
    """Write every service's manifest and ``files_per_service`` source files; (files, bytes) of source."""
    rng = random.Random(seed)
    files = total = 0
    for service, name in enumerate(names):
        base = root / "services" / name
        kind = service % 3
        for rel, text in _manifest(kind, name).items():
            (base / rel).write_text(text, encoding="utf-8")
        own_tables = by_service[service]
        if not own_tables:
            continue
        for k in range(files_per_service):
            own = own_tables[rng.randrange(len(own_tables))].qualified("")
            other_own = own_tables[rng.randrange(len(own_tables))].qualified("")
            foreign_table = every[rng.randrange(len(every))]
            foreign = foreign_table.qualified("") if foreign_table.service != service else other_own
            rel, text = _source(kind, k, own, other_own, foreign)
            path = base / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            files += 1
            total += len(text.encode("utf-8"))
    return files, total
