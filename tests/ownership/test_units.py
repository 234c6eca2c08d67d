"""Deployable units: manifests, nesting, kinds, dependencies, skip rules."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ownership.units import MAX_DEPTH, Unit, find_units, is_manifest, unit_of


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def by_path(root: Path) -> dict[str, Unit]:
    return {u.path: u for u in find_units(root)}


def test_monolith_with_shared_migrations_and_services(tmp_path: Path) -> None:
    root = write(
        tmp_path / "chat",
        {
            "backend/migrations/001_init.sql": "CREATE TABLE users (id int);",
            "auth-service/Cargo.toml": '[package]\nname = "auth"',
            "auth-service/Dockerfile": "FROM rust",
            "content-service/package.json": '{"name": "content", "scripts": {"start": "node ."}}',
            "gateway/go.mod": "module example.com/gateway\n",
        },
    )
    units = find_units(root)
    assert [(u.name, u.path, u.kind) for u in units] == [
        ("auth-service", "auth-service", "service"),
        ("content-service", "content-service", "service"),
        ("gateway", "gateway", "service"),
    ]
    assert units[0].manifests == ("Cargo.toml", "Dockerfile")
    assert unit_of(units, "backend/migrations/001_init.sql") is None
    assert unit_of(units, "auth-service/src/main.rs") == units[0]


def test_single_service_at_the_root_is_a_service(tmp_path: Path) -> None:
    root = write(tmp_path / "billing", {"Dockerfile": "FROM python", "app/main.py": ""})
    (unit,) = find_units(root)
    assert (unit.name, unit.path, unit.kind, unit.manifests) == ("billing", "", "service", ("Dockerfile",))
    assert unit_of((unit,), "app/main.py") == unit


def test_root_with_member_units_is_the_root(tmp_path: Path) -> None:
    root = write(tmp_path / "mono", {"Dockerfile": "FROM node", "svc/a/package.json": "{}"})
    units = by_path(root)
    assert units[""].kind == "root"
    assert units["svc/a"].kind == "service"


@pytest.mark.parametrize(
    ("files", "manifests"),
    [
        ({"Cargo.toml": '[workspace]\nmembers = ["a"]'}, ("Cargo.toml",)),
        ({"package.json": '{"private": true, "workspaces": ["packages/*"]}'}, ("package.json",)),
        ({"package.json": '{"workspaces": {"packages": ["apps/*"]}}'}, ("package.json",)),
        ({"package.json": "{}", "pnpm-workspace.yaml": "packages: ['apps/*']"}, ("package.json",)),
        ({"go.work": "go 1.22\nuse (\n  ./a\n)\n"}, ("go.work",)),
        ({"pyproject.toml": "[tool.uv.workspace]\nmembers = ['a']"}, ("pyproject.toml",)),
    ],
)
def test_workspace_roots(tmp_path: Path, files: dict[str, str], manifests: tuple[str, ...]) -> None:
    units = by_path(write(tmp_path / "ws", files))
    assert units[""].kind == "root"
    assert units[""].manifests == manifests


def test_nested_units_innermost_owns_a_file(tmp_path: Path) -> None:
    root = write(
        tmp_path / "r",
        {
            "services/api/package.json": '{"name": "api", "scripts": {"start": "x"}}',
            "services/api/tools/migrator/go.mod": "module m\n",
            "services/api/src/index.ts": "",
        },
    )
    units = find_units(root)
    assert unit_of(units, "services/api/src/index.ts").path == "services/api"  # type: ignore[union-attr]
    assert unit_of(units, "services/api/tools/migrator/main.go").path == "services/api/tools/migrator"  # type: ignore[union-attr]
    assert unit_of(units, "services/apiary/x.ts") is None
    assert unit_of(units, "services/api").path == "services/api"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("files", "kind"),
    [
        ({"libs/db/package.json": '{"name": "db"}'}, "library"),
        ({"libs/db/package.json": '{"name": "db", "scripts": {"start": "node ."}}'}, "service"),
        ({"libs/db/package.json": '{"name": "db", "bin": {"db": "cli.js"}}'}, "service"),
        ({"libs/db/package.json": "{}", "libs/db/Dockerfile": "FROM node"}, "service"),
        ({"lib/db/Cargo.toml": '[package]\nname = "db"\n[lib]'}, "library"),
        ({"lib/db/Cargo.toml": '[package]\nname = "db"', "lib/db/src/main.rs": "fn main() {}"}, "service"),
        ({"lib/db/Cargo.toml": '[package]\nname = "db"\n[[bin]]\nname = "x"'}, "service"),
        ({"packages/db/go.mod": "module db\n"}, "library"),
        ({"packages/db/go.mod": "module db\n", "packages/db/main.go": "package main"}, "service"),
        ({"packages/db/go.mod": "module db\n", "packages/db/cmd/x/main.go": "package main"}, "service"),
        ({"packages/db/pyproject.toml": "[project]\nname = 'db'"}, "library"),
        ({"packages/db/pyproject.toml": "[project.scripts]\ndb = 'db:main'"}, "service"),
        ({"packages/db/setup.py": "", "packages/db/manage.py": ""}, "service"),
        ({"packages/web/Gemfile": "", "packages/web/config.ru": "run App"}, "service"),
        ({"crates/db/Cargo.toml": '[package]\nname = "db"', "crates/db/src/main.rs": ""}, "library"),
        ({"shared/proto/package.json": "{}"}, "library"),
        ({"common/package.json": "{}"}, "library"),
        ({"src/common/utils/pom.xml": "<project/>"}, "library"),
        ({"auth/pom.xml": "<project/>"}, "service"),
    ],
)
def test_kinds(tmp_path: Path, files: dict[str, str], kind: str) -> None:
    units = [u for u in find_units(write(tmp_path / "r", files)) if u.path]
    assert [u.kind for u in units] == [kind]


def test_manifest_names() -> None:
    names = ["Dockerfile", "Containerfile", "Dockerfile.prod", "api.Dockerfile", "Cargo.toml", "package.json"]
    names += [
        "go.mod",
        "go.work",
        "pom.xml",
        "build.gradle",
        "build.gradle.kts",
        "pyproject.toml",
        "setup.py",
    ]
    names += ["requirements.txt", "Gemfile", "Api.csproj", "mix.exs", "composer.json"]
    assert all(is_manifest(n) for n in names)
    assert not any(
        is_manifest(n) for n in ("README.md", "Cargo.lock", "package-lock.json", "docker-compose.yml")
    )


def test_cargo_dependencies(tmp_path: Path) -> None:
    root = write(
        tmp_path / "r",
        {
            "Cargo.toml": '[workspace]\nmembers = ["*"]\n'
            '[workspace.dependencies]\nmodels = { path = "crates/models" }',
            "auth/Cargo.toml": '[package]\nname = "auth"\n[dependencies]\ndb = { path = "../crates/db" }\n'
            'models = { workspace = true }\nserde = "1"\n'
            '[dev-dependencies]\ntestkit = { path = "../testkit" }\n'
            "[target.'cfg(unix)'.dependencies]\nunixy = { path = \"../crates/unixy/src\" }",
            "crates/db/Cargo.toml": '[package]\nname = "db"',
            "crates/models/Cargo.toml": '[package]\nname = "models"',
            "crates/unixy/Cargo.toml": '[package]\nname = "unixy"',
            "testkit/Cargo.toml": '[package]\nname = "testkit"',
        },
    )
    assert by_path(root)["auth"].depends_on == ("crates/db", "crates/models", "crates/unixy", "testkit")


def test_package_json_dependencies(tmp_path: Path) -> None:
    root = write(
        tmp_path / "r",
        {
            "package.json": '{"workspaces": ["apps/*", "packages/*"]}',
            "apps/web/package.json": '{"name": "web",'
            ' "dependencies": {"@acme/db": "workspace:*", "react": "18"},'
            ' "devDependencies": {"local-ui": "file:../../packages/ui"}}',
            "packages/db/package.json": '{"name": "@acme/db"}',
            "packages/ui/package.json": '{"name": "ui-kit"}',
            "packages/react/package.json": '{"name": "not-react"}',
        },
    )
    assert by_path(root)["apps/web"].depends_on == ("packages/db", "packages/ui")


def test_go_dependencies(tmp_path: Path) -> None:
    root = write(
        tmp_path / "r",
        {
            "go.work": "go 1.22\nuse ./api\nuse ./lib/db\n",
            "api/go.mod": "module example.com/api\n\nrequire (\n\texample.com/db v0.0.0 // local\n"
            "\tgithub.com/lib/pq v1.10.0\n)\nrequire example.com/auth v0.1.0\n"
            "replace example.com/x => ../x\nreplace (\n\texample.com/y v1.0.0 => ../y/sub\n)\n",
            "lib/db/go.mod": "module example.com/db\n",
            "auth/go.mod": "module example.com/auth\n",
            "x/go.mod": "module example.com/x\n",
            "y/go.mod": "module example.com/y\n",
        },
    )
    units = by_path(root)
    assert units["api"].depends_on == ("auth", "lib/db", "x", "y")
    assert units[""].depends_on == ()


def test_python_dependencies(tmp_path: Path) -> None:
    root = write(
        tmp_path / "r",
        {
            "pyproject.toml": "[tool.uv.workspace]\nmembers = ['*']",
            "api/pyproject.toml": "[project]\nname = 'api'\n"
            "[tool.uv.sources]\nshop-models = { workspace = true }\n"
            "[tool.poetry.dependencies]\nutils = { path = '../utils' }\n"
            "[tool.poetry.group.dev.dependencies]\nfixtures = { path = '../fixtures', develop = true }",
            "models/pyproject.toml": "[project]\nname = 'Shop_Models'",
            "utils/setup.py": "",
            "fixtures/requirements.txt": "",
        },
    )
    assert by_path(root)["api"].depends_on == ("fixtures", "models", "utils")


def test_dependencies_outside_the_root_or_on_self_are_ignored(tmp_path: Path) -> None:
    root = write(
        tmp_path / "r",
        {
            "a/Cargo.toml": '[package]\nname = "a"\n[dependencies]\nx = { path = "../../elsewhere" }\n'
            'y = { path = "/abs" }\nz = { path = "." }\nnope = { path = "../missing" }',
        },
    )
    assert by_path(root)["a"].depends_on == ()


def test_broken_manifests_still_mark_units(tmp_path: Path) -> None:
    root = write(tmp_path / "r", {"a/Cargo.toml": "[[[", "b/package.json": "{", "c/go.mod": "\x00module"})
    assert sorted(by_path(root)) == ["a", "b", "c"]


def test_skipped_folders(tmp_path: Path) -> None:
    skipped = [
        "node_modules",
        "target",
        "dist",
        "build",
        "vendor",
        ".git",
        ".venv",
        "__pycache__",
        ".next",
        "out",
    ]
    files = {f"{d}/x/package.json": "{}" for d in skipped}
    files["svc/package.json"] = "{}"
    files["svc/.cache/y/package.json"] = "{}"
    assert list(by_path(write(tmp_path / "r", files))) == ["svc"]


def test_symlinks_are_not_followed(tmp_path: Path) -> None:
    root = write(tmp_path / "r", {"real/package.json": "{}"})
    outside = write(tmp_path / "outside", {"package.json": "{}"})
    os.symlink(root / "real", root / "alias", target_is_directory=True)
    os.symlink(outside, root / "ext", target_is_directory=True)
    os.symlink(root / "real" / "package.json", root / "loose.json")
    assert list(by_path(root)) == ["real"]


def test_depth_is_bounded(tmp_path: Path) -> None:
    deep = "/".join(f"d{i}" for i in range(MAX_DEPTH))
    deeper = f"{deep}/d{MAX_DEPTH}"
    root = write(tmp_path / "r", {f"{deep}/go.mod": "module a\n", f"{deeper}/go.mod": "module b\n"})
    assert list(by_path(root)) == [deep]


def test_units_are_ordered_and_hashable(tmp_path: Path) -> None:
    root = write(tmp_path / "r", {"b/go.mod": "", "a/go.mod": "", "Dockerfile": ""})
    units = find_units(root)
    assert [u.path for u in units] == ["", "a", "b"]
    assert len(set(units)) == 3
    with pytest.raises(AttributeError):
        units[0].name = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("files", "kind"),
    [
        ({"test/e2e/package.json": "{}"}, "tooling"),
        ({"examples/shop/Dockerfile": "FROM node"}, "tooling"),
        ({"deploy/k8s/Dockerfile": "FROM nginx"}, "tooling"),
        ({"accounts/accounts-db/Dockerfile": "FROM postgres:16-alpine@sha256:abc"}, "database"),
        ({"ledger/db/Dockerfile": "FROM ubuntu"}, "database"),  # a schema folder with only an image
        ({"ledger/db/Dockerfile": "FROM ubuntu", "ledger/db/go.mod": "module db\n"}, "service"),
        ({"chat/Cargo.toml": '[package]\nname = "chat"\n[workspace]\nmembers = ["."]'}, "service"),
        ({"backend/Cargo.toml": '[workspace]\nmembers = ["a"]'}, "root"),
    ],
)
def test_kinds_that_never_own_tables(tmp_path: Path, files: dict[str, str], kind: str) -> None:
    units = [u for u in find_units(write(tmp_path / "r", files)) if u.path]
    assert [u.kind for u in units] == [kind]


def test_a_root_with_only_libraries_and_test_harnesses_below_is_the_service(tmp_path: Path) -> None:
    """kratos: one Go service at the root, a vendored library it uses, test harnesses."""
    root = write(
        tmp_path / "kratos",
        {
            "go.mod": "module github.com/ory/kratos\nreplace github.com/ory/x => ./oryx\n",
            "oryx/go.mod": "module github.com/ory/x\n",
            "oryx/randx/strength/go.mod": "module strength\n",
            "test/e2e/package.json": "{}",
            "test/e2e/mock/webhook/Dockerfile": "FROM golang",
        },
    )
    kinds = {u.path: u.kind for u in find_units(root)}
    assert kinds == {
        "": "service",
        "oryx": "library",  # the root depends on it and it is not deployable
        "oryx/randx/strength": "library",  # inside a library
        "test/e2e": "tooling",
        "test/e2e/mock/webhook": "tooling",
    }


def test_a_root_with_a_service_below_is_a_workspace(tmp_path: Path) -> None:
    root = write(
        tmp_path / "r", {"package.json": "{}", "auth/Dockerfile": "FROM node", "auth/package.json": "{}"}
    )
    assert {u.path: u.kind for u in find_units(root)} == {"": "root", "auth": "service"}
