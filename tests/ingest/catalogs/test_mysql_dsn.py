"""MySQL/MariaDB URLs (:mod:`ingest.catalogs.mysql_dsn`)."""

from __future__ import annotations

from ingest.catalogs.mysql_dsn import is_mysql_dsn, parse_mysql_dsn


def test_parse_dsn_variants() -> None:
    d = parse_mysql_dsn("mariadb://app:p%40ss%2Fw@db.internal:3307/shop?connect_timeout=3&ssl_ca=/ca.pem")
    assert (d.scheme, d.user, d.password, d.host, d.port, d.database) == (
        "mariadb",
        "app",
        "p@ss/w",
        "db.internal",
        3307,
        "shop",
    )
    assert d.params == (("connect_timeout", "3"), ("ssl_ca", "/ca.pem"))
    assert d.label == "mariadb://app@db.internal:3307/shop"
    assert d.secrets == ("p@ss/w",)
    assert "p@ss" not in repr(d)
    assert parse_mysql_dsn("mysql://db/").label == "mysql://db/"
    assert parse_mysql_dsn("mysql://u@[::1]:3306/x").label == "mysql://u@[::1]:3306/x"
    assert parse_mysql_dsn("mysql://u@h/we%20ird").database == "we ird"
    assert parse_mysql_dsn("mysql://u@h/x?foo=1&password=pw").ignored == ("foo",)
    assert is_mysql_dsn("MYSQL://h/x") and is_mysql_dsn("mariadb://h/") and not is_mysql_dsn("sqlite:///x")
