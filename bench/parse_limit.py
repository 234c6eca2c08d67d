"""The parse limit: libpg_query alone (pglast ``parse_sql_json``) over the bytes fkmap reads.

Not a unit test. Run as its own process by ``make bench`` (:func:`bench.procs.parse_limit`):
``python bench/parse_limit.py LIST`` where LIST holds one path per line -- the up-migration
files fkmap replays, or one dump. It imports nothing of fkmap, reads every file, and hands
each file's text to ``parse_sql_json`` (a large file in pieces of about :data:`PIECE` characters
cut after a ``;`` that ends a line before a blank one, which in a ``pg_dump`` file is a statement
boundary, so no one call holds the parse tree of a whole dump). It prints one JSON line: files,
characters, the seconds spent reading and the wall and CPU seconds spent inside
``parse_sql_json`` alone, and the pieces the parser rejected.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from pglast.parser import ParseError, parse_sql_json

#: Characters per ``parse_sql_json`` call for a large file.
PIECE = 1_000_000


def pieces(text: str) -> list[str]:
    """``text`` cut after ``;\\n\\n`` near every :data:`PIECE` characters.

    >>> pieces("a;\\n\\nb;\\n\\n")
    ['a;\\n\\nb;\\n\\n']
    """
    out: list[str] = []
    start = 0
    while len(text) - start > PIECE:
        cut = text.find(";\n\n", start + PIECE)
        if cut < 0:
            break
        out.append(text[start : cut + 3])
        start = cut + 3
    if start < len(text) or not out:
        out.append(text[start:])
    return out


def main(argv: list[str]) -> int:
    paths = Path(argv[0]).read_text(encoding="utf-8").splitlines()
    wall0 = time.perf_counter()
    texts = [Path(p).read_text(encoding="utf-8") for p in paths]
    read_s = time.perf_counter() - wall0
    rejected = 0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for text in texts:
        for piece in pieces(text):
            try:
                parse_sql_json(piece)
            except ParseError:
                rejected += 1
    result = {
        "files": len(paths),
        "chars": sum(len(t) for t in texts),
        "read_s": read_s,
        "parse_wall_s": time.perf_counter() - wall0,
        "parse_cpu_s": time.process_time() - cpu0,
        "rejected": rejected,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
