-- Tables, their columns (in attnum order) and primary keys (in key order) of the
-- current database, one row per table.
-- Left out: system schemas (pg_catalog, information_schema, pg_toast, pg_temp_*,
-- pg_toast_temp_*), objects owned by an extension (pg_depend deptype 'e', on the
-- table or on its schema), and partitions (relispartition): a partitioned table
-- is reported once, as its root.
WITH extension_owned AS (
    SELECT dep.classid, dep.objid
    FROM pg_catalog.pg_depend dep
    WHERE dep.deptype = 'e'
      AND dep.classid IN ('pg_catalog.pg_class'::regclass, 'pg_catalog.pg_namespace'::regclass)
)
SELECT n.nspname::text AS schema,
       c.relname::text AS name,
       coalesce(cols.names, '{}') AS column_names,
       coalesce(cols.types, '{}') AS column_types,
       coalesce(cols.nullable, '{}') AS column_nullable,
       ARRAY(
           SELECT att.attname::text
           FROM pg_catalog.pg_constraint pk
           CROSS JOIN LATERAL unnest(pk.conkey) WITH ORDINALITY AS k(attnum, ord)
           JOIN LATERAL (  -- an index probe per key column (see foreign_keys.sql)
               SELECT a.attname FROM pg_catalog.pg_attribute a
               WHERE a.attrelid = pk.conrelid AND a.attnum = k.attnum
               LIMIT 1
           ) att ON true
           WHERE pk.conrelid = c.oid AND pk.contype = 'p'
           ORDER BY k.ord
       ) AS primary_key
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN LATERAL (
    SELECT array_agg(a.attname::text ORDER BY a.attnum) AS names,
           array_agg(pg_catalog.format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum) AS types,
           array_agg(NOT a.attnotnull ORDER BY a.attnum) AS nullable
    FROM pg_catalog.pg_attribute a
    WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
) cols ON true
WHERE c.relkind IN ('r', 'p')
  AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname NOT LIKE 'pg\_temp\_%'
  AND n.nspname NOT LIKE 'pg\_toast\_temp\_%'
  AND NOT EXISTS (
      SELECT 1 FROM extension_owned e
      WHERE (e.classid = 'pg_catalog.pg_class'::regclass AND e.objid = c.oid)
         OR (e.classid = 'pg_catalog.pg_namespace'::regclass AND e.objid = n.oid)
  )
-- No ORDER BY: the reader sorts (a server-side sort of 20,000 wide rows spills to disk).
