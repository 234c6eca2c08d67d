"""TypeORM: entities and queryRunner migrations, read without running them."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ingest.orm.js_projects import ingest_js
from tests.ingest.orm.orm_helpers import fks, present, write

PKG = {"package.json": '{"name": "api", "dependencies": {"typeorm": "^0.3"}}'}


def _fk(table: str, *columns: str) -> str:
    key = f"{table.replace('.', '_', 1)}_{'_'.join(sorted(columns))}"
    return "FK_" + hashlib.sha1(key.encode()).hexdigest()[:27]


ENTITIES = {
    "src/entities/base.ts": """
        export abstract class Base {
          @PrimaryGeneratedColumn('uuid') id: string;
          @CreateDateColumn() createdAt: Date;
        }
    """,
    "src/entities/user.ts": """
        import { Entity, Column, OneToMany } from 'typeorm';
        @Entity({ name: 'users', schema: 'auth' })
        export class User extends Base {
          @Column({ unique: true }) email: string;
          @OneToMany(() => Post, (p) => p.author) posts: Post[];
        }
    """,
    "src/entities/post.ts": """
        @Entity()
        export class BlogPost {
          @PrimaryGeneratedColumn() id: number;
          @Column({ name: 'title_text', nullable: true }) title: string;
          @ManyToOne(() => User, (u) => u.posts, { onDelete: 'CASCADE', nullable: false })
          author: User;
          @ManyToOne('Category', { onDelete: 'SET NULL', onUpdate: 'CASCADE' })
          @JoinColumn({ name: 'category_code', referencedColumnName: 'code' })
          category: Category;
          @OneToOne(() => Profile) profileWithoutJoin: Profile;
          @OneToOne(() => Profile, { createForeignKeyConstraints: false }) @JoinColumn() loose: Profile;
          @ManyToMany(() => Category) @JoinTable({ name: 'post_categories' }) categories: Category[];
        }
        @Entity('categories')
        export class Category {
          @PrimaryColumn({ name: 'code', type: 'varchar' }) code: string;
        }
        @Entity('profiles')
        export class Profile {
          @PrimaryGeneratedColumn() id: number;
          @OneToOne(() => User)
          @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'profile_user' }) user: User;
        }
    """,
}


def test_entities_give_tables_and_typeorm_named_keys(tmp_path: Path) -> None:
    inv = ingest_js(write(tmp_path, {**PKG, **ENTITIES}))
    post = "src/entities/post.ts"
    assert fks(inv) == {
        (
            _fk("blog_post", "authorId"),
            "public.blog_post",
            ("authorId",),
            "auth.users",
            ("id",),
            "CASCADE",
            "NO ACTION",
            f"{post}:5",
            "present",
        ),
        (
            _fk("blog_post", "category_code"),
            "public.blog_post",
            ("category_code",),
            "public.categories",
            ("code",),
            "SET NULL",
            "CASCADE",
            f"{post}:7",
            "present",
        ),
        (
            _fk("post_categories", "blogPostId"),
            "public.post_categories",
            ("blogPostId",),
            "public.blog_post",
            ("id",),
            "CASCADE",
            "CASCADE",
            f"{post}:12",
            "present",
        ),
        (
            _fk("post_categories", "categoriesCode"),
            "public.post_categories",
            ("categoriesCode",),
            "public.categories",
            ("code",),
            "CASCADE",
            "CASCADE",
            f"{post}:12",
            "present",
        ),
        (
            "profile_user",
            "public.profiles",
            ("user_id",),
            "auth.users",
            ("id",),
            "NO ACTION",
            "NO ACTION",
            f"{post}:21",
            "present",
        ),
    }
    tables = {t.ref.qualified: t for t in inv.tables}
    assert set(tables) == {
        "auth.users",
        "public.blog_post",
        "public.categories",
        "public.profiles",
        "public.post_categories",
    }
    users = tables["auth.users"]
    assert [c.name for c in users.columns] == ["id", "createdAt", "email"] and users.primary_key == ("id",)
    post_columns = {c.name: c.nullable for c in tables["public.blog_post"].columns}
    assert post_columns == {"id": False, "title_text": True, "authorId": False, "category_code": True}
    assert str(tables["public.blog_post"].defined_at) == f"{post}:2"


def test_snake_naming_strategy(tmp_path: Path) -> None:
    files = {
        **PKG,
        "src/data-source.ts": """
            export default new DataSource({
              type: 'postgres', entities: [], namingStrategy: new SnakeNamingStrategy() });
        """,
        "src/order.ts": """
            @Entity() export class OrderLine {
              @PrimaryGeneratedColumn() id: number;
              @Column() unitPrice: number;
              @ManyToOne(() => PurchaseOrder) purchaseOrder: PurchaseOrder;
            }
            @Entity() export class PurchaseOrder { @PrimaryGeneratedColumn() id: number; }
        """,
    }
    inv = ingest_js(write(tmp_path, files))
    assert present(inv) == {("public.order_line", ("purchase_order_id",), "public.purchase_order", ("id",))}
    line = next(t for t in inv.tables if t.ref.name == "order_line")
    assert [c.name for c in line.columns] == ["id", "unit_price", "purchase_order_id"]


MIGRATION_1 = """
    import { MigrationInterface, QueryRunner } from "typeorm";

    export class Init1700000000000 implements MigrationInterface {
        name = 'Init1700000000000'

        public async up(queryRunner: QueryRunner): Promise<void> {
            await queryRunner.query(`CREATE TABLE "users" ("id" SERIAL NOT NULL,
                CONSTRAINT "PK_users" PRIMARY KEY ("id"))`);
            await queryRunner.query(`CREATE TABLE "posts" ("id" SERIAL NOT NULL, "userId" integer,
                CONSTRAINT "PK_posts" PRIMARY KEY ("id"))`);
            await queryRunner.query(`ALTER TABLE "posts" ADD CONSTRAINT "FK_posts_user" FOREIGN KEY ("userId")
                REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        }

        public async down(queryRunner: QueryRunner): Promise<void> {
            await queryRunner.query(`ALTER TABLE "posts" DROP CONSTRAINT "FK_posts_user"`);
            await queryRunner.query(`DROP TABLE "posts"`);
        }
    }
"""
MIGRATION_2 = """
    import { MigrationInterface, QueryRunner, Table, TableForeignKey } from "typeorm";

    export class Comments1700000000001 implements MigrationInterface {
        public async up(queryRunner: QueryRunner): Promise<void> {
            await queryRunner.createTable(
                new Table({
                    name: "comments",
                    columns: [
                        { name: "id", type: "int", isPrimary: true, isGenerated: true },
                        { name: "postId", type: "int", isNullable: true },
                        { name: "authorId", type: "int" },
                    ],
                    foreignKeys: [
                        {
                            columnNames: ["postId"], referencedTableName: "posts",
                            referencedColumnNames: ["id"], onDelete: "SET NULL",
                        },
                    ],
                }),
                true,
            );
            const authorFk = new TableForeignKey({
                name: "FK_comment_author", columnNames: ["authorId"],
                referencedTableName: "users", referencedColumnNames: ["id"],
            });
            await queryRunner.createForeignKey("comments", authorFk);
            await queryRunner.dropForeignKey("posts", "FK_posts_user");
            await queryRunner.createForeignKeys("posts", [
                new TableForeignKey({
                    columnNames: ["userId"], referencedTableName: "users",
                    referencedColumnNames: ["id"], onDelete: "RESTRICT",
                }),
            ]);
            const table = await queryRunner.getTable("comments");
            const fk = table!.foreignKeys.find((k) => k.columnNames.indexOf("postId") !== -1);
            await queryRunner.dropForeignKey("comments", fk!);
        }
        public async down(queryRunner: QueryRunner): Promise<void> {
            await queryRunner.dropTable("comments");
        }
    }
"""


def test_migrations_sql_and_query_runner_calls(tmp_path: Path) -> None:
    files = {
        **PKG,
        "src/migrations/1700000000001-Comments.ts": MIGRATION_2,
        "src/migrations/1700000000000-Init.ts": MIGRATION_1,
    }
    inv = ingest_js(write(tmp_path, files))
    m1, m2 = "src/migrations/1700000000000-Init.ts", "src/migrations/1700000000001-Comments.ts"
    assert [m.path for m in inv.migrations] == [m1, m2]
    assert fks(inv) == {
        (
            "FK_posts_user",
            "public.posts",
            ("userId",),
            "public.users",
            ("id",),
            "CASCADE",
            "NO ACTION",
            f"{m1}:11",
            "dropped",
        ),
        (
            _fk("comments", "postId"),
            "public.comments",
            ("postId",),
            "public.posts",
            ("id",),
            "SET NULL",
            "NO ACTION",
            f"{m2}:14",
            "present",
        ),
        (
            "FK_comment_author",
            "public.comments",
            ("authorId",),
            "public.users",
            ("id",),
            "NO ACTION",
            "NO ACTION",
            f"{m2}:26",
            "present",
        ),
        (
            _fk("posts", "userId"),
            "public.posts",
            ("userId",),
            "public.users",
            ("id",),
            "RESTRICT",
            "NO ACTION",
            f"{m2}:29",
            "present",
        ),
    }
    unreadable = [(d.code, d.path, d.line) for d in inv.diagnostics]
    assert unreadable == [("orm-unreadable", m2, 36)]
    comments = next(t for t in inv.tables if t.ref.name == "comments")
    assert {c.name: c.nullable for c in comments.columns} == {"id": False, "postId": True, "authorId": False}
