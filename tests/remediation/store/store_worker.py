"""A separate process writing to a remediation store (run by tests/remediation/store/test_store.py).

Usage: ``python store_worker.py URL MODE ARGS...``

* ``increment N``: add 1 to the counter record ``counter`` N times (reload and
  retry on conflict); prints ``done <successes> <conflicts>``.
* ``race READY GO``: load ``counter``, create the file READY, wait for the file
  GO, save once; prints ``ok`` or ``conflict <message>``.
* ``create``: create records ``k0``, ``k1``, ... forever, printing
  ``confirmed <i>`` after each commit (the parent kills it with SIGKILL).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from remediation.records import Record  # noqa: E402
from remediation.store import open_store  # noqa: E402
from remediation.store.conflict import ConflictError  # noqa: E402


def main(argv: list[str]) -> None:
    url, mode, *args = argv
    store = open_store(url)
    if mode == "increment":
        done = conflicts = 0
        while done < int(args[0]):
            current = store.get("counter")
            assert current is not None
            try:
                store.save(
                    current.with_fields(owner_team=str(int(current.owner_team) + 1)), who=f"p{args[1]}"
                )
                done += 1
            except ConflictError:
                conflicts += 1
        print(f"done {done} {conflicts}", flush=True)
    elif mode == "race":
        ready, go = Path(args[0]), Path(args[1])
        current = store.get("counter")
        assert current is not None
        ready.touch()
        while not go.exists():
            time.sleep(0.01)
        try:
            store.save(current.with_fields(owner_team=str(int(current.owner_team) + 1)), who=ready.name)
            print("ok", flush=True)
        except ConflictError as exc:
            print(f"conflict {exc}", flush=True)
    elif mode == "create":
        i = 0
        while True:
            store.save(Record(f"k{i}", owner_team=f"team {i}"), who="writer")
            print(f"confirmed {i}", flush=True)
            i += 1
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(sys.argv[1:])
