"""The benchmark's migration tree: services in four layouts, FKs within and across them, and their code.

Not a unit test. :func:`make_tree` writes ``services/<svc>/...`` folders in the
four layouts real repositories use (golang-migrate ``000001_x.up.sql`` with its
``.down.sql``, Flyway ``V1__x.sql``, timestamped ``20240101120000_x.sql`` and
plain numbered ``0001_x.sql``); some services keep their tables in a schema of
their own. Each up file creates a few tables (``CREATE TABLE`` with inline
``REFERENCES`` and table-level ``FOREIGN KEY`` constraints), adds foreign keys
to earlier tables with ``ALTER TABLE ... ADD CONSTRAINT``, and carries the
usual noise: indexes, comments, seed ``INSERT``\\ s, backfill ``UPDATE``\\ s,
trigger functions, ``BEGIN``/``COMMIT``. About one foreign key in eight points
into another service (the cross-service FKs fkmap exists to find). Every FK is
still present at the end, so tools that do not replay history (the baselines)
must find exactly the same set: :func:`make_tree` returns it.

Every service is a deployable unit with code (:mod:`bench.generate_code`): a
``package.json``, ``go.mod`` or ``pyproject.toml`` and source files whose SQL
strings read and write its tables and now and then another service's, so the
ownership inference's code scanning runs as it does on a real repository.
Output is deterministic and written file by file (nothing of the tree is held
at once but the table list).
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.generate_code import write_code

__all__ = ["NOUNS", "SERVICES", "FKTuple", "Size", "make_tree"]

#: (schema, table, columns, ref schema, ref table, ref columns) -- what every tool must agree on.
FKTuple = tuple[str, str, tuple[str, ...], str, str, tuple[str, ...]]


@dataclass(frozen=True)
class Size:
    """One benchmark size: tables, foreign keys and up-migration files of the tree."""

    name: str
    tables: int
    fks: int
    files: int
    services: int


SERVICES = tuple(
    [
        "auth",
        "users",
        "billing",
        "orders",
        "catalog",
        "inventory",
        "shipping",
        "payments",
        "notifications",
        "messaging",
        "search",
        "reviews",
        "accounts",
        "ledger",
        "invoicing",
        "pricing",
        "promotions",
        "carts",
        "checkout",
        "fulfillment",
        "returns",
        "warehouse",
        "suppliers",
        "analytics",
        "reporting",
        "audit",
        "identity",
        "profiles",
        "sessions",
        "media",
        "uploads",
        "scheduling",
        "bookings",
        "calendar",
        "support",
        "tickets",
        "chat",
        "loyalty",
        "referrals",
        "subscriptions",
        "tax",
        "fraud",
    ]
)
NOUNS = tuple(
    [
        "items",
        "entries",
        "records",
        "events",
        "links",
        "settings",
        "snapshots",
        "batches",
        "lines",
        "requests",
        "jobs",
        "tokens",
        "grants",
        "notes",
        "attachments",
        "tags",
        "rules",
        "versions",
        "states",
        "logs",
        "assignments",
        "quotas",
        "limits",
    ]
)
WORDS = ("create", "add", "backfill", "extend", "index", "link", "introduce", "split", "track")
ACTIONS = ("", "", "", " ON DELETE CASCADE", " ON DELETE SET NULL", " ON DELETE RESTRICT")


@dataclass
class _Table:
    service: int
    schema: str  # '' = public (unqualified)
    name: str
    composite: bool  # primary key (tenant_id, id)
    columns: list[str] = field(default_factory=list)

    def qualified(self, from_schema: str) -> str:
        return f"{self.schema}.{self.name}" if self.schema and self.schema != from_schema else self.name

    @property
    def full(self) -> tuple[str, str]:
        return (self.schema or "public", self.name)


def _layout(service: int, name: str, index: int, desc: str) -> list[tuple[str, bool]]:
    """(relative path, is the up file) of migration ``index`` (1-based) of a service, by its layout."""
    kind = service % 4
    if kind == 0:
        base = f"services/{name}/migrations/{index:06d}_{desc}"
        return [(f"{base}.up.sql", True), (f"{base}.down.sql", False)]
    if kind == 1:
        return [(f"services/{name}/src/main/resources/db/migration/V{index}__{desc}.sql", True)]
    if kind == 2:
        day, hour = divmod(index, 24)
        stamp = f"2023{1 + day // 28 % 12:02d}{1 + day % 28:02d}{hour:02d}0000"
        return [(f"services/{name}/db/migrate/{stamp}_{desc}.sql", True)]
    return [(f"services/{name}/migrations/{index:04d}_{desc}.sql", True)]


def _fk_count(rng: random.Random) -> int:
    return rng.choices((0, 1, 2, 3), weights=(15, 35, 35, 15))[0]


class _TreeWriter:
    def __init__(self, size: Size, seed: int) -> None:
        self.size = size
        self.rng = random.Random(seed)
        self.fks: set[FKTuple] = set()
        self.tables: list[_Table] = []
        self.by_service: list[list[_Table]] = [[] for _ in range(size.services)]
        self.names = [
            SERVICES[i % len(SERVICES)] + ("" if i < len(SERVICES) else str(i)) for i in range(size.services)
        ]
        self.schemas = [self.names[i] if i % 5 == 2 else "" for i in range(size.services)]
        self.pending: list[list[str]] = [[] for _ in range(size.services)]  # ALTERs for the next file

    def plan(self) -> list[list[int]]:
        """Tables per file, per service (some files create none: they only alter)."""
        per_service_tables = [self.size.tables // self.size.services] * self.size.services
        per_service_tables[0] += self.size.tables - sum(per_service_tables)
        per_service_files = [self.size.files // self.size.services] * self.size.services
        per_service_files[0] += self.size.files - sum(per_service_files)
        plans = []
        for tables, files in zip(per_service_tables, per_service_files, strict=True):
            counts = [0] * files
            for k in range(tables):  # spread, leaving every 5th file without new tables
                slots = [i for i in range(files) if i % 5 != 4 or files < 5]
                counts[slots[k % len(slots)]] += 1
            plans.append(counts)
        return plans

    def fk_target(self, service: int, me: _Table) -> _Table | None:
        own = self.by_service[service]
        if self.rng.random() < 0.125 and len(self.tables) > len(own):
            for _ in range(8):
                t = self.rng.choice(self.tables)
                if t.service != service:
                    return t
        earlier = [t for t in own[-200:] if t is not me]
        return self.rng.choice(earlier) if earlier else None

    def fk_clauses(self, service: int, t: _Table) -> tuple[list[str], list[str], list[str]]:
        """(extra columns, inline/table-level clauses, ALTER statements) for table ``t``'s FKs."""
        columns: list[str] = []
        clauses: list[str] = []
        alters: list[str] = []
        used: set[tuple[str, ...]] = set()
        for n in range(_fk_count(self.rng)):
            target = self.fk_target(service, t)
            if target is None:
                break
            base = f"{target.name}_id" if n == 0 else f"{target.name}_{('ref', 'owner', 'parent')[n - 1]}_id"
            if target.composite:
                cols: tuple[str, ...] = ("tenant_id", base)
                ref_cols: tuple[str, ...] = ("tenant_id", "id")
            else:
                cols, ref_cols = (base,), ("id",)
            if cols in used:
                continue
            used.add(cols)
            for c in cols:
                if c not in columns and c != "tenant_id":
                    columns.append(c)
            ref = target.qualified("")
            action = self.rng.choice(ACTIONS)
            self.fks.add((*t.full, cols, *target.full, ref_cols))
            style = self.rng.random()
            ref_clause = f"REFERENCES {ref} ({', '.join(ref_cols)}){action}"
            if style < 0.45 and len(cols) == 1:
                columns[columns.index(cols[0])] = f"{cols[0]} bigint {ref_clause}"
            elif style < 0.75:
                clauses.append(f"CONSTRAINT {t.name}_{n}_fkey FOREIGN KEY ({', '.join(cols)}) {ref_clause}")
            else:
                alters.append(
                    f"ALTER TABLE {t.qualified('')}\n    ADD CONSTRAINT {t.name}_{cols[-1]}_fk"
                    f" FOREIGN KEY ({', '.join(cols)}) {ref_clause};\n"
                )
        return columns, clauses, alters

    def create_table(self, service: int, k: int) -> tuple[str, list[str]]:
        schema = self.schemas[service]
        noun = NOUNS[k % len(NOUNS)]
        t = _Table(service, schema, f"{self.names[service]}_{noun}_{k}", composite=k % 31 == 7)
        extra, clauses, alters = self.fk_clauses(service, t)
        key_cols = (
            ["tenant_id bigint NOT NULL", "id bigint NOT NULL"]
            if t.composite
            else ["id bigserial PRIMARY KEY", "tenant_id bigint NOT NULL"]
        )
        body = [
            *key_cols,
            *[c if " " in c else f"{c} bigint" for c in extra],
            "status varchar(32) NOT NULL DEFAULT 'new'",
            "created_at timestamptz NOT NULL DEFAULT now()",
        ]
        if k % 3 == 0:
            body.append("metadata jsonb NOT NULL DEFAULT '{}'::jsonb")
        if t.composite:
            body.append("PRIMARY KEY (tenant_id, id)")
        body += clauses
        name = t.qualified("")
        text = f"CREATE TABLE IF NOT EXISTS {name} (\n    " + ",\n    ".join(body) + "\n);\n"
        if k % 2 == 0:
            text += f"CREATE INDEX {t.name}_created_idx ON {name} (created_at);\n"
        if k % 3 == 1:
            text += f"COMMENT ON TABLE {name} IS '{noun.replace('_', ' ')} of {self.names[service]}';\n"
        self.tables.append(t)
        self.by_service[service].append(t)
        return text, alters

    def file_text(self, service: int, index: int, n_tables: int, start: int, *, last: bool) -> str:
        parts = [f"-- migration {index} of {self.names[service]}: generated by fkmap bench\n"]
        wrap = service % 4 == 0
        if wrap:
            parts.append("BEGIN;\n\n")
        if index == 1:
            parts.append("CREATE EXTENSION IF NOT EXISTS pgcrypto;\n")
            if self.schemas[service]:
                parts.append(f"CREATE SCHEMA IF NOT EXISTS {self.schemas[service]};\n")
            parts.append("\n")
        parts += self.pending[service]
        self.pending[service] = []
        created: list[_Table] = []
        for k in range(start, start + n_tables):
            text, alters = self.create_table(service, k)
            parts.append(text + "\n")
            created.append(self.tables[-1])
            if self.rng.random() < 0.5:
                self.pending[service] += alters
            else:
                parts += alters
        if created and self.rng.random() < 0.2:
            t = created[0]
            parts.append(
                f"INSERT INTO {t.qualified('')} ({'tenant_id, ' if t.composite else ''}id, label) VALUES\n"
                + ",\n".join(f"    ({'1, ' if t.composite else ''}{i}, 'seed; {i}')" for i in range(1, 4))
                + ";\n\n"
            )
        if not created and self.by_service[service]:
            t = self.by_service[service][-1]
            name = t.qualified("")
            parts.append(
                f"ALTER TABLE {name} ADD COLUMN IF NOT EXISTS archived_at timestamptz;\n"
                f"UPDATE {name} SET archived_at = now() WHERE label = 'old; stale';\n"
                f"CREATE INDEX IF NOT EXISTS {t.name}_archived_idx ON {name} (archived_at)"
                " WHERE archived_at IS NOT NULL;\n\n"
            )
        if index % 25 == 3:
            fn = f"{self.names[service]}_touch_{index}"
            parts.append(
                f"CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                "BEGIN\n  NEW.updated_at := now(); -- keep ; in a body\n  RETURN NEW;\nEND;\n$$;\n\n"
            )
        if last:
            parts += self.pending[service]
            self.pending[service] = []
        if wrap:
            parts.append("COMMIT;\n")
        return "".join(parts)

    def write(self, root: Path) -> tuple[int, int]:
        files = total = 0
        plans = self.plan()
        # Interleave services file by file so cross-service targets exist in every service.
        starts = [0] * self.size.services
        longest = max(len(p) for p in plans)
        for i in range(longest):
            for service, plan in enumerate(plans):
                if i >= len(plan):
                    continue
                last = i == len(plan) - 1  # the last file takes the ALTERs still pending
                text = self.file_text(service, i + 1, plan[i], starts[service], last=last)
                starts[service] += plan[i]
                desc = f"{WORDS[i % len(WORDS)]}_{NOUNS[i % len(NOUNS)]}"
                for rel, up in _layout(service, self.names[service], i + 1, desc):
                    path = root / rel
                    path.parent.mkdir(parents=True, exist_ok=True)
                    content = text if up else self.down_text(service, plan[i], starts[service])
                    path.write_text(content, encoding="utf-8")
                    if up:
                        files += 1
                        total += len(content.encode("utf-8"))
        return files, total

    def down_text(self, service: int, n_tables: int, end: int) -> str:
        created = self.by_service[service][end - n_tables : end]
        return "".join(f"DROP TABLE IF EXISTS {t.qualified('')} CASCADE;\n" for t in reversed(created))


def make_tree(root: Path, size: Size, *, seed: int = 7) -> dict[str, Any]:
    """Write the migration tree of ``size`` under ``root`` (emptied first); its facts and FK set."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    writer = _TreeWriter(size, seed)
    files, total = writer.write(root)
    per_service = max(1, size.files // size.services // 5)
    code_files, code_bytes = write_code(root, writer.names, writer.by_service, writer.tables, per_service)
    return {
        "tables": len(writer.tables),
        "fks": sorted(writer.fks),
        "files": files,
        "bytes": total,
        "services": size.services,
        "code_files": code_files,
        "code_bytes": code_bytes,
    }
