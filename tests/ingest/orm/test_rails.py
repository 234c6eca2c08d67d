"""Rails: db/schema.rb, db/migrate replayed in version order, and how the two are compared."""

from __future__ import annotations

from pathlib import Path

from ingest.orm.rails_inflect import Inflector
from ingest.orm.rails_table import fk_rails_name
from tests.helpers import not_none
from tests.ingest.orm.orm_py_helpers import codes, fks, read

SCHEMA = """
ActiveRecord::Schema[7.1].define(version: 2024_03_01_000000) do
  enable_extension "plpgsql"

  create_table "accounts", id: :uuid, force: :cascade do |t|
    t.string "name", null: false
  end

  create_table "people", primary_key: "pid", force: :cascade do |t|
    t.string "email"
  end

  create_table "memberships", id: false, force: :cascade do |t|
    t.uuid "account_id", null: false
    t.bigint "person_id", null: false
    t.references :inviter, foreign_key: { to_table: :people, primary_key: :pid, on_delete: :nullify }
    t.belongs_to "team", type: :uuid, foreign_key: true
  end

  create_table "posts", force: :cascade do |t|
    t.bigint "author_id"
    t.bigint "account_id"
    t.references "subject", polymorphic: true
    t.timestamps
  end

  create_table "teams", id: :uuid, force: :cascade do |t|
    t.string "name"
  end

  create_table "audit", primary_key: ["a", "b"], force: :cascade do |t|
    t.integer "a"
    t.integer "b"
  end

  add_foreign_key "memberships", "accounts", on_delete: :cascade
  add_foreign_key "memberships", "people", column: "person_id", primary_key: "pid", on_update: :restrict
  add_foreign_key "posts", "people", column: "author_id", primary_key: "pid", name: "posts_author_fk"
  add_foreign_key "posts", "accounts", validate: false, deferrable: :deferred
end
"""


def test_schema_rb_gives_every_key(tmp_path: Path) -> None:
    inv = read(tmp_path / "app", {"db/schema.rb": SCHEMA})
    assert fks(inv) == {
        ("memberships", ("inviter_id",), "people", ("pid",), "SET NULL"),
        ("memberships", ("team_id",), "teams", ("id",), "NO ACTION"),
        ("memberships", ("account_id",), "accounts", ("id",), "CASCADE"),
        ("memberships", ("person_id",), "people", ("pid",), "NO ACTION"),
        ("posts", ("author_id",), "people", ("pid",), "NO ACTION"),
        ("posts", ("account_id",), "accounts", ("id",), "NO ACTION"),
    }
    by = {(fk.table.name, fk.columns): fk for fk in inv.foreign_keys}
    assert by[("memberships", ("person_id",))].on_update == "RESTRICT"
    assert by[("posts", ("author_id",))].name == "posts_author_fk"
    assert by[("memberships", ("account_id",))].name == fk_rails_name("memberships", ["account_id"])
    deferred = by[("posts", ("account_id",))]
    assert (deferred.validated, deferred.deferrable, deferred.initially_deferred) == (False, True, True)
    assert str(by[("memberships", ("inviter_id",))].added_at) == "db/schema.rb:15"
    assert {fk.table.database for fk in inv.foreign_keys} == {"db"}
    assert inv.diagnostics == ()


def test_schema_rb_tables_keep_ids_and_primary_keys(tmp_path: Path) -> None:
    inv = read(tmp_path / "app", {"db/schema.rb": SCHEMA})
    tables = {t.ref.name: t for t in inv.tables}
    assert tables["accounts"].primary_key == ("id",)
    assert [c.type for c in tables["accounts"].columns][:1] == ["uuid"]
    assert tables["people"].primary_key == ("pid",)
    assert tables["memberships"].primary_key == ()
    assert tables["audit"].primary_key == ("a", "b")
    assert [c.name for c in tables["posts"].columns] == [
        "id",
        "author_id",
        "account_id",
        "subject_id",
        "subject_type",
        "created_at",
        "updated_at",
    ]
    assert tables["memberships"].ref.schema == "public"
    assert [m.path for m in inv.migrations] == ["db/schema.rb"]


def test_fk_rails_name_is_rails_own() -> None:
    # Rails: "fk_rails_" + SHA256("#{table}_#{columns.join('_and_')}_fk")[0, 10]
    assert fk_rails_name("posts", ["user_id"]) == "fk_rails_5b5ddfd518"
    assert fk_rails_name("a", ["b", "c"]) != fk_rails_name("a", ["b"])


