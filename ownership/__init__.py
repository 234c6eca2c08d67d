"""Who owns each table, and why.

``fkmap.toml``: config (the dataclasses), config_file (find, load, parse), config_checks, patterns.
The service map: services (the driver: assign_services, explain_services) over decide (rules 1-5 and 8
for one table), rules (config, schema, folder, file-name rules), naming (names from folders and files),
inputs (the code units and table access it takes in), code_usage (code-write/read, shared access),
neighbours (name family, FK neighbourhood), replicas (local copies), summary (unowned figures);
resolve (external tables), infer (references from column names) and scan (sources -> one inventory
with owners).
"""
