"""Copies of one application in one repository: the same migration sets under sibling folders.

A repository may hold an application twice -- ``app/`` and ``app-copy/``, ``v1/`` and ``v2/``,
each with ``services/auth/migrations`` and ``services/chat/migrations``. Each copy is its own
set of databases: a reference in one copy resolves to that copy's table (the nearest definer,
:func:`ownership.resolve.resolve_external`), and the duplication is said once, by one ``info``
diagnostic (code ``copies``) per group of copies, rather than shown as coupling.

Sibling folders are copies when they hold the same sets, relative to themselves, for at least
two different units (``services/auth`` and ``services/chat``): two services that each hold
``db/migrations`` and ``db/seeds`` are not copies of each other.

Examples
--------
>>> labels = ["app/services/auth/migrations", "app/services/chat/migrations",
...           "app-copy/services/auth/migrations", "app-copy/services/chat/migrations",
...           "services/auth/db/migrations", "services/chat/db/migrations"]
>>> [d.message for d in find_copies(labels)]  # doctest: +NORMALIZE_WHITESPACE
["'app' and 'app-copy' hold the same migration sets (services/auth/migrations,
  services/chat/migrations): copies of one application; each copy's references resolve within it"]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import combinations
from pathlib import PurePosixPath

from model.inventory import Diagnostic

__all__ = ["find_copies"]


def _shared_tails(labels: Iterable[str]) -> dict[tuple[str, str], set[str]]:
    """For each pair of sibling folders, the set labels (relative to each) that both hold."""
    holders: dict[tuple[str, str], set[str]] = defaultdict(set)  # (parent, tail) -> sibling roots
    for label in labels:
        parts = PurePosixPath(label).parts
        for i in range(len(parts) - 1):
            parent, root, tail = "/".join(parts[:i]), parts[i], "/".join(parts[i + 1 :])
            holders[(parent, tail)].add(root)
    shared: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (parent, tail), roots in holders.items():
        for a, b in combinations(sorted(roots), 2):
            shared[(f"{parent}/{a}".lstrip("/"), f"{parent}/{b}".lstrip("/"))].add(tail)
    return shared


def _groups(pairs: list[tuple[str, str]]) -> list[list[str]]:
    """Connected groups of folders (each pair joins two)."""
    group_of: dict[str, set[str]] = {}
    for a, b in pairs:
        merged = group_of.get(a, {a}) | group_of.get(b, {b})
        for member in merged:
            group_of[member] = merged
    unique = {id(g): g for g in group_of.values()}
    return sorted(sorted(g) for g in unique.values())


def find_copies(labels: Iterable[str]) -> list[Diagnostic]:
    """One ``info`` diagnostic per group of sibling folders that hold copies of the same sets."""
    shared = _shared_tails(labels)
    pairs = []
    tails_of: dict[str, set[str]] = defaultdict(set)
    for (a, b), tails in shared.items():
        units = {str(PurePosixPath(t).parent) for t in tails}
        if len(units) >= 2:
            pairs.append((a, b))
            tails_of[a] |= tails
            tails_of[b] |= tails
    notes = []
    for group in _groups(pairs):
        names = " and ".join(repr(g) for g in group) if len(group) == 2 else ", ".join(repr(g) for g in group)
        common = sorted(set.intersection(*(tails_of[g] for g in group)) or tails_of[group[0]])
        listed = ", ".join(common[:5]) + (f" and {len(common) - 5} more" if len(common) > 5 else "")
        message = (
            f"{names} hold the same migration sets ({listed}): copies of one application; "
            "each copy's references resolve within it"
        )
        notes.append(Diagnostic("info", message, path=group[0], code="copies"))
    return notes
