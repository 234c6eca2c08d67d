-- Databases of the instance that fkmap may read: every non-template database,
-- with whether connections are allowed and whether the current role may connect.
SELECT d.datname::text AS name,
       d.datallowconn AS allow_connections,
       has_database_privilege(d.oid, 'CONNECT') AS can_connect,
       current_user::text AS role
FROM pg_catalog.pg_database d
WHERE NOT d.datistemplate
ORDER BY d.datname COLLATE "C"
