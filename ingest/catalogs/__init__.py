"""Live catalogs read into the model: PostgreSQL (:mod:`~ingest.catalogs.postgres`), MySQL/MariaDB
(:mod:`~ingest.catalogs.mysql`, URLs in :mod:`~ingest.catalogs.mysql_dsn`) and SQLite files
(:mod:`~ingest.catalogs.sqlite`, URLs in :mod:`~ingest.catalogs.sqlite_url`)."""
