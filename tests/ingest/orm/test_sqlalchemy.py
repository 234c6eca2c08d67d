"""SQLAlchemy models and Alembic revisions: each on its own, and the models confirming the revisions."""

from __future__ import annotations

from pathlib import Path

from tests.ingest.orm.orm_py_helpers import codes, fks, read

MODELS = """
import sqlalchemy as sa
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship


FK = "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention={"fk": FK})


class Owned:
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    manager_id = Column(Integer, ForeignKey("users.id", ondelete="SET NULL", name="users_manager"))
    posts = relationship("Post")


class Post(Owned, Base):
    __tablename__ = "posts"
    __table_args__ = (
        sa.ForeignKeyConstraint(
            ["org_id", "org_region"], ["audit.orgs.id", "audit.orgs.region"], onupdate="CASCADE"
        ),
        {"schema": "blog"},
    )
    id = Column(Integer, primary_key=True)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey(User.id))
    org_id: Mapped[int]
    org_region: Mapped[str]


class Comment(Owned, Base):
    __tablename__ = "comments"
    id = Column(Integer, primary_key=True)
    post_id = Column("post", Integer, ForeignKey(Post.id))


class Page(Comment):
    kind = Column(String(10))
    parent_id = Column(Integer, ForeignKey("comments.id"))


post_tags = Table(
    "post_tags",
    Base.metadata,
    Column("post_id", ForeignKey("blog.posts.id"), primary_key=True),
    Column("tag", String, primary_key=True),
)


class Tagged(Base):
    __table__ = Table("tagged", Base.metadata, Column("t", Integer, ForeignKey(post_tags.c.post_id)))
"""


def test_declarative_models(tmp_path: Path) -> None:
    inv = read(tmp_path / "svc", {"pyproject.toml": "", "app/models.py": MODELS})
    assert fks(inv) == {
        ("users", ("manager_id",), "users", ("id",), "SET NULL"),
        ("posts", ("owner_id",), "users", ("id",), "CASCADE"),
        ("posts", ("editor_id",), "users", ("id",), "NO ACTION"),
        ("posts", ("org_id", "org_region"), "orgs", ("id", "region"), "NO ACTION"),
        ("comments", ("owner_id",), "users", ("id",), "CASCADE"),
        ("comments", ("post",), "posts", ("id",), "NO ACTION"),
        ("comments", ("parent_id",), "comments", ("id",), "NO ACTION"),
        ("post_tags", ("post_id",), "posts", ("id",), "NO ACTION"),
        ("tagged", ("t",), "post_tags", ("post_id",), "NO ACTION"),
    }
    by = {(fk.table.name, fk.columns): fk for fk in inv.foreign_keys}
    assert by[("users", ("manager_id",))].name == "users_manager"
    assert by[("posts", ("owner_id",))].name == "fk_posts_owner_id_users"
    assert by[("posts", ("org_id", "org_region"))].ref_table.schema == "audit"
    assert by[("posts", ("org_id", "org_region"))].on_update == "CASCADE"
    assert by[("posts", ("owner_id",))].table.schema == "blog"
    assert str(by[("posts", ("editor_id",))].added_at) == "app/models.py:33"
    tables = {t.ref.name: t for t in inv.tables}
    assert [c.name for c in tables["posts"].columns] == [
        "owner_id",
        "id",
        "editor_id",
        "org_id",
        "org_region",
    ]
    assert "kind" in {c.name for c in tables["comments"].columns}  # single-table inheritance
    assert tables["post_tags"].primary_key == ("post_id", "tag")
    assert {t.ref.database for t in inv.tables} == {"svc"}
    assert codes(inv) == [("unknown-table", "app/models.py", 27)]  # audit.orgs is defined nowhere


