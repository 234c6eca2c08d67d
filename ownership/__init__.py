"""Who owns each table.

``fkmap.toml``: config (the dataclasses), config_file (find, load, parse), config_checks, patterns.
The service map: naming, services (assignment), resolve (external tables), infer (references from
column names) and scan (sources -> one inventory with owners).
"""
