"""Every scanning loop of the splitter terminates, whatever the regex engine returns.

CPython 3.11.2 (Debian 12's python3) mis-matches some possessive patterns: a match
made at 39 can end at 38, or the engine raises ``SystemError``. The loops must still
advance. The patterns are replaced by wrappers that return such answers; the real
3.11.2, when the machine has it, runs the inputs that used to loop forever.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from ingest.migrations import split, split_pg
from ingest.migrations.split import split_statements
from tests.conftest import missing

#: Inputs on which CPython 3.11.2's engine ends a match before its start (found by fuzzing).
ENGINE_TRAPS = [
    "\n''$/*$$",
    "''E'eend;--$$e';\\begin'''''create function f() ",
    "/*\\'/\n$$('''end ';case--",
    "\\''x/''E'e /)/case/''",
]
SAMPLES = [
    *ENGINE_TRAPS,
    "CREATE TABLE a (id int);\nINSERT INTO a VALUES (1;\nCREATE TABLE b (id int);",
    "CREATE FUNCTION f() RETURNS int BEGIN ATOMIC SELECT 1; SELECT (2; END;\nSELECT 3;",
    "DO $$ BEGIN PERFORM 1; END $$; SELECT 'x''y'; SELECT E'a\\'b';",
    "COPY t (a) FROM stdin;\n1\n\\.\n\\connect db\nSELECT 1;",
    "/* /* nested */ */ SELECT 1; /* unterminated",
    "DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END//\nDELIMITER ;\nSELECT `a;b`;",
]


class _Backwards:
    """A match whose every position is one before where the match was made."""

    def __init__(self, pos: int) -> None:
        self.pos = max(pos - 1, 0)

    def end(self, *_: Any) -> int:
        return self.pos

    def start(self, *_: Any) -> int:
        return self.pos

    def span(self, *_: Any) -> tuple[int, int]:
        return self.pos, self.pos

    def group(self, *_: Any) -> str:
        return ""


class _BrokenEngine:
    """A compiled pattern that answers every other call wrongly: a match ending before
    its start, or ``SystemError``; the other calls get the real answer."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.calls = 0

    def match(self, text: str, pos: int = 0, *args: Any) -> Any:
        self.calls += 1
        if self.calls % 4 == 1:
            return _Backwards(pos)
        if self.calls % 4 == 3:
            raise SystemError("The span of capturing group is wrong, please report a bug for the re module.")
        return self.pattern.match(text, pos, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.pattern, name)


class _AlwaysBackwards(_BrokenEngine):
    def match(self, text: str, pos: int = 0, *args: Any) -> Any:
        self.calls += 1
        return _Backwards(pos)


@contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging the suite) when the block runs longer than ``seconds``."""

    def expired(*_: object) -> None:
        raise TimeoutError(f"no progress within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


PATTERNS = [
    (split_pg, "_PG_STD_STRING_END"),
    (split_pg, "_PG_E_STRING_END"),
    (split, "_MY_DELIMITER"),
]


@pytest.mark.parametrize("engine", [_BrokenEngine, _AlwaysBackwards])
@pytest.mark.parametrize("dialect", ["postgres", "mysql"])
def test_scanning_loops_advance_when_matches_end_before_their_start(
    monkeypatch: pytest.MonkeyPatch, engine: type[_BrokenEngine], dialect: str
) -> None:
    engines: list[_BrokenEngine] = []

    def broken(pattern: re.Pattern[str]) -> _BrokenEngine:
        engines.append(engine(pattern))
        return engines[-1]

    for module, name in PATTERNS:
        monkeypatch.setattr(module, name, broken(getattr(module, name)))
    real_large = split_pg._large_patterns  # the statement, body and precise-body patterns
    monkeypatch.setattr(split_pg, "_large_patterns", lambda: tuple(broken(p) for p in real_large()))
    real_my_next = split._my_next
    monkeypatch.setattr(split, "_my_next", lambda *args: broken(real_my_next(*args)))
    with _deadline(20):
        for text in SAMPLES:
            statements = split_statements(text * 3, dialect=dialect)
            assert len(statements) <= len(text) * 3  # at most one statement per character
    assert sum(e.calls for e in engines) > len(SAMPLES)


def _python_3_11_2() -> str | None:
    python = shutil.which("python3", path="/usr/bin")
    if python is None:
        return None
    version = subprocess.run(
        [python, "-c", "import sys; print(sys.version_info[:3])"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return python if version == "(3, 11, 2)" else None


SPLIT_UNDER_OTHER_PYTHON = """
import json, sys, types
root = sys.argv[1]
for name, path in [("ingest", root + "/ingest"), ("ingest.migrations", root + "/ingest/migrations")]:
    package = types.ModuleType(name)  # the splitter alone, without the packages' imports
    package.__path__ = [path]
    sys.modules[name] = package
from ingest.migrations.split import split_statements
texts = json.loads(sys.argv[2])
found = [split_statements(t, dialect=d) for t in texts for d in ("postgres", "mysql")]
print(json.dumps([[[s.text, s.line, s.kind] for s in statements] for statements in found]))
"""


def test_splitter_under_python_3_11_2_terminates_and_agrees() -> None:
    """The real buggy engine (the splitter needs only the standard library): the loops
    end, and with possessive quantifiers compiled as atomic groups the statements are
    the same as here."""
    python = _python_3_11_2()
    if python is None:
        missing("/usr/bin/python3 3.11.2 (Debian 12)", "not on this machine")
    import json

    root = Path(split.__file__).resolve().parents[2]
    done = subprocess.run(
        [python, "-c", SPLIT_UNDER_OTHER_PYTHON, str(root), json.dumps(SAMPLES)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    expected = [
        [[s.text, s.line, s.kind] for s in split_statements(t, dialect=d)]
        for t in SAMPLES
        for d in ("postgres", "mysql")
    ]
    assert json.loads(done.stdout) == expected


def test_atomic_group_rewrite_gives_the_same_statements(monkeypatch: pytest.MonkeyPatch) -> None:
    """The patterns as compiled for 3.11.0-3.11.4 split like the originals (on this engine)."""
    from ingest.migrations import possessive

    def run() -> list[list[tuple[str, int, int]]]:
        return [
            [(s.text, s.line, s.offset) for s in split_statements(t, dialect=d)]
            for t in SAMPLES
            for d in ("postgres", "mysql")
        ]

    expected = run()
    monkeypatch.setattr(possessive, "AFFECTED", True)
    for module, name in [*PATTERNS, (split_pg, "_PG_DOLLAR_TAG")]:
        pattern = getattr(module, name)
        rewritten = possessive.compile_possessive(pattern.pattern, pattern.flags)
        assert rewritten.pattern != pattern.pattern, name
        monkeypatch.setattr(module, name, rewritten)
    split._my_next.cache_clear()
    try:
        assert "*+" not in split._my_next(";").pattern
        assert run() == expected
    finally:
        monkeypatch.undo()
        split._my_next.cache_clear()
    assert "*+" in split._my_next(";").pattern
