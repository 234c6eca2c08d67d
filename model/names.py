"""Labels that tell same-name tables apart: a database prefix only where two labels would collide.

A label is the short name people use (``users``, ``public.users``); when two
tables of different databases would get the same label, both are prefixed with
the shortest trailing part of their database's name (a migration set's folder,
a catalog's database) that differs within that group, ``auth.users`` and
``accounting.users``. Tables whose label is already unique keep it unchanged.

Examples
--------
>>> from model.inventory import TableRef
>>> a, b = TableRef("auth", "public", "users"), TableRef("accounting", "public", "users")
>>> c = TableRef("auth", "public", "posts")
>>> labels = distinct_labels([a, b, c])
>>> labels[a], labels[b], labels[c]
('auth.public.users', 'accounting.public.users', 'public.posts')
>>> short = distinct_labels([a, b], lambda r: r.name)
>>> short[a], short[b]
('auth.users', 'accounting.users')
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from model.inventory import TableRef

__all__ = ["database_tags", "distinct_labels"]


def _qualified(ref: TableRef) -> str:
    return ref.qualified


def database_tags(databases: Iterable[str]) -> dict[str, str]:
    """A short tag per database name: the part of it that tells it from the others.

    Parts every name ends with (``migrations``) are left out first; then a part
    no other name has (the last one) is the tag, else the fewest trailing parts
    that differ; a name that is nothing but shared parts keeps them all.

    >>> tags = database_tags(["svc/auth/migrations", "svc/messaging/migrations"])
    >>> tags["svc/auth/migrations"], tags["svc/messaging/migrations"]
    ('auth', 'messaging')
    >>> tags = database_tags(["legacy/migrations", "svc/messaging/migrations", "svc/messaging/phase-7b"])
    >>> [tags[d] for d in sorted(tags)]
    ['legacy', 'messaging/migrations', 'phase-7b']
    >>> database_tags(["auth", "accounting"]) == {"auth": "auth", "accounting": "accounting"}
    True
    """
    names = sorted(set(databases))
    parts = {d: d.split("/") for d in names}
    common = 0
    shortest = min((len(p) for p in parts.values()), default=0)
    while common < shortest - 1 and len({tuple(p[-common - 1 :]) for p in parts.values()}) == 1:
        common += 1
    rest = {d: (p[: len(p) - common] if len(names) > 1 else p) for d, p in parts.items()}
    tags = {}
    for d in names:
        others = [rest[o] for o in names if o != d]
        own = [p for p in reversed(rest[d]) if not any(p in o for o in others)]
        tag = own[0] if own and len(rest[d]) > 1 else "/".join(rest[d])  # one part no other name has
        for k in range(1, len(rest[d]) if not own else 0):
            suffix = rest[d][-k:]
            if not any(o[-k:] == suffix for o in others):
                tag = "/".join(suffix)
                break
        tags[d] = tag
    return tags


def distinct_labels(
    refs: Iterable[TableRef], base: Callable[[TableRef], str] = _qualified
) -> dict[TableRef, str]:
    """``base(ref)`` for every table, database-qualified where that label is shared by several tables.

    Within one database, tables that share ``base`` (two schemas of one name)
    get their ``schema.name``; a label still shared after that (never expected)
    becomes the full ``database:schema.name``. Every returned label is unique.
    Deterministic: the labels depend on the set of tables, not their order.
    """
    unique = sorted(set(refs))
    groups: dict[str, list[TableRef]] = defaultdict(list)
    for ref in unique:
        groups[base(ref)].append(ref)
    labels: dict[TableRef, str] = {}
    for label, members in groups.items():
        if len(members) == 1:
            labels[members[0]] = label
            continue
        tags = database_tags(r.database for r in members)
        per_db: dict[str, int] = defaultdict(int)
        for r in members:
            per_db[r.database] += 1
        for r in members:
            name = label if per_db[r.database] == 1 else r.qualified
            labels[r] = f"{tags[r.database]}.{name}" if r.database and len(per_db) > 1 else name
    counts: dict[str, int] = defaultdict(int)
    for label in labels.values():
        counts[label] += 1
    return {r: (str(r) if counts[label] > 1 else label) for r, label in labels.items()}
