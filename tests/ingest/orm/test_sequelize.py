"""Sequelize: models, associations and queryInterface migrations, read without running them."""

from __future__ import annotations

from pathlib import Path

from ingest.orm.js_projects import ingest_js
from tests.ingest.orm.orm_helpers import fks, present, table_refs, write

PKG = {"package.json": '{"name": "shop", "dependencies": {"sequelize": "^6"}}'}


def test_define_and_init_models_with_references(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            **PKG,
            "src/models/user.js": """
                const { DataTypes } = require('sequelize');
                module.exports = (sequelize) => {
                  const User = sequelize.define('User', {
                    email: { type: DataTypes.STRING, allowNull: false },
                  });
                  return User;
                };
            """,
            "src/models/post.js": """
                const { DataTypes, Model } = require('sequelize');
                class Post extends Model {}
                Post.init({
                  authorId: {
                    type: DataTypes.INTEGER,
                    references: { model: 'Users', key: 'id' },
                    onDelete: 'CASCADE',
                    onUpdate: 'cascade',
                  },
                  reviewerId: { type: DataTypes.INTEGER, field: 'reviewer_id',
                                references: { model: { tableName: 'staff', schema: 'hr' } } },
                }, { sequelize, modelName: 'Post', tableName: 'posts' });
            """,
        },
    )
    inv = ingest_js(tmp_path)
    assert fks(inv) == {
        (
            "posts_authorId_fkey",
            "public.posts",
            ("authorId",),
            "public.Users",
            ("id",),
            "CASCADE",
            "CASCADE",
            "src/models/post.js:6",
            "present",
        ),
        (
            "posts_reviewer_id_fkey",
            "public.posts",
            ("reviewer_id",),
            "hr.staff",
            ("id",),
            "NO ACTION",
            "NO ACTION",
            "src/models/post.js:11",
            "present",
        ),
    }
    users = next(t for t in inv.tables if t.ref.name == "Users")
    assert [c.name for c in users.columns] == ["id", "email", "createdAt", "updatedAt"]
    assert users.primary_key == ("id",)
    assert str(users.defined_at) == "src/models/user.js:3"
    staff = next(t for t in inv.tables if t.ref.name == "staff")
    assert staff.external and staff.ref.schema == "hr"
    assert [m.path for m in inv.migrations] == ["src/models/post.js", "src/models/user.js"]
    assert {m.database for m in inv.migrations} == {tmp_path.name}


def test_table_names_follow_sequelize_options(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            **PKG,
            "db.js": """
                const sequelize = new Sequelize('postgres://x', { define: { underscored: true } });
                sequelize.define('OrderItem', { orderId: DataTypes.INTEGER });
                sequelize.define('person', { name: DataTypes.STRING },
                                 { freezeTableName: true, timestamps: false });
                sequelize.define('Category', { name: DataTypes.STRING }, { underscored: false });
            """,
        },
    )
    inv = ingest_js(tmp_path)
    names = {t.ref.name: [c.name for c in t.columns] for t in inv.tables}
    assert names == {
        "order_items": ["id", "order_id", "created_at", "updated_at"],
        "person": ["id", "name"],
        "Categories": ["id", "name", "createdAt", "updatedAt"],
    }


def test_associations_give_keys_with_sequelize_defaults(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            **PKG,
            "models/index.js": """
                const User = sequelize.define('User', { name: DataTypes.STRING }, { tableName: 'users' });
                const Team = sequelize.define('Team', { code: { type: DataTypes.STRING, primaryKey: true } },
                                              { tableName: 'teams' });
                const Post = sequelize.define('Post', {
                  userId: { type: DataTypes.INTEGER, allowNull: false },
                }, { tableName: 'posts' });
                const Tag = sequelize.define('Tag', {}, { tableName: 'tags' });
                Post.belongsTo(User, { foreignKey: 'userId' });
                User.hasMany(Post, { foreignKey: 'userId' });
                User.belongsTo(Team, {
                  foreignKey: {name: 'teamCode', field: 'tcode'}, targetKey: 'code', onDelete: 'RESTRICT' });
                User.hasOne(Team, { foreignKey: 'ownerId' });
                Post.belongsToMany(Tag, { through: 'post_tags' });
                Tag.belongsTo(User, { constraints: false });
            """,
        },
    )
    inv = ingest_js(tmp_path)
    rows = {(r[1], r[2], r[3], r[4], r[5], r[6], r[7]) for r in fks(inv)}
    assert rows == {
        ("public.posts", ("userId",), "public.users", ("id",), "NO ACTION", "CASCADE", "models/index.js:8"),
        (
            "public.users",
            ("tcode",),
            "public.teams",
            ("code",),
            "RESTRICT",
            "CASCADE",
            "models/index.js:10",
        ),
        ("public.teams", ("ownerId",), "public.users", ("id",), "SET NULL", "CASCADE", "models/index.js:12"),
        (
            "public.post_tags",
            ("PostId",),
            "public.posts",
            ("id",),
            "CASCADE",
            "CASCADE",
            "models/index.js:13",
        ),
        ("public.post_tags", ("TagId",), "public.tags", ("id",), "CASCADE", "CASCADE", "models/index.js:13"),
    }
    users = next(t for t in inv.tables if t.ref.name == "users")
    assert "tcode" in [c.name for c in users.columns]


