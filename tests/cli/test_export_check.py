"""``fkmap export`` and ``fkmap check`` end to end on a small migration repository in tmp_path."""

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
from click.testing import CliRunner

from cli import EXPORT_FORMATS, main
from exports import FORMATS

FILES = {
    "services/auth/migrations/001_init.sql": """\
CREATE TABLE users (
    id UUID PRIMARY KEY
);
CREATE TABLE sessions (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE
);
""",
    "services/content/migrations/001_posts.sql": """\
CREATE TABLE posts (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE
);
""",
    "services/content/migrations/002_comments.sql": """\
CREATE TABLE comments (
    id UUID PRIMARY KEY,
    post_id UUID NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    author_id UUID REFERENCES users(id) ON DELETE SET NULL
);
""",
    "services/messaging/migrations/001_chat.sql": """\
CREATE TABLE conversations (
    id UUID PRIMARY KEY,
    created_by UUID NOT NULL REFERENCES users(id)
);
CREATE TABLE messages (
    id UUID PRIMARY KEY,
    conversation_id UUID NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    sender_id UUID NOT NULL REFERENCES users(id)
);
""",
    "services/messaging/migrations/002_drop_sender_fk.sql": """\
ALTER TABLE messages DROP CONSTRAINT messages_sender_id_fkey;
""",
}
NEW_FK = """\
ALTER TABLE messages ADD CONSTRAINT messages_sender_fk FOREIGN KEY (sender_id) REFERENCES users(id);
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three services in ``services/<name>/migrations``; the working directory is the repo root."""
    root = tmp_path / "repo"
    for rel, text in FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_format_choices_match_the_registry() -> None:
    assert set(EXPORT_FORMATS) == set(FORMATS)


def test_help() -> None:
    code, out, _ = run("--help")
    assert code == 0 and "export" in out and "check" in out
    code, out, _ = run("export", "--help")
    for option in ("--format", "--service", "--cross-only", "--level", "--config", "-o, --output"):
        assert option in out
    code, out, _ = run("check", "--help")
    for option in ("--baseline", "--update-baseline", "--format", "--config"):
        assert option in out


# -- export --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["dot", "mermaid", "graphml", "json", "csv", "impact-csv", "md", "html"])
def test_every_text_format_to_stdout(repo: Path, fmt: str) -> None:
    code, out, err = run("export", ".", "--format", fmt, "-o", "-")
    assert (code, err) == (0, "")
    assert out.strip()


def test_export_to_a_file(repo: Path) -> None:
    code, out, err = run("export", ".", "--format", "md", "-o", "report.md")
    assert (code, out, err) == (0, "", "fkmap: wrote report.md\n")
    text = (repo / "report.md").read_text(encoding="utf-8")
    assert "- **Foreign keys:** 6 present, **3 across service boundaries** (2 service dependencies)" in text
    assert "- **Remediation:** 1 of 4 cross-service FKs dropped (25%)" in text
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
    code, out, _ = run("export", ".", "--format", "json", "--level", "services", "-o", "-")
    S = nx.node_link_graph(json.loads(out), edges="edges")
    assert sorted(S.edges(data="weight")) == [("content", "auth", 2), ("messaging", "auth", 1)]
    code, out, _ = run("export", ".", "--format", "mermaid", "-o", "-")
    assert out.startswith("flowchart LR\n") and "subgraph" not in out  # service level by default
    code, out, _ = run("export", ".", "--format", "mermaid", "--level", "tables", "-o", "-")
    assert out.count("subgraph ") == 3


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


# -- check ---------------------------------------------------------------------------------------------


def test_check_round_trip(repo: Path) -> None:
    # no baseline yet: every cross-service FK is new
    code, out, err = run("check", ".")
    assert code == 1
    assert err == (
        "fkmap: baseline fkmap-baseline.json not found: every cross-service FK counts as new "
        "(create it with --update-baseline)\n"
    )
    assert (
        out.splitlines()[-1]
        == "fkmap check: FAILED: 3 new cross-service foreign keys, 0 stale baseline entries"
    )

    code, out, err = run("check", ".", "--update-baseline")
    assert (code, out) == (0, "")
    assert err == "fkmap: wrote fkmap-baseline.json: 3 entries (3 added, 0 removed, 0 tracking links)\n"
    doc = json.loads((repo / "fkmap-baseline.json").read_text(encoding="utf-8"))
    assert doc["format_version"] == 1
    assert [e["name"] for e in doc["entries"]] == [
        "comments_author_id_fkey",
        "conversations_created_by_fkey",
        "posts_user_id_fkey",
    ]

    # clean
    assert run("check", ".") == (
        0,
        "fkmap check: OK: 3 cross-service foreign keys, all listed in fkmap-baseline.json\n",
        "",
    )


