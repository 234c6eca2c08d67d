"""The tools fkmap's migration reader is compared with, on the same files.

* :func:`sqlglot_fks` -- the plain approach: sqlglot parses every statement of
  every file one by one (``sqlglot.parse`` per file, which splits and parses
  statement by statement; a file it cannot parse whole is retried statement by
  statement), and the foreign keys are read off the trees (inline
  ``REFERENCES``, ``FOREIGN KEY`` constraints in ``CREATE TABLE`` and
  ``ALTER TABLE``). No replay: drops and renames are not followed.
* :func:`run_sql2dbml` -- the DBML CLI, ``sql2dbml --postgres FILES... -o out.dbml``
  (npm ``@dbml/cli``, installed on first use into ``bench/.node`` by
  :func:`ensure_sql2dbml`); its foreign keys are read back from the ``Ref:``
  lines of the DBML (:func:`dbml_fks`).

Both return foreign keys as :data:`bench.generate.FKTuple` so the sets can be
compared with fkmap's exactly.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

__all__ = ["NODE_DIR", "dbml_fks", "ensure_sql2dbml", "run_sql2dbml", "sqlglot_fks"]

NODE_DIR = ROOT / "bench" / ".node"
SQL2DBML = NODE_DIR / "node_modules" / ".bin" / "sql2dbml"
FKTuple = tuple[str, str, tuple[str, ...], str, str, tuple[str, ...]]


# ------------------------------------------------------------------------------------------- sqlglot
def _name(table: Any) -> tuple[str, str]:
    return (table.db or "public"), table.name


def _idents(nodes: Sequence[Any]) -> tuple[str, ...]:
    return tuple(n.name for n in nodes)


def _statement_fks(tree: Any, found: set[FKTuple]) -> None:
    from sqlglot import exp

    if isinstance(tree, exp.Create) and isinstance(tree.this, exp.Schema):
        table = _name(tree.this.this)
        for col in tree.this.expressions:
            if isinstance(col, exp.ColumnDef):
                for cons in col.constraints:
                    ref = cons.kind
                    if isinstance(ref, exp.Reference):
                        target = ref.this
                        found.add((*table, (col.name,), *_name(target.this), _idents(target.expressions)))
    elif isinstance(tree, exp.Alter):
        table = _name(tree.this)
    else:
        return
    for fk in tree.find_all(exp.ForeignKey):
        target = fk.args["reference"].this
        found.add((*table, _idents(fk.expressions), *_name(target.this), _idents(target.expressions)))


def sqlglot_fks(paths: Sequence[str | Path]) -> tuple[set[FKTuple], int]:
    """Foreign keys of ``paths`` (in order) as sqlglot reads them; and the statements it rejected."""
    import sqlglot
    from sqlglot.errors import SqlglotError

    from ingest.migrations.split import split_statements

    logging.getLogger("sqlglot").setLevel(logging.ERROR)  # "falling back to parsing as a Command"
    found: set[FKTuple] = set()
    rejected = 0
    for path in paths:
        text = Path(path).read_text(encoding="utf-8")
        try:
            trees = sqlglot.parse(text, read="postgres")
        except SqlglotError:
            trees = []
            for st in split_statements(text):
                try:
                    trees.append(sqlglot.parse_one(st.text, read="postgres"))
                except SqlglotError:
                    rejected += 1
        for tree in trees:
            if tree is not None:
                _statement_fks(tree, found)
    return found, rejected


# ------------------------------------------------------------------------------------------- sql2dbml
def ensure_sql2dbml(log: Any = print) -> Path | None:
    """Path of the ``sql2dbml`` script, installing ``@dbml/cli`` into ``bench/.node`` when missing."""
    if SQL2DBML.exists():
        return SQL2DBML
    npm = shutil.which("npm")
    if npm is None:
        log("sql2dbml: npm not found; skipped")
        return None
    log("installing @dbml/cli into bench/.node (npm install --prefix) ...")
    NODE_DIR.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run(
            [npm, "install", "--prefix", str(NODE_DIR), "--no-audit", "--no-fund", "@dbml/cli"],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=600,
        )
    except (subprocess.SubprocessError, OSError) as exc:
        log(f"sql2dbml: install failed: {exc}")
        return None
    return SQL2DBML if SQL2DBML.exists() else None


_QID = r'"(?:[^"]|"")*"|[\w$]+'
_ENDPOINT = rf"((?:(?:{_QID})\s*\.\s*)+)(\([^)]*\)|{_QID})"
_REF = re.compile(rf"^\s*Ref(?:\s*(?:{_QID}))?\s*:\s*{_ENDPOINT}\s*([<>-])\s*{_ENDPOINT}", re.M)
_QID_RE = re.compile(_QID)


def _unq(text: str) -> str:
    text = text.strip()
    return text[1:-1].replace('""', '"') if text.startswith('"') else text


def _endpoint(prefix: str, cols: str) -> tuple[str, str, tuple[str, ...]]:
    """``("schema".)"table".`` and ``"col"`` or ``("a", "b")`` -> (schema, table, columns)."""
    names = [_unq(n) for n in _QID_RE.findall(prefix)]
    schema = names[-2] if len(names) > 1 else "public"
    inner = cols[1:-1] if cols.startswith("(") else cols
    return schema, names[-1], tuple(_unq(c) for c in _QID_RE.findall(inner))


def dbml_fks(dbml: str) -> set[FKTuple]:
    """Foreign keys of the ``Ref:`` lines of a DBML document.

    ``a < b`` means ``b`` references ``a``; ``a > b`` and ``a - b`` mean ``a`` references ``b``.

    >>> sorted(dbml_fks('Ref "fk":"billing"."invoices"."id" < "lines"."invoice_id" [delete: cascade]'))
    [('public', 'lines', ('invoice_id',), 'billing', 'invoices', ('id',))]
    >>> sorted(dbml_fks('Ref:"pairs".("a", "b") < "pair_refs".("a", "b")'))
    [('public', 'pair_refs', ('a', 'b'), 'public', 'pairs', ('a', 'b'))]
    """
    found: set[FKTuple] = set()
    for m in _REF.finditer(dbml):
        left, right = _endpoint(m[1], m[2]), _endpoint(m[4], m[5])
        child, parent = (right, left) if m[3] == "<" else (left, right)
        found.add((*child, *parent))
    return found


def run_sql2dbml(paths: Sequence[str | Path], timeout: float) -> dict[str, Any]:
    """Run ``sql2dbml --postgres`` on ``paths``; wall/CPU seconds, peak RSS, its FKs or an error.

    Many files are concatenated into one (in replay order, outside the timing): the CLI
    takes a file list, but thousands of arguments would overflow the command line.
    """
    script = ensure_sql2dbml()
    if script is None:
        return {"status": "unavailable"}
    with tempfile.TemporaryDirectory(prefix="fkmap-sql2dbml-") as tmp:
        if len(paths) == 1:
            source = Path(paths[0])
        else:
            source = Path(tmp) / "all.sql"
            with source.open("w", encoding="utf-8") as out:
                for p in paths:
                    out.write(Path(p).read_text(encoding="utf-8"))
                    out.write("\n;\n")
        target = Path(tmp) / "out.dbml"
        errors = Path(tmp) / "stderr.txt"
        result: dict[str, Any] = run_timed(
            [str(script), "--postgres", str(source), "-o", str(target)], timeout, errors, cwd=tmp
        )
        if result["status"] == "ok" and (result["returncode"] != 0 or not target.exists()):
            lines = errors.read_text(encoding="utf-8", errors="replace").strip().splitlines()
            detail = (
                next((ln.strip() for ln in lines if "error" in ln.lower()), "")
                or f"exit {result['returncode']}"
            )
            result["status"] = "error: " + detail[:200]
        if result["status"] == "ok":
            result["fks"] = dbml_fks(target.read_text(encoding="utf-8"))
    return result


def _user_environ() -> dict[str, str]:
    """This process's environment as a user's shell would have it: Python keeps compiled modules
    (``PYTHONDONTWRITEBYTECODE``, set on some CI machines, would make every measured process
    compile fkmap's modules again, a cost no installed fkmap pays)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_timed(
    argv: Sequence[str],
    timeout: float,
    stderr_path: Path | None = None,
    *,
    stdout_path: Path | None = None,
    env: dict[str, str] | None = None,
    cwd: str | None = None,
) -> dict[str, Any]:
    """Run ``argv``; wall and CPU seconds and peak RSS of the process (``os.wait4``), or ``timed out``.

    Output goes to ``stdout_path``/``stderr_path`` when given, else is discarded.
    """
    out = stdout_path.open("wb") if stdout_path is not None else None
    err = stderr_path.open("wb") if stderr_path is not None else None
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(argv),
            stdout=out or subprocess.DEVNULL,
            stderr=err or subprocess.DEVNULL,
            env={**_user_environ(), "NODE_NO_WARNINGS": "1", **(env or {})},
            cwd=cwd,  # sql2dbml leaves dbml-error.log in its working directory
            start_new_session=True,  # a timeout kills the whole group (a wrapper's child too)
        )
        status = "ok"
        while True:
            pid, code, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > timeout:
                os.killpg(proc.pid, signal.SIGKILL)
                pid, code, usage = os.wait4(proc.pid, 0)
                status = "timed out"
                break
            time.sleep(0.01)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(code)
    finally:
        for handle in (out, err):
            if handle is not None:
                handle.close()
    return {
        "status": status,
        "returncode": proc.returncode,
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,
    }