def test_sqlmodel_flask_and_computed_names(tmp_path: Path) -> None:
    files = {
        "a/pyproject.toml": "",
        "a/models.py": """
            from typing import Optional
            from sqlmodel import Field, Relationship, SQLModel


            class TeamBase(SQLModel):
                name: str


            class Team(TeamBase, table=True):
                id: Optional[int] = Field(default=None, primary_key=True)


            class Hero(SQLModel, table=True):
                id: int | None = Field(default=None, primary_key=True)
                team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="CASCADE")
                team: Team | None = Relationship(back_populates="heroes")
        """,
        "b/setup.py": "",
        "b/models.py": """
            from flask_sqlalchemy import SQLAlchemy
            from sqlalchemy.orm import declared_attr

            db = SQLAlchemy()


            class OrderItem(db.Model):
                id = db.Column(db.Integer, primary_key=True)
                order_id = db.Column(db.Integer, db.ForeignKey("order.id"))


            class Order(db.Model):
                id = db.Column(db.Integer, primary_key=True)


            class Named:
                @declared_attr
                def __tablename__(cls):
                    return cls.__name__.lower()


            class Weird(db.Model):
                @declared_attr.directive
                def __tablename__(cls):
                    return "t_" + cls.__name__


            class Child(Weird):
                id = db.Column(db.Integer, primary_key=True)
                weird_id = db.Column(db.Integer, db.ForeignKey("nowhere.id"))


            class Cat(Named, db.Model):
                id = db.Column(db.Integer, primary_key=True)
                item_id = db.Column(db.Integer, db.ForeignKey(OrderItem.id))
        """,
    }
    inv = read(tmp_path / "repo", files)
    assert fks(inv) == {
        ("hero", ("team_id",), "team", ("id",), "CASCADE"),
        ("order_item", ("order_id",), "order", ("id",), "NO ACTION"),
        ("cat", ("item_id",), "order_item", ("id",), "NO ACTION"),
    }
    assert {(fk.table.database, fk.table.name) for fk in inv.foreign_keys} == {
        ("a", "hero"),
        ("b", "order_item"),
        ("b", "cat"),
    }
    assert [c.name for c in next(t for t in inv.tables if t.ref.name == "team").columns] == ["name", "id"]
    assert codes(inv) == [("orm-dynamic", "b/models.py", 28)]


REVISIONS = {
    "alembic.ini": "[alembic]\nscript_location = migrations\nsqlalchemy.url = postgresql://u@h/db\n",
    "migrations/env.py": "target_metadata = None\n",
    "migrations/versions/b2_more.py": """
        from alembic import op
        import sqlalchemy as sa

        revision = "b2"
        down_revision = "a1"


        def upgrade():
            op.add_column("posts", sa.Column("editor_id", sa.Integer, sa.ForeignKey("users.id")))
            op.create_foreign_key(op.f("fk_org"), "posts", "orgs", ["org_id"], ["id"], ondelete="SET NULL")
            op.drop_constraint("fk_posts_user", "posts", type_="foreignkey")
            with op.batch_alter_table("users", schema=None) as batch_op:
                batch_op.add_column(sa.Column("boss_id", sa.Integer))
                batch_op.create_foreign_key("fk_boss", "users", ["boss_id"], ["id"])
            if op.get_bind().dialect.name == "sqlite":
                op.create_foreign_key(None, "posts", "users", ["sqlite_only"], ["id"])
            else:
                _postgres_only()
            op.execute(sa.text("ALTER TABLE posts ADD CONSTRAINT fk_r FOREIGN KEY (raw_id) REFERENCES users"))
            op.create_table(name_of("x"), sa.Column("id", sa.Integer))


        def _postgres_only():
            op.create_foreign_key(None, "posts", "users", ["pg_only"], ["id"])


        def downgrade():
            op.drop_table("posts")
    """,
    "migrations/versions/a1_init.py": """
        from alembic import op
        import sqlalchemy as sa

        revision = "a1"
        down_revision = None


        def upgrade():
            op.create_table(
                "orgs",
                sa.Column("id", sa.Integer, primary_key=True),
            )
            op.create_table(
                "users",
                sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("org_id", sa.Integer, sa.ForeignKey("orgs.id", ondelete="CASCADE")),
            )
            op.create_table(
                "posts",
                sa.Column("id", sa.Integer(), nullable=False),
                sa.Column("user_id", sa.Integer(), nullable=True),
                sa.Column("org_id", sa.Integer()),
                sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_posts_user"),
                sa.PrimaryKeyConstraint("id"),
            )
    """,
    "migrations/versions/c3_drop.py": """
        from alembic import op

        revision = "c3"
        down_revision = ("b2",)


        def upgrade():
            op.drop_column("users", "org_id")
            op.rename_table("orgs", "organisations")
    """,
}


