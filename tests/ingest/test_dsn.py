"""DSN parsing and masking (no server needed)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.dsn import Dsn, is_dsn, mask_dsn, parse_dsn, scrub, to_instance_dsn


@pytest.mark.parametrize(
    ("dsn", "masked"),
    [
        ("postgresql://app:s3cret@db:5432/shop", "postgresql://app@db:5432/shop"),
        ("postgres://app:s3cret@db/shop", "postgres://app@db/shop"),
        ("postgresql://app@db:5432/shop", "postgresql://app@db:5432/shop"),
        ("postgresql://:s3cret@db/shop", "postgresql://db/shop"),
        ("postgresql://app:p%40ss%2Fw@db/shop", "postgresql://app@db/shop"),
        ("postgresql://app:p@ss@db/shop", "postgresql://app@db/shop"),
        ("postgresql://app:a/b@db/shop", "postgresql://app@db/shop"),
        ("postgresql://app:pw@[::1]:5432/shop", "postgresql://app@[::1]:5432/shop"),
        ("postgresql://app:pw@h1:1,h2:2/shop", "postgresql://app@h1:1,h2:2/shop"),
        ("postgresql://app@db/shop?password=s3cret", "postgresql://app@db/shop"),
        (
            "postgresql://app@db/shop?sslmode=require&password=s3cret&connect_timeout=3",
            "postgresql://app@db/shop?sslmode=require&connect_timeout=3",
        ),
        ("postgresql://app@db/shop?sslpassword=x#frag", "postgresql://app@db/shop#frag"),
        ("host=db user=app password=s3cret dbname=shop", "host=db user=app dbname=shop"),
        ("host=db user=app password='s3 cr\\'et' dbname=shop", "host=db user=app dbname=shop"),
        ("password = s3cret host=db", "host=db"),
        ("host=db dbname=shop", "host=db dbname=shop"),
        ("", ""),
        ("not a dsn at all", "not a dsn at all"),
        (
            'failed: "postgresql://app:s3cret@db/shop" refused',
            'failed: "postgresql://app@db/shop" refused',
        ),
    ],
    ids=lambda v: v if len(v) < 40 else v[:37] + "...",
)
def test_mask_dsn(dsn: str, masked: str) -> None:
    assert mask_dsn(dsn) == masked


@pytest.mark.parametrize(
    ("dsn", "label", "instance"),
    [
        ("postgresql://app:pw@db:5432/shop", "postgresql://app@db:5432/shop", False),
        ("postgres://app@db", "postgresql://app@db/", True),
        ("postgresql://app:pw@db:5432/", "postgresql://app@db:5432/", True),
        ("host=db port=6432 user=app password=pw dbname=shop", "postgresql://app@db:6432/shop", False),
        ("host=/run/postgresql dbname=shop", "postgresql://%2Frun%2Fpostgresql/shop", False),
        ("postgresql://u@[::1]:5433/x", "postgresql://u@[::1]:5433/x", False),
        ("postgresql://u@h1,h2:5433/x", "postgresql://u@h1,h2:5433/x", False),
        ("host=h1,h2 port=5433 dbname=x", "postgresql://h1:5433,h2:5433/x", False),
        ("postgresql:///My%20Shop", "postgresql:///My%20Shop", False),
    ],
)
def test_label_and_instance(dsn: str, label: str, instance: bool) -> None:
    parsed = parse_dsn(dsn)
    assert parsed.label == label
    assert parsed.is_instance is instance


def test_for_database_keeps_settings_and_password() -> None:
    d = parse_dsn("postgresql://app:pw@db:5432/?sslmode=require")
    shop = d.for_database("shop")
    assert shop.label == "postgresql://app@db:5432/shop"
    assert shop.params == {
        "user": "app",
        "password": "pw",
        "host": "db",
        "port": "5432",
        "sslmode": "require",
        "dbname": "shop",
    }
    assert parse_dsn(shop.conninfo).params == shop.params
    assert shop.instance.label == "postgresql://app@db:5432/"
    assert shop.secrets == ("pw",)


def test_to_instance_dsn() -> None:
    assert to_instance_dsn("postgresql://app:pw@db:5432/shop") == "postgresql://app:pw@db:5432/"
    assert to_instance_dsn("postgresql://app@db:5432/") == "postgresql://app@db:5432/"
    assert to_instance_dsn("postgres://app@db") == "postgres://app@db/"
    assert to_instance_dsn("postgresql://db/shop?sslmode=require") == "postgresql://db/?sslmode=require"
    assert parse_dsn(to_instance_dsn("host=db user=app dbname=shop")).params == {"host": "db", "user": "app"}
    assert to_instance_dsn("host=db dbname") == "host=db dbname"  # unparseable: unchanged


def test_is_dsn() -> None:
    assert is_dsn("postgresql://x") and is_dsn("POSTGRES://x")
    assert not is_dsn("./migrations") and not is_dsn("mysql://x")


def test_parse_error_is_scrubbed() -> None:
    with pytest.raises(ValueError) as info:
        parse_dsn("host=db password=hunter2 dbname")
    assert "hunter2" not in str(info.value)
    assert "missing" in str(info.value)
    with pytest.raises(ValueError) as info:
        parse_dsn("postgresql://app:hunter2@db/shop?bogus=1")
    assert "hunter2" not in str(info.value)
    assert "bogus" in str(info.value)


def test_scrub_removes_every_spelling_and_joins_lines() -> None:
    text = 'auth failed for "p@ss w/rd" (p%40ss%20w%2Frd)\n\tIs the server running?\n'
    assert scrub(text, ["p@ss w/rd"]) == 'auth failed for "***" (***); Is the server running?'
    assert scrub("nothing secret", ["", "zzz"]) == "nothing secret"


_PASSWORDS = st.text(min_size=1, max_size=30).filter(lambda s: "\x00" not in s)


@given(password=_PASSWORDS)
def test_url_password_never_survives(password: str) -> None:
    dsn = f"postgresql://app:{quote(password, safe='')}@db:5432/shop?sslmode=require"
    assert mask_dsn(dsn) == "postgresql://app@db:5432/shop?sslmode=require"
    assert parse_dsn(dsn).params["password"] == password
    assert parse_dsn(dsn).label == "postgresql://app@db:5432/shop"


@given(password=_PASSWORDS)
def test_keyword_password_never_survives(password: str) -> None:
    quoted = "'" + password.replace("\\", "\\\\").replace("'", "\\'") + "'"
    dsn = f"host=db password={quoted} dbname=shop"
    assert mask_dsn(dsn) == "host=db dbname=shop"
    assert parse_dsn(dsn).params["password"] == password


@given(text=st.text(max_size=200))
def test_mask_and_scrub_never_raise(text: str) -> None:
    assert isinstance(mask_dsn(text), str)
    assert "\n" not in scrub(text, [text[:5]])
    try:
        d = parse_dsn(text)
    except ValueError:
        return
    assert isinstance(d, Dsn) and isinstance(d.label, str)
