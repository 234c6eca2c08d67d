"""Default constraint names, chosen the way the database server chooses them.

A migration that later says ``DROP CONSTRAINT orders_user_id_fkey`` only matches
an unnamed ``REFERENCES`` if we name it exactly as PostgreSQL did: PostgreSQL's
``ChooseConstraintName``/``makeObjectName`` join the table name, the column names
and a label with ``_``, cut the result to 63 bytes by shortening the *longer* of
the two name parts first (never splitting a UTF-8 character), and append a
number to the label (``fkey1``, ``fkey2``...) while the name is taken in the schema.
MySQL names an unnamed foreign key ``<table>_ibfk_<n>``.

Examples
--------
>>> choose_name("orders", fk_addition(["user_id"]), "fkey", set())
'orders_user_id_fkey'
>>> choose_name("orders", fk_addition(["user_id"]), "fkey", {"orders_user_id_fkey"})
'orders_user_id_fkey1'
>>> name = choose_name("a" * 40, fk_addition(["b" * 40]), "fkey", set())
>>> name == "a" * 29 + "_" + "b" * 28 + "_fkey", len(name)
(True, 63)
>>> mysql_fk_name("orders", ["orders_ibfk_1", "orders_ibfk_3", "fk_x"])
'orders_ibfk_4'
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Sequence

__all__ = [
    "NAMEDATALEN",
    "choose_name",
    "fk_addition",
    "make_object_name",
    "mysql_fk_name",
    "truncate_identifier",
]

#: PostgreSQL's NAMEDATALEN; identifiers hold at most NAMEDATALEN - 1 bytes.
NAMEDATALEN = 64


def _clip(data: bytes, n: int) -> bytes:
    """The longest prefix of ``data`` of at most ``n`` bytes that ends on a character boundary."""
    return data[:n].decode("utf-8", "ignore").encode("utf-8")


def truncate_identifier(name: str) -> str:
    """Cut ``name`` to 63 bytes as PostgreSQL's scanner does.

    >>> len(truncate_identifier("x" * 100))
    63
    >>> truncate_identifier("é" * 40) == "é" * 31
    True
    """
    data = name.encode("utf-8")
    if len(data) < NAMEDATALEN:
        return name
    return _clip(data, NAMEDATALEN - 1).decode("utf-8")


def make_object_name(name1: str, name2: str | None, label: str | None) -> str:
    """PostgreSQL's ``makeObjectName``: ``name1[_name2][_label]`` within 63 bytes.

    The longer of ``name1``/``name2`` loses a byte at a time (``name2`` on ties).

    >>> make_object_name("orders", None, "pkey")
    'orders_pkey'
    >>> len(make_object_name("t" * 70, "c" * 70, "fkey"))
    63
    """
    b1 = name1.encode("utf-8")
    b2 = name2.encode("utf-8") if name2 is not None else b""
    overhead = (1 if name2 is not None else 0) + (len(label.encode("utf-8")) + 1 if label else 0)
    avail = NAMEDATALEN - 1 - overhead
    n1, n2 = len(b1), len(b2)
    if n1 + n2 <= avail:  # the usual case: nothing to truncate
        parts = [name1] if name2 is None else [name1, name2]
        return "_".join([*parts, label] if label else parts)
    while n1 + n2 > avail:  # PostgreSQL's loop, byte by byte
        if n1 > n2:
            n1 -= 1
        else:
            n2 -= 1
    out = _clip(b1, n1)
    if name2 is not None:
        out += b"_" + _clip(b2, n2)
    if label:
        out += b"_" + label.encode("utf-8")
    return out.decode("utf-8")


def fk_addition(columns: Iterable[str]) -> str:
    """PostgreSQL's ``ChooseForeignKeyConstraintNameAddition`` (also its index-name addition).

    Column names joined with ``_``, stopping once the text reaches 64 bytes.

    >>> fk_addition(["tenant_id", "user_id"])
    'tenant_id_user_id'
    """
    buf = b""
    for name in columns:
        if buf:
            buf += b"_"
        buf += name.encode("utf-8")[: NAMEDATALEN - 1]
        if len(buf) >= NAMEDATALEN:
            break
    return buf.decode("utf-8", "ignore")


def choose_name(name1: str, name2: str | None, label: str, taken: Container[str]) -> str:
    """PostgreSQL's ``ChooseConstraintName``: the first free ``make_object_name`` with label, label1, ...

    >>> choose_name("t", "a", "fkey", {"t_a_fkey", "t_a_fkey1"})
    't_a_fkey2'
    """
    name = make_object_name(name1, name2, label)
    n = 0
    while name in taken:
        n += 1
        name = make_object_name(name1, name2, f"{label}{n}")
    return name


def mysql_fk_name(table: str, existing: Sequence[str] | Iterable[str]) -> str:
    """MySQL's default FK name: ``<table>_ibfk_<n>``, n one more than the highest in use.

    >>> mysql_fk_name("posts", [])
    'posts_ibfk_1'
    """
    pattern = re.compile(re.escape(table) + r"_ibfk_(\d+)$")
    highest = 0
    for name in existing:
        m = pattern.match(name)
        if m:
            highest = max(highest, int(m.group(1)))
    return f"{table}_ibfk_{highest + 1}"