def test_alembic_revisions_follow_down_revision(tmp_path: Path) -> None:
    inv = read(tmp_path / "svc", REVISIONS)
    assert [m.path for m in inv.migrations] == [
        "migrations/versions/a1_init.py",
        "migrations/versions/b2_more.py",
        "migrations/versions/c3_drop.py",
    ]
    assert [m.version for m in inv.migrations] == ["a1", "b2", "c3"]
    assert fks(inv) == {
        ("posts", ("editor_id",), "users", ("id",), "NO ACTION"),
        ("posts", ("org_id",), "organisations", ("id",), "SET NULL"),
        ("users", ("boss_id",), "users", ("id",), "NO ACTION"),
        ("posts", ("pg_only",), "users", ("id",), "NO ACTION"),
        ("posts", ("raw_id",), "users", ("id",), "NO ACTION"),
    }
    names = {fk.name: (str(fk.added_at), str(fk.dropped_at)) for fk in inv.foreign_keys}
    assert names["fk_posts_user"] == (
        "migrations/versions/a1_init.py:23",
        "migrations/versions/b2_more.py:11",
    )
    assert names["users_org_id_fkey"] == (
        "migrations/versions/a1_init.py:16",
        "migrations/versions/c3_drop.py:8",
    )
    assert names["posts_editor_id_fkey"][0] == "migrations/versions/b2_more.py:9"
    assert {fk.table.database for fk in inv.foreign_keys} == {"migrations/versions"}
    assert codes(inv) == [("orm-dynamic", "migrations/versions/b2_more.py", 20)]


def test_alembic_sqlite_branch(tmp_path: Path) -> None:
    files = dict(REVISIONS)
    files["alembic.ini"] = "[alembic]\nsqlalchemy.url = sqlite:///app.db\n"
    inv = read(tmp_path / "svc", files)
    columns = {fk.columns for fk in inv.foreign_keys if fk.dropped_at is None}
    assert ("sqlite_only",) in columns and ("pg_only",) not in columns
    assert {fk.table.schema for fk in inv.foreign_keys} == {""}


def test_models_confirm_alembic_revisions(tmp_path: Path) -> None:
    files = dict(REVISIONS)
    files["pyproject.toml"] = ""
    files["app/models.py"] = """
        from sqlalchemy import Column, ForeignKey, Integer
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()


        class User(Base):
            __tablename__ = "users"
            id = Column(Integer, primary_key=True)
            boss_id = Column(Integer, ForeignKey("users.id"))
            team_id = Column(Integer, ForeignKey("teams.id"))


        class Post(Base):
            __tablename__ = "posts"
            id = Column(Integer, primary_key=True)
            editor_id = Column(Integer, ForeignKey("users.id"))
            org_id = Column(Integer, ForeignKey("organisations.id"))
            raw_id = Column(Integer, ForeignKey("users.id"))
    """
    inv = read(tmp_path / "svc", files)
    assert {fk.table.database for fk in inv.foreign_keys} == {
        "migrations/versions"
    }  # the models add no table
    assert codes(inv) == [
        ("orm-drift", "app/models.py", 11),
        ("orm-drift", "migrations/versions/b2_more.py", 24),
        ("orm-dynamic", "migrations/versions/b2_more.py", 20),
    ]
    assert "users(team_id) -> teams(id)" in inv.diagnostics[0].message
    assert "posts(pg_only) -> users(id)" in inv.diagnostics[1].message


