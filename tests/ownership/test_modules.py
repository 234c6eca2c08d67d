"""A shared migration file named after a code module of one service: its tables are that service's,
decided after every other rule (nova's ``phase-7/005_recommendation_v2_schema.sql`` and
feed-service's ``src/services/recommendation_v2/``)."""

from __future__ import annotations

from pathlib import Path

from model.inventory import Evidence, Inventory
from ownership.config import Config
from ownership.modules import module_names
from ownership.scan import scan
from ownership.services import assign_services
from ownership.units import Unit
from tests.ownership.builders import Unit as BUnit
from tests.ownership.builders import fk, inventory, owners, writes
from tests.ownership.code.conftest import write_tree

PHASE = "backend/migrations/phase-7"
FILE = f"{PHASE}/005_recommendation_v2_schema.sql"
UNITS = [BUnit("feed-service", "feed"), BUnit("media-service", "media"), BUnit("auth", "auth")]


def _inventory() -> Inventory:
    files = {FILE: ["ml_models", "model_runs", "video_embeddings"], "backend/migrations/001.sql": ["videos"]}
    fks = [
        fk(PHASE, "model_runs", "model_id", "ml_models", at=(FILE, 12)),
        fk(PHASE, "video_embeddings", "video_id", "videos", ref_database="backend/migrations", at=(FILE, 22)),
    ]
    return inventory(files, fks=fks)


ACCESS = {"videos": {"media": writes("media/src/db.rs", 3)}}


def test_a_file_named_after_one_services_module_places_what_nothing_else_does() -> None:
    modules = {"feed": frozenset({"recommendation_v2", "onnx_serving"}), "media": frozenset({"transcode"})}
    out = assign_services(_inventory(), Config(), units=UNITS, access=ACCESS, modules=modules)
    got = owners(out)
    assert (got[f"{PHASE}:ml_models"], got[f"{PHASE}:model_runs"]) == ("feed-service", "feed-service")
    assert got[f"{PHASE}:video_embeddings"] == "media-service"  # its name family decides first
    models = next(t for t in out.tables if t.ref.name == "ml_models")
    assert models.owner_evidence[0] == Evidence(
        "file-name",
        "feed-service",
        f"migration file name {FILE!r} names feed-service's code module 'recommendation_v2'",
        FILE,
        1,
    )


def test_a_module_two_services_have_or_one_word_names_nothing() -> None:
    shared = {"feed": frozenset({"recommendation_v2"}), "media": frozenset({"recommendation_v2"})}
    one_word = {"feed": frozenset({"recommendation"})}
    for modules in (shared, one_word, {}):
        out = assign_services(_inventory(), Config(), units=UNITS, access=ACCESS, modules=modules)
        assert owners(out)[f"{PHASE}:ml_models"] == ""


def test_module_names_are_below_service_units_only() -> None:
    units = [
        Unit("feed", "svc/feed", ("Cargo.toml",), "service"),
        Unit("kit", "libs/kit", ("Cargo.toml",), "library"),
    ]
    paths = ["svc/feed/src/services/recommendation_v2/onnx_serving.rs", "libs/kit/src/ab_tests.rs", "tool.py"]
    assert module_names(units, paths) == {"svc/feed": frozenset({"recommendation_v2", "onnx_serving"})}


def test_scan_reads_the_modules_of_the_code(tmp_path: Path) -> None:
    cargo = '[package]\nname = "{}"\nversion = "0.1.0"\n'
    root = write_tree(
        tmp_path / "repo",
        {
            FILE: "CREATE TABLE ml_models (id int PRIMARY KEY);\n",
            "backend/feed-service/Cargo.toml": cargo.format("feed-service"),
            "backend/feed-service/src/recommendation_v2/mod.rs": "pub fn rank() {}\n",
            "backend/chat-service/Cargo.toml": cargo.format("chat-service"),
            "backend/chat-service/src/main.rs": "fn main() {}\n",
        },
    )
    inv = scan([str(root)])
    assert {t.ref.name: t.service for t in inv.tables} == {"ml_models": "feed-service"}