MIGRATIONS = {
    "db/migrate/20240101000000_create_users.rb": """
        class CreateUsers < ActiveRecord::Migration[7.1]
          def change
            create_table :users do |t|
              t.string :name
            end
            create_table :categories do |t|
              t.string :title
            end
          end
        end
    """,
    "db/migrate/20240102000000_create_posts.rb": """
        class CreatePosts < ActiveRecord::Migration[7.1]
          def change
            create_table :posts do |t|
              t.references :user, null: false, foreign_key: true
              t.references :category, foreign_key: { on_delete: :cascade }
              t.references :reviewer, foreign_key: { to_table: :users }
            end
          end
        end
    """,
    "db/migrate/20240103000000_rework.rb": """
        class Rework < ActiveRecord::Migration[7.1]
          def up
            remove_foreign_key :posts, :categories
            remove_foreign_key :posts, column: :reviewer_id
            add_reference :posts, :editor, foreign_key: { to_table: :users, on_delete: :nullify }
            add_column :posts, :owner_id, :bigint
            add_foreign_key :posts, :users, column: :owner_id, name: "posts_owner_fk"
            rename_table :categories, :topics
            create_table :legacy
            drop_table :legacy
          end

          def down
            add_foreign_key :posts, :categories
          end
        end
    """,
    "db/migrate/20240104000000_more.rb": """
        class More < ActiveRecord::Migration[7.1]
          def change
            change_table :posts do |t|
              t.references :topic, foreign_key: true
              t.remove_references :user, foreign_key: true
            end
            create_join_table :users, :topics, column_options: { foreign_key: true }
            reversible do |dir|
              dir.up do
                execute <<~SQL
                  ALTER TABLE posts ADD CONSTRAINT fk_raw FOREIGN KEY (owner_id) REFERENCES topics (id);
                SQL
              end
              dir.down { remove_foreign_key :posts, name: "fk_raw" }
            end
          end
        end
    """,
}


def test_migrations_are_replayed_in_version_order(tmp_path: Path) -> None:
    inv = read(tmp_path / "app", MIGRATIONS)
    assert fks(inv) == {
        ("posts", ("editor_id",), "users", ("id",), "SET NULL"),
        ("posts", ("owner_id",), "users", ("id",), "NO ACTION"),
        ("posts", ("topic_id",), "topics", ("id",), "NO ACTION"),
        ("posts", ("owner_id",), "topics", ("id",), "NO ACTION"),
        ("topics_users", ("user_id",), "users", ("id",), "NO ACTION"),
        ("topics_users", ("topic_id",), "topics", ("id",), "NO ACTION"),
    }
    dropped = {(fk.columns, str(fk.dropped_at)) for fk in inv.foreign_keys if fk.dropped_at is not None}
    assert dropped == {
        (("category_id",), "db/migrate/20240103000000_rework.rb:3"),
        (("reviewer_id",), "db/migrate/20240103000000_rework.rb:4"),
        (("user_id",), "db/migrate/20240104000000_more.rb:5"),
    }
    raw = next(fk for fk in inv.foreign_keys if fk.name == "fk_raw")
    assert str(raw.added_at) == "db/migrate/20240104000000_more.rb:11"
    cascade = next(fk for fk in inv.foreign_keys if fk.columns == ("category_id",))
    assert (cascade.on_delete, cascade.ref_table.name) == ("CASCADE", "topics")  # follows the rename
    assert [m.version for m in inv.migrations] == [
        "20240101000000",
        "20240102000000",
        "20240103000000",
        "20240104000000",
    ]
    assert {t.ref.name for t in inv.tables if t.dropped_at is None} == {
        "users",
        "topics",
        "posts",
        "topics_users",
    }
    assert inv.diagnostics == ()


def test_dynamic_constructs_are_diagnostics_not_guesses(tmp_path: Path) -> None:
    inv = read(
        tmp_path / "app",
        {
            "db/migrate/20240101000000_dyn.rb": """
                class Dyn < ActiveRecord::Migration[7.1]
                  TABLES = %w[a b]
                  def change
                    create_table :users
                    TABLES.each do |name|
                      add_reference name, :user, foreign_key: true
                    end
                    add_foreign_key :posts, table_for(:users)
                    create_table :posts do |t|
                      t.references :user, **opts
                    end
                    execute "ALTER TABLE #{name} ADD FOREIGN KEY (x) REFERENCES y"
                  end
                end
            """
        },
    )
    assert fks(inv) == set()
    assert [(c, line) for c, _, line in codes(inv)] == [
        ("orm-dynamic", 6),
        ("orm-dynamic", 8),
        ("orm-dynamic", 10),
        ("orm-dynamic", 12),
    ]


def test_schema_rb_wins_and_migrations_are_compared(tmp_path: Path) -> None:
    files = {
        "db/schema.rb": """
            ActiveRecord::Schema[7.1].define(version: 2024_01_02_000000) do
              create_table "users", force: :cascade do |t|
              end
              create_table "posts", force: :cascade do |t|
                t.bigint "user_id"
                t.bigint "editor_id"
              end
              add_foreign_key "posts", "users"
              add_foreign_key "posts", "users", column: "editor_id"
            end
        """,
        "db/migrate/20240101000000_init.rb": """
            class Init < ActiveRecord::Migration[7.1]
              def change
                create_table :users
                create_table :posts do |t|
                  t.references :user, foreign_key: true
                end
              end
            end
        """,
        "db/migrate/20240103000000_later.rb": """
            class Later < ActiveRecord::Migration[7.1]
              def change
                add_reference :posts, :reviewer, foreign_key: { to_table: :users }
              end
            end
        """,
    }
    inv = read(tmp_path / "app", files)
    assert fks(inv) == {
        ("posts", ("user_id",), "users", ("id",), "NO ACTION"),
        ("posts", ("editor_id",), "users", ("id",), "NO ACTION"),
    }
    assert codes(inv) == [
        ("orm-drift", "db/migrate/20240103000000_later.rb", 3),
        ("orm-drift", "db/schema.rb", 9),
        ("orm-pending", "db/schema.rb", 0),
    ]
    assert [m.path for m in inv.migrations][-1] == "db/schema.rb"