def test_missing_down_revision_starts_the_history(tmp_path: Path) -> None:
    inv = read(
        tmp_path / "svc",
        {"versions/x.py": 'revision = "x"\ndown_revision = "gone"\n\ndef upgrade():\n    pass\n'},
    )
    assert codes(inv) == [("orm-order", "versions/x.py", 0)]
    assert [m.path for m in inv.migrations] == ["versions/x.py"]


def test_dialect_branches_on_the_url_and_column_property(tmp_path: Path) -> None:
    files = {
        "versions/r1.py": """
            from alembic import op
            import sqlalchemy as sa

            revision = "r1"
            down_revision = None


            def upgrade():
                op.create_table("a", sa.Column("id", sa.Integer, primary_key=True))
                op.create_table("b", sa.Column("a_id", sa.Integer, sa.ForeignKey("a.id")))
                url = str(op.get_bind().engine.url)
                if url.startswith("mysql"):
                    op.drop_constraint("b_ibfk_1", "b", type_="foreignkey")
                elif not url.startswith("sqlite"):
                    op.drop_constraint("b_a_id_fkey", "b", type_="foreignkey")
                op.create_foreign_key(None, "b", "a", ["a_id"], ["id"], ondelete="CASCADE")
        """,
        "models.py": """
            from sqlalchemy import Column, ForeignKey, Integer
            from sqlalchemy.orm import column_property


            class B(Base):
                __tablename__ = "b"
                id = Column(Integer, primary_key=True)
                a_id = column_property(Column(Integer, ForeignKey("a.id", ondelete="CASCADE")), other)
        """,
    }
    inv = read(tmp_path / "svc", files)
    assert fks(inv) == {("b", ("a_id",), "a", ("id",), "CASCADE")}
    assert [fk.name for fk in inv.foreign_keys] == ["b_a_id_fkey", "b_a_id_fkey"]  # dropped, then added again
    assert codes(inv) == []


def test_models_of_tables_the_sql_migrations_create_add_no_second_copy(tmp_path: Path) -> None:
    """A service's SQLAlchemy models (no Alembic) over a monolith's SQL migrations: one table each."""
    from ingest.migrations.sets import read

    (tmp_path / "legacy" / "migrations").mkdir(parents=True)
    (tmp_path / "legacy" / "migrations" / "001_experiments.sql").write_text(
        "CREATE TABLE experiments (id int PRIMARY KEY);\n"
        "CREATE TABLE variants (id int PRIMARY KEY, experiment_id int REFERENCES experiments(id));\n"
    )
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "pyproject.toml").write_text('[project]\nname = "svc"\n')
    (tmp_path / "svc" / "models.py").write_text(
        "from sqlalchemy import Column, ForeignKey, Integer\n"
        "from sqlalchemy.orm import declarative_base\n"
        "Base = declarative_base()\n"
        "class Experiment(Base):\n"
        "    __tablename__ = 'experiments'\n"
        "    id = Column(Integer, primary_key=True)\n"
        "class Variant(Base):\n"
        "    __tablename__ = 'variants'\n"
        "    id = Column(Integer, primary_key=True)\n"
        "    experiment_id = Column(Integer, ForeignKey('experiments.id'))\n"
        "class Note(Base):\n"
        "    __tablename__ = 'notes'\n"
        "    id = Column(Integer, primary_key=True)\n"
        "    variant_id = Column(Integer, ForeignKey('variants.id'))\n"
    )
    inv = read(str(tmp_path))
    names = sorted((t.ref.database, t.ref.name) for t in inv.tables if not t.external)
    assert names.count(("legacy/migrations", "experiments")) == 1
    assert [n for _, n in names].count("experiments") == 1 and [n for _, n in names].count("variants") == 1
    assert ("legacy/migrations", "variants") in names and any(n == "notes" for _, n in names)
    assert [fk.table.name for fk in inv.foreign_keys].count("variants") == 1
    assert any(d.code == "orm-sql" and "map onto" in d.message for d in inv.diagnostics)
