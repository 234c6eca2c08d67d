-- Foreign keys of the current database, one row per constraint, straight from
-- pg_constraint (information_schema cannot give composite keys in key order nor
-- constraints whose names repeat in a schema).
-- Columns are read in key order: conkey/confkey unnested WITH ORDINALITY, each
-- attribute found by an index probe on (attrelid, attnum) (the LATERAL ... LIMIT 1
-- keeps the planner from scanning and hashing all the table's attributes per key:
-- twice as fast on 20,000 keys).
-- Partitions are folded into their root: constraints cloned onto partitions
-- (conparentid <> 0) are skipped, and a key declared on or pointing at a
-- partition is reported on the partition tree's root (pg_partition_root).
-- Left out as in tables.sql: system schemas and extension-owned tables, on
-- either end. `{on_delete_columns}` is replaced by the reader: confdelsetcols
-- (ON DELETE SET NULL (col, ...)) exists from PostgreSQL 15.
WITH extension_owned AS (
    SELECT dep.classid, dep.objid
    FROM pg_catalog.pg_depend dep
    WHERE dep.deptype = 'e'
      AND dep.classid IN ('pg_catalog.pg_class'::regclass, 'pg_catalog.pg_namespace'::regclass)
),
fk AS (
    SELECT con.*,
           CASE WHEN c.relispartition THEN pg_catalog.pg_partition_root(c.oid) ELSE c.oid END AS table_oid,
           CASE WHEN rc.relispartition THEN pg_catalog.pg_partition_root(rc.oid) ELSE rc.oid END AS ref_oid
    FROM pg_catalog.pg_constraint con
    JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
    JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
    WHERE con.contype = 'f' AND con.conparentid = 0
)
SELECT fk.conname::text AS name,
       n.nspname::text AS schema,
       c.relname::text AS table_name,
       ARRAY(
           SELECT att.attname::text
           FROM unnest(fk.conkey) WITH ORDINALITY AS k(attnum, ord)
           JOIN LATERAL (
               SELECT a.attname FROM pg_catalog.pg_attribute a
               WHERE a.attrelid = fk.conrelid AND a.attnum = k.attnum
               LIMIT 1
           ) att ON true
           ORDER BY k.ord
       ) AS columns,
       rn.nspname::text AS ref_schema,
       rc.relname::text AS ref_table_name,
       ARRAY(
           SELECT att.attname::text
           FROM unnest(fk.confkey) WITH ORDINALITY AS k(attnum, ord)
           JOIN LATERAL (
               SELECT a.attname FROM pg_catalog.pg_attribute a
               WHERE a.attrelid = fk.confrelid AND a.attnum = k.attnum
               LIMIT 1
           ) att ON true
           ORDER BY k.ord
       ) AS ref_columns,
       fk.confdeltype::text AS on_delete,
       fk.confupdtype::text AS on_update,
       fk.condeferrable AS deferrable,
       fk.condeferred AS initially_deferred,
       fk.convalidated AS validated,
       {on_delete_columns} AS on_delete_columns
FROM fk
JOIN pg_catalog.pg_class c ON c.oid = fk.table_oid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_class rc ON rc.oid = fk.ref_oid
JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname NOT LIKE 'pg\_temp\_%'
  AND n.nspname NOT LIKE 'pg\_toast\_temp\_%'
  AND NOT EXISTS (
      SELECT 1 FROM extension_owned e
      WHERE (e.classid = 'pg_catalog.pg_class'::regclass AND e.objid IN (c.oid, rc.oid))
         OR (e.classid = 'pg_catalog.pg_namespace'::regclass AND e.objid IN (n.oid, rn.oid))
  )
-- No ORDER BY: the reader sorts (a server-side sort of 20,000 wide rows spills to disk).
