"""Rails migrations: a branch under a test on the database adapter is read only when it is the
one taken for the engine read (``config/database.yml``, else PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from tests.ingest.orm.orm_py_helpers import codes, fks, read

# maybe-finance's doorkeeper migration, cut down: T-SQL for SQL Server only
TOKENS = """
    class CreateTokens < ActiveRecord::Migration[7.2]
      def change
        create_table :tokens do |t|
          t.string :refresh_token
        end
        if ActiveRecord::Base.connection.adapter_name == "SQLServer"
          execute "CREATE UNIQUE NONCLUSTERED INDEX idx_rt ON tokens(refresh_token)"
        else
          add_index :tokens, :refresh_token, unique: true
        end
      end
    end
"""

POSTS = """
    class CreatePosts < ActiveRecord::Migration[7.2]
      def change
        create_table :users
        create_table :posts do |t|
          t.bigint :user_id
          t.bigint :author_id
        end
        add_foreign_key :posts, :users, column: :author_id if connection.adapter_name =~ /mysql/i
        unless connection.adapter_name.downcase == "mysql2"
          add_foreign_key :posts, :users
        end
      end
    end
"""


def test_a_branch_for_another_adapter_is_not_parsed(tmp_path: Path) -> None:
    inv = read(tmp_path, {"db/migrate/20240101000000_create_tokens.rb": TOKENS})
    assert [t.ref.name for t in inv.tables] == ["tokens"]
    assert codes(inv) == []


def test_the_branch_of_the_configured_adapter_is_read(tmp_path: Path) -> None:
    migration = {"db/migrate/20240101000000_create_posts.rb": POSTS}
    postgres = read(tmp_path / "pg", migration)
    assert fks(postgres) == {("posts", ("user_id",), "users", ("id",), "NO ACTION")}
    mysql = read(tmp_path / "my", {**migration, "config/database.yml": "production:\n  adapter: mysql2\n"})
    assert fks(mysql) == {("posts", ("author_id",), "users", ("id",), "NO ACTION")}
