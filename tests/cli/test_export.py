"""``fkmap export`` end to end on a small migration repository in tmp_path."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
import yaml
from click.testing import CliRunner

from cli import main
from cli.export import EXPORT_FORMATS
from exports import FORMATS
from tests.cli.services_repo import run, services_repo


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three services in ``services/<name>/migrations``; the working directory is the repo root."""
    return services_repo(tmp_path, monkeypatch)


def test_format_choices_match_the_registry() -> None:
    assert set(EXPORT_FORMATS) == {name for name, f in FORMATS.items() if f.subject == "inventory"}


def test_help() -> None:
    code, out, _ = run("--help")
    assert code == 0 and "export" in out and "check" in out
    code, out, _ = run("export", "--help")
    for option in ("--format", "--service", "--cross-only", "--level", "--config", "-o, --output"):
        assert option in out


@pytest.mark.parametrize(
    "fmt", ["dot", "mermaid", "graphml", "graph-json", "csv", "impact-csv", "md", "html", "table", "json"]
)
def test_every_text_format_to_stdout(repo: Path, fmt: str) -> None:
    code, out, err = run("export", ".", "--format", fmt, "-o", "-")
    assert (code, err) == (0, "")
    assert out.strip()


def test_export_to_a_file(repo: Path) -> None:
    code, out, err = run("export", ".", "--format", "md", "-o", "report.md")
    assert (code, out, err) == (0, "", "fkmap: wrote report.md\n")
    text = (repo / "report.md").read_text(encoding="utf-8")
    assert "- **Foreign keys:** 6 present, **3 across service boundaries** (2 service dependencies)" in text
    assert "- **Remediation:** 1 of 4 tracked cross-service FKs dropped (25.0% remediated)" in text
    assert "ALTER TABLE public.posts DROP CONSTRAINT IF EXISTS posts_user_id_fkey;" in text
    assert "messages_sender_id_fkey" in text  # listed as already dropped


def test_export_scope_options(repo: Path) -> None:
    code, out, _ = run("export", ".", "--format", "csv", "--service", "messaging", "-o", "-")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert sorted((r["name"], r["state"]) for r in rows) == [
        ("conversations_created_by_fkey", "present"),
        ("messages_conversation_id_fkey", "present"),
        ("messages_sender_id_fkey", "dropped"),
    ]
    code, out, _ = run("export", ".", "--format", "csv", "--cross-only", "-o", "-")
    assert {r["cross_service"] for r in csv.DictReader(io.StringIO(out))} == {"true"}
    code, out, _ = run("export", ".", "--format", "graph-json", "--level", "services", "-o", "-")
    S = nx.node_link_graph(json.loads(out), edges="edges")
    assert sorted(S.edges(data="weight")) == [("content", "auth", 2), ("messaging", "auth", 1)]
    code, out, _ = run("export", ".", "--format", "mermaid", "-o", "-")
    assert out.startswith("flowchart LR\n") and "subgraph" not in out  # service level by default
    code, out, _ = run("export", ".", "--format", "mermaid", "--level", "tables", "-o", "-")
    assert out.count("subgraph ") == 3


def test_json_is_the_scan_document_and_table_the_scan_report(repo: Path) -> None:
    code, out, err = run("export", ".", "--format", "json", "-o", "-")
    assert (code, err) == (0, "")
    assert out == run("scan", ".", "--format", "json")[1]
    assert json.loads(out)["format_version"] == 1
    code, out, _ = run("export", ".", "--format", "table", "-o", "-")
    assert (code, out) == (0, run("scan", ".")[1])


@pytest.mark.parametrize("option", [("--service", "auth"), ("--cross-only",), ("--level", "tables")])
def test_whole_scan_formats_take_no_scope(repo: Path, option: tuple[str, ...]) -> None:
    for fmt in ("json", "table"):
        assert run("export", ".", "--format", fmt, *option, "-o", "-") == (
            2,
            "",
            f"fkmap: error: format {fmt!r} covers the whole scan: it takes no service, cross-only or level\n",
        )


def test_graphml_export_loads_in_networkx(repo: Path) -> None:
    code, _, _ = run("export", ".", "--format", "graphml", "-o", "fk.graphml")
    assert code == 0
    G = nx.read_graphml(repo / "fk.graphml", force_multigraph=True)
    assert G.number_of_nodes() == 6 and G.number_of_edges() == 7