def test_associate_with_this_and_models_namespace(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            **PKG,
            "models/comment.js": """
                'use strict';
                const { Model } = require('sequelize');
                module.exports = (sequelize, DataTypes) => {
                  class Comment extends Model {
                    static associate(models) {
                      this.belongsTo(models.Article, { foreignKey: 'article_id', onDelete: 'CASCADE' });
                    }
                  }
                  Comment.init({ body: DataTypes.TEXT },
                               { sequelize, modelName: 'Comment', tableName: 'comments' });
                  return Comment;
                };
            """,
            "models/article.js": """
                module.exports = (sequelize, DataTypes) => {
                  class Article extends Model {}
                  Article.init({ title: DataTypes.STRING },
                               { sequelize, modelName: 'Article', tableName: 'articles' });
                  return Article;
                };
            """,
        },
    )
    assert present(ingest_js(tmp_path)) == {("public.comments", ("article_id",), "public.articles", ("id",))}


MIGRATION_1 = """
    'use strict';
    module.exports = {
      up: async (queryInterface, Sequelize) => {
        await queryInterface.createTable('users', {
          id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true },
          email: { type: Sequelize.STRING, allowNull: false },
        });
        await queryInterface.createTable({ tableName: 'orders', schema: 'sales' }, {
          id: { type: Sequelize.INTEGER, primaryKey: true },
          user_id: {
            type: Sequelize.INTEGER,
            references: { model: 'users', key: 'id' },
            onDelete: 'SET NULL',
          },
        });
      },
      down: async (queryInterface) => {
        await queryInterface.dropTable('users');
      },
    };
"""
MIGRATION_2 = """
    module.exports = {
      async up(queryInterface, Sequelize) {
        await queryInterface.addColumn('users', 'manager_id', {
          type: Sequelize.INTEGER,
          references: { model: 'users', key: 'id' },
        });
        await queryInterface.addConstraint('users', {
          fields: ['email'], type: 'unique', name: 'users_email_uk',
        });
        const fk = { fields: ['user_id'], type: 'FOREIGN KEY',
          references: { table: 'users', field: 'id' }, onDelete: 'cascade' };
        await queryInterface.addConstraint({ tableName: 'orders', schema: 'sales' }, fk);
        await queryInterface.createTable('payments', {
          id: { type: Sequelize.INTEGER, primaryKey: true },
          order_id: Sequelize.INTEGER, user_id: Sequelize.INTEGER });
        await queryInterface.addConstraint('payments', ['order_id'], {
          type: 'foreign key', name: 'fk_payment_order',
          references: { table: { tableName: 'orders', schema: 'sales' }, field: 'id' },
        });
      },
    };
"""
MIGRATION_3 = """
    module.exports = {
      async up(queryInterface) {
        await queryInterface.removeConstraint('payments', 'fk_payment_order');
        await queryInterface.changeColumn('payments', 'order_id', {
          type: Sequelize.INTEGER, allowNull: false,
          references: { model: { tableName: 'orders', schema: 'sales' }, key: 'id' },
        });
        await queryInterface.sequelize.query(`
          ALTER TABLE payments
            ADD CONSTRAINT payments_user_fk FOREIGN KEY (user_id) REFERENCES users (id)`);
        await queryInterface.sequelize.query('SELECT 1');
        await queryInterface.renameTable('payments', 'charges');
      },
      async down() {},
    };
"""


def test_migrations_replay_in_file_name_order(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            **PKG,
            "migrations/20240301000000-more.js": MIGRATION_3,
            "migrations/20240101000000-init.js": MIGRATION_1,
            "migrations/20240201000000-keys.js": MIGRATION_2,
        },
    )
    inv = ingest_js(tmp_path)
    m1, m2, m3 = (
        f"migrations/{n}"
        for n in ("20240101000000-init.js", "20240201000000-keys.js", "20240301000000-more.js")
    )
    assert [m.path for m in inv.migrations] == [m1, m2, m3]
    assert [m.version for m in inv.migrations] == ["20240101000000", "20240201000000", "20240301000000"]
    assert fks(inv) == {
        (
            "orders_user_id_fkey",
            "sales.orders",
            ("user_id",),
            "public.users",
            ("id",),
            "SET NULL",
            "NO ACTION",
            f"{m1}:12",
            "present",
        ),
        (
            "users_manager_id_fkey",
            "public.users",
            ("manager_id",),
            "public.users",
            ("id",),
            "NO ACTION",
            "NO ACTION",
            f"{m2}:5",
            "present",
        ),
        (
            "orders_user_id_users_fk",
            "sales.orders",
            ("user_id",),
            "public.users",
            ("id",),
            "CASCADE",
            "NO ACTION",
            f"{m2}:11",
            "present",
        ),
        (
            "fk_payment_order",
            "public.charges",
            ("order_id",),
            "sales.orders",
            ("id",),
            "NO ACTION",
            "NO ACTION",
            f"{m2}:18",
            "dropped",
        ),
        (
            "payments_order_id_fkey",
            "public.charges",
            ("order_id",),
            "sales.orders",
            ("id",),
            "NO ACTION",
            "NO ACTION",
            f"{m3}:6",
            "present",
        ),
        (
            "payments_user_fk",
            "public.charges",
            ("user_id",),
            "public.users",
            ("id",),
            "NO ACTION",
            "NO ACTION",
            f"{m3}:10",
            "present",
        ),
    }
    assert table_refs(inv) >= {t.ref for t in inv.tables if t.ref.name in ("users", "orders", "charges")}
    assert "users" in {t.ref.name for t in inv.tables if not t.external and t.dropped_at is None}
