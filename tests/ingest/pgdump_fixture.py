"""A synthetic ``pg_dump``-style schema file for timing the replay engine.

``make_pg_dump(n)`` writes what ``pg_dump --schema-only`` plus some data looks
like for ``n`` tables: the ``SET`` preamble, ``set_config('search_path', ...)``,
functions with dollar-quoted bodies, ``CREATE TABLE``, sequences, ``COPY`` data
blocks, ``ALTER TABLE ONLY ... ADD CONSTRAINT ... PRIMARY KEY`` and, at the end,
``ALTER TABLE ONLY ... ADD CONSTRAINT ... FOREIGN KEY``. Run this module to time
:func:`ingest.migrations.sets.ingest_path` on a 3,000-table file::

    .venv/bin/python tests/ingest/pgdump_fixture.py 3000
    .venv/bin/python tests/ingest/pgdump_fixture.py 20000 --lean   # ~10 MB
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

__all__ = ["expected_fk_count", "make_pg_dump"]

PREAMBLE = """--
-- PostgreSQL database dump
--

-- Dumped from database version 15.6
-- Dumped by pg_dump version 15.6

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

CREATE SCHEMA app;

ALTER SCHEMA app OWNER TO app;

CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;

COMMENT ON EXTENSION pgcrypto IS 'cryptographic functions';

"""


def _function(i: int) -> str:
    return f"""--
-- Name: touch_{i}(); Type: FUNCTION; Schema: app; Owner: app
--

CREATE FUNCTION app.touch_{i}() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  -- ALTER TABLE app.t{i} ADD CONSTRAINT not_really FOREIGN KEY (x) REFERENCES y;
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;


ALTER FUNCTION app.touch_{i}() OWNER TO app;

"""


def _table(i: int) -> str:
    ref = "" if i == 0 else "    parent_id bigint,\n    owner_id bigint NOT NULL,\n"
    return f"""--
-- Name: t{i}; Type: TABLE; Schema: app; Owner: app
--

CREATE TABLE app.t{i} (
    id bigint NOT NULL,
{ref}    name character varying(200) NOT NULL,
    payload jsonb DEFAULT '{{}}'::jsonb,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone
);


ALTER TABLE app.t{i} OWNER TO app;

CREATE SEQUENCE app.t{i}_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE app.t{i}_id_seq OWNED BY app.t{i}.id;

ALTER TABLE ONLY app.t{i} ALTER COLUMN id SET DEFAULT nextval('app.t{i}_id_seq'::regclass);

"""


def _lean_table(i: int) -> str:
    ref = "" if i == 0 else "    parent_id bigint,\n    owner_id bigint NOT NULL,\n"
    return (
        f"--\n-- Name: t{i}; Type: TABLE; Schema: app; Owner: app\n--\n\n"
        f"CREATE TABLE app.t{i} (\n    id bigint NOT NULL,\n{ref}    name text NOT NULL\n);\n\n"
    )


def _copy(i: int) -> str:
    cols = (
        "id, name, payload, created_at, updated_at"
        if i == 0
        else ("id, parent_id, owner_id, name, payload, created_at, updated_at")
    )
    rows = []
    for r in range(1, 4):
        vals = [str(r)] if i == 0 else [str(r), "\\N", "1"]
        vals += [f"row {r}; with ; semicolons", '{"a": 1}', "2024-01-01 00:00:00+00", "\\N"]
        rows.append("\t".join(vals))
    return f"COPY app.t{i} ({cols}) FROM stdin;\n" + "\n".join(rows) + "\n\\.\n\n\n"


def make_pg_dump(n_tables: int, *, lean: bool = False) -> str:
    """Return a pg_dump-like script with ``n_tables`` tables.

    Table ``t{i}`` (i > 0) has ``owner_id -> t0.id`` and ``parent_id -> t{i//2}.id``,
    so the file declares ``expected_fk_count(n_tables)`` foreign keys. ``lean``
    leaves out functions, sequences and COPY data (about 500 bytes per table, the
    density of a 10 MB dump of 20,000 tables).

    >>> text = make_pg_dump(3)
    >>> sum(line.startswith("    ADD CONSTRAINT") and "FOREIGN KEY" in line for line in text.splitlines())
    4
    """
    parts = [PREAMBLE]
    if lean:
        parts += [_lean_table(i) for i in range(n_tables)]
    else:
        parts += [_function(i) for i in range(min(n_tables, 50))]
        parts += [_table(i) for i in range(n_tables)]
        parts += [_copy(i) for i in range(n_tables)]
    for i in range(n_tables):
        parts.append(
            f"--\n-- Name: t{i} t{i}_pkey; Type: CONSTRAINT; Schema: app; Owner: app\n--\n\n"
            f"ALTER TABLE ONLY app.t{i}\n    ADD CONSTRAINT t{i}_pkey PRIMARY KEY (id);\n\n"
        )
    if not lean:
        for i in range(n_tables):
            parts.append(f"CREATE INDEX t{i}_name_idx ON app.t{i} USING btree (name);\n\n")
    for i in range(1, n_tables):
        parts.append(
            f"ALTER TABLE ONLY app.t{i}\n"
            f"    ADD CONSTRAINT t{i}_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES app.t0(id)"
            " ON DELETE CASCADE;\n\n"
            f"ALTER TABLE ONLY app.t{i}\n"
            f"    ADD CONSTRAINT t{i}_parent_id_fkey FOREIGN KEY (parent_id)"
            f" REFERENCES app.t{i // 2}(id);\n\n"
        )
    parts.append("GRANT USAGE ON SCHEMA app TO reader;\n\n--\n-- PostgreSQL database dump complete\n--\n\n")
    return "".join(parts)


def expected_fk_count(n_tables: int) -> int:
    """Foreign keys declared by :func:`make_pg_dump`.

    >>> expected_fk_count(3000)
    5998
    """
    return 2 * max(n_tables - 1, 0)


def main(argv: list[str]) -> None:
    """Write the dump to a temporary directory and time ``ingest_path`` on it."""
    from ingest.migrations.sets import ingest_path

    n = int(argv[1]) if len(argv) > 1 else 3000
    text = make_pg_dump(n, lean="--lean" in argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dump.sql"
        path.write_text(text, encoding="utf-8")
        start, cpu = time.perf_counter(), time.process_time()
        inv = ingest_path(path)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"{n} tables, {len(text) / 1e6:.1f} MB: ingest_path {elapsed:.2f} s wall, {cpu:.2f} s CPU; "
        f"{len(inv.tables)} tables, {len(inv.foreign_keys)} FKs (expected {expected_fk_count(n)}), "
        f"{len(inv.diagnostics)} diagnostics"
    )


if __name__ == "__main__":
    main(sys.argv)