def test_schema_of_a_table_no_kept_migration_creates_is_not_drift(tmp_path: Path) -> None:
    files = {
        "db/schema.rb": """
            ActiveRecord::Schema.define(version: 2) do
              create_table "old" do |t|
                t.bigint "user_id"
              end
              create_table "users" do |t|
              end
              add_foreign_key "old", "users"
            end
        """,
        "db/migrate/2_users.rb": "class U < ActiveRecord::Migration[7.0]\n  def change\n  end\nend\n",
    }
    inv = read(tmp_path / "app", files)
    assert fks(inv) == {("old", ("user_id",), "users", ("id",), "NO ACTION")}
    assert codes(inv) == []


def test_multi_database_and_mysql_adapter(tmp_path: Path) -> None:
    files = {
        "config/database.yml": "production:\n  primary:\n    adapter: mysql2\n",
        "db/schema.rb": 'ActiveRecord::Schema.define do\n  create_table "a"\nend\n',
        "db/animals_schema.rb": """
            ActiveRecord::Schema.define do
              create_table "dogs" do |t|
                t.references :owner, foreign_key: { to_table: :people }
              end
              create_table "people"
            end
        """,
    }
    inv = read(tmp_path / "app", files)
    assert {(fk.table.database, fk.table.schema, fk.table.name) for fk in inv.foreign_keys} == {
        ("db/animals", "", "dogs")
    }
    assert {t.ref.database for t in inv.tables} == {"db", "db/animals"}


def test_application_inflections_are_used(tmp_path: Path) -> None:
    files = {
        "config/initializers/inflections.rb": """
            ActiveSupport::Inflector.inflections(:en) do |inflect|
              inflect.irregular "cactus", "cacti"
            end
        """,
        "db/schema.rb": """
            ActiveRecord::Schema.define do
              create_table "cacti"
              create_table "pots" do |t|
                t.references :cactus, foreign_key: true
              end
              add_foreign_key "pots", "cacti", column: "cactus_id", name: "again"
            end
        """,
    }
    inv = read(tmp_path / "app", files)
    assert fks(inv) == {("pots", ("cactus_id",), "cacti", ("id",), "NO ACTION")}
    assert not_none(next(iter(inv.foreign_keys))).ref_table.name == "cacti"


def test_inflector_follows_active_support() -> None:
    i = Inflector()
    assert [
        i.pluralize(w) for w in ("child", "mouse", "matrix", "quiz", "half", "knife", "bus", "octopus")
    ] == [
        "children",
        "mice",
        "matrices",
        "quizzes",
        "halves",
        "knives",
        "buses",
        "octopi",
    ]
    assert [
        i.singularize(w) for w in ("children", "mice", "matrices", "quizzes", "halves", "knives", "buses")
    ] == [
        "child",
        "mouse",
        "matrix",
        "quiz",
        "half",
        "knife",
        "bus",
    ]
    assert i.singularize("news") == "news" and i.pluralize("equipment") == "equipment"


def test_syntax_error_is_a_warning_with_the_line(tmp_path: Path) -> None:
    inv = read(
        tmp_path / "app",
        {
            "db/schema.rb": 'ActiveRecord::Schema.define do\n  create_table "a" do |t|\n'
            + '    t.string "x",,\n  end\nend\n'
        },
    )
    assert ("parse-error", "db/schema.rb", 3) in codes(inv)


def test_heredocs_in_parentheses_and_string_methods(tmp_path: Path) -> None:
    inv = read(
        tmp_path / "app",
        {
            "config/database.yml.sample": "development:\n  adapter: sqlite3\n",
            "db/migrate/20240101000000_a.rb": """
                class A < ActiveRecord::Migration[7.2]
                  def change
                    create_table :users
                    create_table :posts do |t|
                      t.virtual(
                        :rank,
                        type: :integer,
                        as: <<~SQL,
                          1
                        SQL
                        stored: true
                      )
                    end
                    execute <<~SQL.squish
                      ALTER TABLE posts#{' '}
                        ADD COLUMN user_id integer REFERENCES users (id)
                    SQL
                  end
                end
            """,
        },
    )
    assert fks(inv) == {("posts", ("user_id",), "users", ("id",), "NO ACTION")}
    fk = inv.foreign_keys[0]
    assert (str(fk.added_at), fk.table.schema) == ("db/migrate/20240101000000_a.rb:16", "")
    assert codes(inv) == []
