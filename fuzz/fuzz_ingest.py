"""Coverage-guided fuzzing of fkmap's readers with atheris (libFuzzer for Python).

Targets, chosen by the first input byte: the statement splitter (PostgreSQL and MySQL
rules), the PostgreSQL adapter (pglast), the sqlglot adapter (MySQL), a whole file through
read -> parse -> replay (:func:`ingest.migrations.sets.ingest_path`), and the ``fkmap.toml``
loader. The property is the one the test suite states: nothing raises, whatever the bytes.
Any exception that escapes is a crash atheris saves as ``crash-<sha1>`` for replay.

Not part of ``make test`` (tests/test_security_fuzz.py runs the same targets with
hypothesis). ``make fuzz`` installs atheris and runs it for ``FUZZ_SECONDS`` (120); by hand::

    .venv/bin/pip install -e '.[fuzz]'        # atheris (a wheel for CPython 3.11 on Linux x86-64)
    .venv/bin/python fuzz/fuzz_ingest.py -runs=20000 -max_total_time=60 -rss_limit_mb=4096 fuzz/corpus

The fuzzer process itself grows by a few KB per execution (replaying its corpus without
atheris stays flat), so keep ``-rss_limit_mb=4096`` for runs longer than a few minutes.

``fuzz/corpus`` (created on the first run) keeps the inputs that found new coverage.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

with atheris.instrument_imports():
    from ingest.migrations import postgres as pg
    from ingest.migrations import sqlglot_dialects as mysql
    from ingest.migrations.sets import ingest_path
    from ingest.migrations.split import split_statements
    from ownership.config_file import parse_config

SEEDS = [
    b"CREATE TABLE users (id int PRIMARY KEY);\n"
    b"CREATE TABLE posts (u int REFERENCES users ON DELETE CASCADE);",
    b"DO $$ BEGIN IF NOT EXISTS (SELECT 1) THEN\n"
    b"ALTER TABLE a ADD FOREIGN KEY (b) REFERENCES c; END IF; END $$;",
    b"COPY t (a) FROM stdin;\n1\n\\.\n"
    b"ALTER TABLE ONLY public.t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u(id);",
    b"CREATE TABLE `o` (`u` INT, FOREIGN KEY (`u`) REFERENCES `users` (`id`)) ENGINE=InnoDB;\nDELIMITER //\n",
    b'[services.auth]\npaths = ["services/auth/**"]\n'
    b'[[replicas]]\ntable = "x:public.users"\nowner = "auth"\n',
]
_TMP = Path(tempfile.mkdtemp(prefix="fkmap-fuzz-"))


def _file(data: bytes) -> None:
    path = _TMP / "001_fuzz.sql"
    path.write_bytes(data)
    ingest_path(path, cache=False, workers=1)


def test_one_input(data: bytes) -> None:
    if not data:
        return
    target, body = data[0] % 6, data[1:]
    text = body.decode("utf-8", "replace")
    if target == 0:
        split_statements(text)
    elif target == 1:
        split_statements(text, dialect="mysql")
    elif target == 2:
        pg.parse(text, "f.sql")
    elif target == 3:
        mysql.parse(text, "f.sql", dialect="mysql")
    elif target == 4:
        _file(body)
    else:
        parse_config(text)


def main() -> None:
    corpus = [a for a in sys.argv[1:] if not a.startswith("-")]
    for folder in corpus:
        os.makedirs(folder, exist_ok=True)
        if not os.listdir(folder):
            for i, seed in enumerate(SEEDS):
                for target in range(6):
                    Path(folder, f"seed-{i}-{target}").write_bytes(bytes([target]) + seed)
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