def test_check_new_fk_fails_with_path_line_services_and_fix(repo: Path) -> None:
    assert run("check", ".", "--update-baseline")[0] == 0
    (repo / "services/messaging/migrations/003_new_fk.sql").write_text(NEW_FK, encoding="utf-8")
    code, out, err = run("check", ".")
    assert (code, err) == (1, "")
    assert out == (
        "services/messaging/migrations/003_new_fk.sql:1: new cross-service foreign key messages_sender_fk on "
        "public.messages(sender_id) -> public.users(id) makes service messaging depend on auth's data and is "
        "not in the baseline: add an application-level check and drop the FK, or run fkmap check "
        "--update-baseline to accept it\n"
        "fkmap check: FAILED: 1 new cross-service foreign key, 0 stale baseline entries\n"
    )


def test_check_stale_entry_fails(repo: Path) -> None:
    assert run("check", ".", "--update-baseline")[0] == 0
    path = repo / "services/content/migrations/003_drop.sql"
    path.write_text("ALTER TABLE posts DROP CONSTRAINT posts_user_id_fkey;\n", encoding="utf-8")
    code, out, _ = run("check", ".")
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith(
        "fkmap-baseline.json:5: baseline entry posts_user_id_fkey on public.posts(user_id)"
    )
    assert first.endswith(": the list may only shrink: remove the entry")


def test_update_baseline_keeps_tracking_links(repo: Path) -> None:
    assert run("check", ".", "--update-baseline")[0] == 0
    path = repo / "fkmap-baseline.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["entries"][1]["tracking"] = "https://tracker.invalid/ISSUE-42"
    path.write_text(json.dumps(doc, indent=3), encoding="utf-8")  # hand-edited, other layout
    (repo / "services/messaging/migrations/003_new_fk.sql").write_text(NEW_FK, encoding="utf-8")
    code, out, err = run("check", ".", "--update-baseline")
    assert (code, out) == (0, "")
    assert err == "fkmap: wrote fkmap-baseline.json: 4 entries (1 added, 0 removed, 1 tracking links)\n"
    entries = json.loads(path.read_text(encoding="utf-8"))["entries"]
    assert {e["name"]: e["tracking"] for e in entries} == {
        "comments_author_id_fkey": "",
        "conversations_created_by_fkey": "https://tracker.invalid/ISSUE-42",
        "messages_sender_fk": "",
        "posts_user_id_fkey": "",
    }
    assert run("check", ".")[0] == 0


def test_check_github_and_json_formats(repo: Path, tmp_path: Path) -> None:
    code, out, _ = run("check", "services", "--format", "github", "--baseline", str(tmp_path / "b.json"))
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (
        "::error file=services/content/migrations/002_comments.sql,line=4,"
        "title=fkmap check%3A new cross-service foreign key::new cross-service foreign key "
        "comments_author_id_fkey on public.comments(author_id) -> public.users(id) makes service content "
        "depend on auth's data and is not in the baseline: add an application-level check and drop the FK, "
        "or run fkmap check --update-baseline to accept it"
    )
    assert [line.split(",")[0] for line in lines[1:3]] == [
        "::error file=services/messaging/migrations/001_chat.sql",
        "::error file=services/content/migrations/001_posts.sql",
    ]
    assert lines[3] == "fkmap check: FAILED: 3 new cross-service foreign keys, 0 stale baseline entries"
    code, out, _ = run("check", ".", "--format", "json")
    doc = json.loads(out)
    assert (code, doc["ok"], doc["checked"], len(doc["new"])) == (1, False, 3, 3)


def test_github_paths_are_relative_to_the_repository(repo: Path) -> None:
    os.chdir(repo.parent)
    code, out, _ = run("check", "repo", "--format", "github", "--baseline", "none.json")
    assert code == 1
    assert "::error file=repo/services/content/migrations/001_posts.sql,line=3," in out


def test_bad_baseline_is_a_usage_error(repo: Path) -> None:
    (repo / "fkmap-baseline.json").write_text('{"entries": [], "format_version": 9}', encoding="utf-8")
    code, out, err = run("check", ".")
    assert (code, out) == (2, "")
    assert err == (
        "fkmap: error: fkmap-baseline.json: format_version 9 is not supported (this fkmap reads 1)\n"
    )
