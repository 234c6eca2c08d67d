"""The remediation plan file as text: YAML (reviewable, with a header) or JSON.

:mod:`remediation.plan_file` builds the document (one entry per tracked
foreign key) and reads it back; this module only writes it, as the
``plan-yaml`` and ``plan-json`` formats of :data:`exports.FORMATS`. Mappings
and lists wrapped in :class:`Flow` / :class:`FlowList` are written on one line.

Examples
--------
>>> import io
>>> out = io.StringIO()
>>> write_plan_yaml({"format": "fkmap-plan", "records": [{"fk": {"columns": FlowList(["user_id"])}}]},
...                 out, header="# a plan\\n")
>>> print(out.getvalue(), end="")
# a plan
format: fkmap-plan
records:
- fk:
    columns: [user_id]
"""

from __future__ import annotations

import json
from typing import Any, TextIO

__all__ = ["Flow", "FlowList", "render_plan", "write_plan_json", "write_plan_yaml"]


class Flow(dict[str, Any]):
    """A mapping written on one line (``{phase: 1, label: Validation added, dropped: false}``)."""


class FlowList(list[Any]):
    """A list written on one line (``[user_id, tenant_id]``)."""


def render_plan(doc: dict[str, Any], *, json_format: bool = False, header: str = "") -> str:
    """The document as YAML (``header`` first) or as JSON text."""
    if json_format:
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def flow(dumper: yaml.SafeDumper, data: Flow) -> yaml.Node:
        return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)

    def flow_list(dumper: yaml.SafeDumper, data: FlowList) -> yaml.Node:
        return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)

    Dumper.add_representer(Flow, flow)
    Dumper.add_representer(FlowList, flow_list)
    text: str = yaml.dump(doc, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=110)
    return header + text


def write_plan_yaml(doc: dict[str, Any], stream: TextIO, *, header: str = "") -> None:
    """Write the plan document as YAML."""
    stream.write(render_plan(doc, header=header))


def write_plan_json(doc: dict[str, Any], stream: TextIO) -> None:
    """Write the plan document as JSON."""
    stream.write(render_plan(doc, json_format=True))
