"""Stable identity of a foreign key: what a remediation record is attached to.

A remediation record (phase marks, owner, deletion policy) must stay with its
foreign key when the inventory is re-ingested, when the constraint or its table
is renamed by a migration, and when the same key is also seen in a live catalog.
No single attribute survives all of that, so there are three keys, tried in
order by :func:`remediation.status.match_records`:

1. :func:`fkid`, the *exact id*.

   * A key read from migrations is identified by **where it was declared**:
     ``<file>:<line>#<columns>``, the ``added_at`` location of its
     ``REFERENCES``/``FOREIGN KEY`` clause plus its columns. The replay engine
     keeps ``added_at`` when a later migration renames the table
     (``ALTER TABLE ... RENAME TO``), renames the constraint or moves it to
     another schema; it also keeps it after the key is dropped, so a record
     follows the key into its dropped state. Migration files are append-only
     history, so the location does not move on re-ingest. The logical database
     (the migration set's folder) is not repeated: the file path, relative to
     the scanned root, already starts with it. The columns tell apart two keys
     declared on one line (``a int REFERENCES x, b int REFERENCES y``).
   * A key read from a live catalog has no source location (its ``added_at``
     is the masked DSN, line 0), so its id is **structural**:
     ``<database>:<schema>.<table>(<columns>)-><schema>.<table>(<columns>)``.

2. :func:`structural_key`, the *structure* without the database:
   ``<schema>.<table>(<columns>)-><schema>.<table>(<columns>)``. It pairs a
   record with the same key seen in another source (the catalog of the
   database a migration folder builds), or with a migration key whose file was
   moved. Only a unique candidate (within the same service) is taken.

3. :func:`name_key`, the *name*: ``<schema>.<constraint name>``. It survives a
   column rename (which changes the columns, hence 1 and 2) because neither
   PostgreSQL nor the replay renames the constraint with the column. Again,
   only a unique candidate is taken.

A record that none of the three attaches to a current key is *orphaned*: its
key vanished without a migration dropping it (the migration was edited, the
file deleted, or both the table and the columns were renamed). The store can
re-attach it to another key (:meth:`remediation.store.base.SqlStore.reattach`).

Examples
--------
>>> from model.inventory import ForeignKey, Location, TableRef
>>> fk = ForeignKey("posts_user_id_fkey", TableRef("legacy/migrations", "public", "posts"), ("user_id",),
...                 TableRef("legacy/migrations", "public", "users"), ("id",),
...                 added_at=Location("legacy/migrations/003_posts_schema.sql", 6))
>>> fkid(fk)
'legacy/migrations/003_posts_schema.sql:6#user_id'
>>> structural_key(fk), name_key(fk)
('public.posts(user_id)->public.users(id)', 'public.posts_user_id_fkey')
>>> from dataclasses import replace
>>> renamed = replace(fk, table=TableRef("legacy/migrations", "public", "articles"))
>>> fkid(renamed) == fkid(fk)
True
>>> live = replace(fk, table=TableRef("kindred", "public", "posts"),
...                ref_table=TableRef("kindred", "public", "users"),
...                added_at=Location("postgresql://app@db/kindred"))
>>> fkid(live)
'kindred:public.posts(user_id)->public.users(id)'
"""

from __future__ import annotations

from model.inventory import ForeignKey, TableRef

__all__ = ["fkid", "from_migrations", "name_key", "structural_key"]


def from_migrations(fk: ForeignKey) -> bool:
    """True when ``fk`` was read from a migration file (it has a ``path:line``).

    Catalog keys carry the masked DSN with line 0; saved inventories keep
    whatever their source gave them.

    >>> from model.inventory import ForeignKey, Location, TableRef
    >>> t = TableRef("d", "s", "t")
    >>> from_migrations(ForeignKey("n", t, ("a",), t, ("id",), added_at=Location("m.sql", 3)))
    True
    >>> from_migrations(ForeignKey("n", t, ("a",), t, ("id",), added_at=Location("postgresql://h/d")))
    False
    """
    return fk.added_at is not None and fk.added_at.line > 0


def _end(ref: TableRef, columns: tuple[str, ...]) -> str:
    return (
        f"{ref.schema}.{ref.name}({','.join(columns)})" if ref.schema else f"{ref.name}({','.join(columns)})"
    )


def structural_key(fk: ForeignKey) -> str:
    """``schema.table(cols)->schema.table(cols)``: the key's structure, database left out.

    Column order is kept (it is the key's order). A table without schema
    (MySQL) is written without the dot.

    >>> from model.inventory import ForeignKey, TableRef
    >>> a, b = TableRef("d", "", "a"), TableRef("d", "", "b")
    >>> structural_key(ForeignKey("f", a, ("x", "y"), b, ("i", "j")))
    'a(x,y)->b(i,j)'
    """
    return f"{_end(fk.table, fk.columns)}->{_end(fk.ref_table, fk.ref_columns)}"


def name_key(fk: ForeignKey) -> str:
    """``schema.constraint_name`` (constraint names are unique per table in PostgreSQL).

    >>> from model.inventory import ForeignKey, TableRef
    >>> a, b = TableRef("d", "billing", "a"), TableRef("d", "billing", "b")
    >>> name_key(ForeignKey("f", a, ("x",), b, ("i",)))
    'billing.f'
    """
    return f"{fk.table.schema}.{fk.name}" if fk.table.schema else fk.name


def fkid(fk: ForeignKey) -> str:
    """The exact, stable id of a foreign key (see the module docstring for the rules)."""
    if fk.added_at is not None and from_migrations(fk):
        return f"{fk.added_at.path}:{fk.added_at.line}#{','.join(fk.columns)}"
    return f"{fk.table.database}:{structural_key(fk)}"