def test_unknown_service_is_a_usage_error_with_a_suggestion(repo: Path) -> None:
    code, out, err = run("export", ".", "--format", "dot", "--service", "mesaging", "-o", "-")
    assert (code, out, err) == (
        2,
        "",
        "fkmap: error: unknown service 'mesaging'. Did you mean 'messaging'?\n",
    )


def test_binary_format_needs_a_file(repo: Path) -> None:
    code, out, err = run("export", ".", "--format", "png", "-o", "-")
    assert (code, out, err) == (
        2,
        "",
        "fkmap: error: --format png writes binary data: give a file with -o FILE\n",
    )


def test_missing_output_option(repo: Path) -> None:
    code, _, err = run("export", ".", "--format", "md")
    assert code == 2 and "Missing option '-o' / '--output'" in err


def test_missing_source(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope")
    assert run("export", missing, "--format", "md", "-o", "-") == (
        2,
        "",
        f"fkmap: error: source {missing!r} does not exist\n",
    )


@pytest.mark.skipif(shutil.which("dot") is None and not os.environ.get("CI"), reason="Graphviz not installed")
def test_svg_export_service_level_and_per_service(repo: Path) -> None:
    assert run("export", ".", "--format", "svg", "-o", "services.svg")[0] == 0
    svg = (repo / "services.svg").read_text(encoding="utf-8")
    ET.fromstring(svg)
    for service in ("auth", "content", "messaging"):
        assert f"<title>{service}</title>" in svg
    code, _, _ = run(
        "export", ".", "--format", "svg", "--service", "content", "--level", "tables", "-o", "c.svg"
    )
    svg = (repo / "c.svg").read_text(encoding="utf-8")
    assert code == 0 and "<title>cluster_content</title>" in svg and "<title>cluster_auth</title>" in svg
    assert run("export", ".", "--format", "pdf", "-o", "services.pdf")[0] == 0
    assert (repo / "services.pdf").read_bytes().startswith(b"%PDF")


def test_missing_dot_is_exit_1_with_the_install_hint(
    repo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    code, out, err = run("export", ".", "--format", "svg", "-o", "x.svg")
    assert (code, out) == (1, "")
    assert err == "Error: Graphviz 'dot' not found: install it (apt-get install graphviz)\n"
    assert not (repo / "x.svg").exists()


def test_report_shows_the_phases_of_the_remediation_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """md/html read the real phase of each FK from the store (--state), not present/dropped only."""
    folder = tmp_path / "repo" / "db"
    folder.mkdir(parents=True)
    (folder / "001_init.sql").write_text(
        "CREATE TABLE users (id int PRIMARY KEY);\n"
        "CREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users(id));\n"
    )
    (tmp_path / "repo" / "fkmap.toml").write_text(
        '[services.auth]\ntables = ["users"]\n[services.content]\ntables = ["posts"]\n'
    )
    runner = CliRunner()
    repo, state, plan = str(tmp_path / "repo"), str(tmp_path / "state.db"), tmp_path / "plan.yaml"
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)  # no .fkmap/state.db here: present/dropped only
    alone = runner.invoke(main, ["export", repo, "--format", "md", "-o", "-"], env={"FKMAP_STATE": ""})
    assert alone.exit_code == 0, alone.output
    # without a store the totals are those of the sources alone: nothing marked
    assert (
        "- **0 · Not started:** 1 — " in alone.stdout and "- **1 · Validation added:** 0 — " in alone.stdout
    )
    before = runner.invoke(main, ["export", repo, "--format", "md", "-o", "-", "--state", state])
    assert before.exit_code == 0, before.output
    assert (
        "- **0 · Not started:** 1 — " in before.stdout and "- **1 · Validation added:** 0 — " in before.stdout
    )
    assert runner.invoke(main, ["plan", "export", repo, "-o", str(plan), "--state", state]).exit_code == 0
    doc = yaml.safe_load(plan.read_text())
    doc["records"][0]["marks"] = [{"phase": 1, "note": "checked"}]
    plan.write_text(yaml.safe_dump(doc))
    assert runner.invoke(main, ["plan", "import", str(plan), "--state", state]).exit_code == 0
    for fmt in ("md", "html"):
        after = runner.invoke(main, ["export", repo, "--format", fmt, "-o", "-", "--state", state])
        assert after.exit_code == 0, after.output
        assert (
            "**1 · Validation added:** 1 — " if fmt == "md" else "1 · Validation added:</strong> 1 — "
        ) in (after.stdout), after.stdout
