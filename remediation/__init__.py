"""Remediation: the phase-by-phase removal of every cross-service foreign key.

:mod:`.fkid` (identity of a key), :mod:`.records` (what people decided),
:mod:`.tracking` (the keys to track) and :mod:`.status` (the phase each
reached), :mod:`.views` (progress, burn-down, reviews, SQL), :mod:`.plan_file`
and :mod:`.plan_import` (the plan as code), :mod:`.store` (where records live)
and :mod:`.handle` (an app's store); :mod:`.service` is what the dashboard
and ``fkmap plan`` share, with typed results.
"""
