"""Service names from folder paths and migration file names, and ``paths`` glob matching."""

from __future__ import annotations

import pytest

from model.inventory import Evidence
from ownership.config import Config
from ownership.naming import path_matches, service_from_filename, service_from_path
from ownership.services import assign_services
from tests.ownership.builders import Unit, inventory, owners


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("services/auth/migrations", "auth"),
        ("services/auth", "auth"),
        ("apps/web/db/migrate", "web"),
        ("packages/billing/src/sql", "billing"),
        ("svc/search/schema", "search"),
        ("messaging-service/migrations", "messaging"),
        ("backend/messaging-service/db/migrations/v2", "messaging"),
        ("accounting_service/migrations", "accounting"),
        ("user-svc/migrations", "user"),
        ("orders-db/migrations", "orders"),
        ("billing/migrations", "billing"),
        ("deploy/backend/server/inventory/resources/main/db/migration", "inventory"),
        ("priv/repo/migrations", ""),
        ("db/structure", ""),
        ("legacy/migrations", ""),
        ("db/migrations", ""),
        ("migrations", ""),
        (".", ""),
        ("", ""),
        ("services/migrations", ""),
        ("src/main/resources/db/migration", ""),
        ("services\\payments\\migrations", "payments"),
        ("Services/Payments/Migrations", "Payments"),
    ],
)
def test_service_from_path(path: str, expected: str) -> None:
    assert service_from_path(path) == expected


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("018_messaging_schema.sql", "messaging"),
        ("033_experiments_schema.sql", "experiments"),
        ("013_streaming_stream_table.sql", "streaming"),
        ("003_posts_schema.sql", ""),
        ("20240101120000-create-experiment.up.sql", "experiments"),
        ("V2__auth_tables.sql", "auth"),
        ("019_stories_schema.sql", ""),
        ("021_add_auth_to_messaging.sql", "auth"),  # leftmost word wins
        ("001_messagingx.sql", ""),
        ("050_categories.sql", "category"),
    ],
)
def test_service_from_filename(filename: str, expected: str) -> None:
    known = {"auth", "messaging", "experiments", "streaming", "content", "category"}
    assert service_from_filename(filename, known) == expected


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("services/auth/**", "services/auth/migrations/001.sql", True),
        ("services/auth/**", "services/authz/migrations/001.sql", False),
        ("services/auth", "services/auth/migrations/001.sql", True),
        ("services/*", "services/auth/migrations/001.sql", True),
        ("services/*.sql", "services/auth/migrations/001.sql", False),
        ("**/001.sql", "services/auth/migrations/001.sql", True),
        ("*.sql", "services/auth/migrations/001.sql", True),
        ("legacy/migrations/*_auth_*.sql", "legacy/migrations/001_auth_init.sql", True),
        ("legacy/migrations/*_auth_*.sql", "legacy/migrations/old/001_auth_init.sql", False),
        ("/legacy/**", "legacy/x.sql", True),
        ("./legacy/**", "legacy/x.sql", True),
        ("legacy/0[0-4]?_*.sql", "legacy/013_x.sql", True),
        ("legacy/0[!0-4]?_*.sql", "legacy/013_x.sql", False),
        ("Services/**", "services/a.sql", False),
        ("a[b", "a[b/x.sql", True),
    ],
)
def test_path_matches(pattern: str, path: str, expected: bool) -> None:
    assert path_matches(pattern, path) is expected


def test_auth_in_a_file_name_names_the_identity_service() -> None:

    files = {
        "backend/migrations/002_add_auth_logs.sql": ["auth_logs"],
        "backend/migrations/006_add_two_factor_auth.sql": ["two_fa_codes"],
        "backend/migrations/018_messaging_schema.sql": ["threads"],
    }
    units = [Unit("identity-service", "identity-service"), Unit("messaging-service", "messaging-service")]
    out = assign_services(inventory(files), Config(), units=units)
    assert owners(out) == {
        "backend/migrations:auth_logs": "identity-service",
        "backend/migrations:two_fa_codes": "identity-service",
        "backend/migrations:threads": "messaging-service",
    }
    logs = next(t for t in out.tables if t.ref.name == "auth_logs")
    assert logs.owner_evidence[0] == Evidence(
        "file-name",
        "identity-service",
        "migration file name 'backend/migrations/002_add_auth_logs.sql'",
        "backend/migrations/002_add_auth_logs.sql",
        1,
    )


def test_auth_names_no_service_when_two_could_be_meant() -> None:
    units = [
        Unit("identity-service", "identity-service"),
        Unit("iam-admin", "iam-admin"),
        Unit("chat", "chat"),
    ]
    out = assign_services(
        inventory({"db/migrations/002_add_auth_logs.sql": ["auth_logs"]}), Config(), units=units
    )
    assert owners(out) == {"db/migrations:auth_logs": ""}


def test_a_table_named_like_a_service_goes_with_it_last() -> None:
    files = {
        "backend/migrations/120_prepare_missing_tables.sql": ["media", "media_files"],
        "backend/migrations/122_blocks.sql": ["blocks"],
        "backend/migrations/121_notifications.sql": ["notifications"],
    }
    units = [Unit("media-service", "media-service"), Unit("notification-service", "notification-service")]
    out = assign_services(inventory(files), Config(), units=units)
    assert owners(out) == {
        "backend/migrations:media": "media-service",
        "backend/migrations:media_files": "",  # decided last, 'media' heads no family
        "backend/migrations:blocks": "",
        "backend/migrations:notifications": "notification-service",
    }
    media = next(t for t in out.tables if t.ref.name == "media")
    assert media.owner_evidence[0] == Evidence(
        "name-family",
        "media-service",
        "named like the service media-service",
        "backend/migrations/120_prepare_missing_tables.sql",
        1,
    )
    notes = next(t for t in out.tables if t.ref.name == "notifications")
    assert notes.owner_evidence[0].kind == "file-name"  # a file named after it alone decides before
