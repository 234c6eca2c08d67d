"""TypeScript/JavaScript: template strings, Prisma, Sequelize, TypeORM, Mongoose, MongoDB driver."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ownership.code.javascript import read_js

Uses = Callable[[dict[str, str | bytes]], set[tuple[str, str, str]]]

TEMPLATES = """
const a = `SELECT * FROM ${schema}.accounts WHERE id = ${id}`;
const b = sql`
  UPDATE accounts
  SET balance = balance - ${amount}
  WHERE id = ${id}`;
const c = "DELETE FROM carts " + "WHERE user_id = $1";
const d = 'INSERT INTO audit (m) VALUES (\\'x\\')';
const e = `SELECT * FROM ${table}`;
const f = "Select your plan";
const g = "SELECT a " + columns + " FROM orders";
"""


@pytest.mark.parametrize("lang", ["javascript", "typescript", "tsx"])
def test_template_strings_and_concatenation(lang: str) -> None:
    facts = read_js(TEMPLATES.encode(), f"src/q.{lang}", lang)
    assert sorted((f.table, f.access, f.line) for f in facts.found) == [
        ("accounts", "read", 2),
        ("accounts", "write", 3),
        ("audit", "write", 8),
        ("carts", "write", 7),
        ("orders", "read", 11),
    ]
    assert facts.diagnostics == []


PRISMA_SCHEMA = """
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}
model User {
  id    Int    @id
  posts Post[]
  @@map("users")
}
model Post {
  id       Int  @id
  authorId Int
  author   User @relation(fields: [authorId], references: [id])
}
model OrderItem {
  id Int @id
  @@map("order_items")
  @@schema("shop")
}
"""
PRISMA_CLIENT = """
import { PrismaClient } from "@prisma/client";
const prisma = new PrismaClient();
export async function f(tx: Prisma.TransactionClient) {
  await prisma.user.findMany({ where: {} });
  await this.prisma.post.create({ data: {} });
  await tx.orderItem.deleteMany({});
  await prisma.ghost.create({});
  const x = Object.create(null);
}
"""


def test_prisma_models_and_client_calls(uses_of: Uses) -> None:
    files: dict[str, str | bytes] = {
        "db/package.json": "{}",
        "db/prisma/schema.prisma": PRISMA_SCHEMA,
        "api/package.json": "{}",
        "api/src/service.ts": PRISMA_CLIENT,
    }
    assert uses_of(files) == {
        ("users", "write", "prisma"),
        ("post", "write", "prisma"),
        ("shop.order_items", "write", "prisma"),
        ("users", "read", "prisma"),
    }


def test_prisma_uses_belong_to_the_calling_unit(scan_files: Callable[..., object]) -> None:
    scan = scan_files(
        {
            "db/package.json": "{}",
            "db/prisma/schema.prisma": PRISMA_SCHEMA,
            "api/package.json": "{}",
            "api/src/service.ts": PRISMA_CLIENT,
        }
    )
    calls = {(u.unit, u.table, u.access, u.line) for u in scan.uses if u.path.endswith(".ts")}  # type: ignore[attr-defined]
    assert calls == {
        ("api", "users", "read", 5),
        ("api", "post", "write", 6),
        ("api", "shop.order_items", "write", 7),
    }


SEQUELIZE = """
const { DataTypes, Model } = require("sequelize");
const User = sequelize.define("user", { name: DataTypes.STRING });
const Tag = db.define("Tag", { name: DataTypes.STRING }, { freezeTableName: true });
const Payment = sequelize.define("payment", {}, { tableName: "payments_v2", schema: "billing" });
class Project extends Model {}
Project.init({ title: DataTypes.STRING }, { sequelize, modelName: "project" });
class Invoice extends Model {}
Invoice.init({}, { sequelize, tableName: "invoices" });
customElements.define("my-el", MyElement);
define("amd-module", ["dep"], function () {});
async function f() {
  await User.create({ name: "x" });
  await Project.findAll();
  await Invoice.destroy({ where: {} });
  await Payment.bulkCreate([]);
}
"""


def test_sequelize(uses_of: Uses) -> None:
    assert uses_of({"models.js": SEQUELIZE}) == {
        ("users", "write", "sequelize"),
        ("tag", "write", "sequelize"),
        ("billing.payments_v2", "write", "sequelize"),
        ("projects", "write", "sequelize"),
        ("projects", "read", "sequelize"),
        ("invoices", "write", "sequelize"),
    }


TYPEORM_ENTITIES = """
import { Entity, Column } from "typeorm";
@Entity("accounts")
export class Account { @Column() id: number; }
@Entity({ name: "ledger_entries", schema: "finance" })
export class LedgerEntry {}
@Entity()
export class UserProfile {}
@Table({ tableName: "legacy_things" })
export class Thing extends Model {}
@Schema({ collection: "activity" })
export class Activity {}
@Schema()
export class Category {}
@Component({ selector: "x" })
export class NotAnEntity {}
"""
TYPEORM_USES = """
import { Repository, getRepository } from "typeorm";
@Injectable()
export class AccountsService {
  constructor(
    @InjectRepository(Account) private readonly accounts: Repository<Account>,
    @InjectModel(Activity.name) private activityModel: Model<ActivityDocument>,
    private dataSource: DataSource,
  ) {}
  private profiles: Repository<UserProfile>;
  async f() {
    await this.accounts.save(a);
    await this.activityModel.find({});
    await this.profiles.findOneBy({ id: 1 });
    await getRepository(LedgerEntry).insert({});
    await this.dataSource.manager.delete(Thing, { id: 1 });
    const categories = this.dataSource.getRepository(Category);
    await categories.update(1, {});
    await this.cache.save(x);
  }
}
"""


def test_typeorm_and_friends(uses_of: Uses) -> None:
    assert uses_of({"src/entities.ts": TYPEORM_ENTITIES, "src/service.ts": TYPEORM_USES}) == {
        ("accounts", "write", "typeorm"),
        ("finance.ledger_entries", "write", "typeorm"),
        ("user_profile", "write", "typeorm"),
        ("user_profile", "read", "typeorm"),
        ("legacy_things", "write", "sequelize"),
        ("activity", "write", "mongoose"),
        ("activity", "read", "mongoose"),
        ("categories", "write", "mongoose"),
    }


MONGOOSE = """
const mongoose = require("mongoose");
const userSchema = new mongoose.Schema({ name: String });
const User = mongoose.model("User", userSchema);
const Person = model("Person", personSchema, "humans");
const Story = connection.model("Story", storySchema);
const Lookup = mongoose.model("Lookup");
async function f(db) {
  await User.findOneAndUpdate({}, {});
  await Person.find({});
  await db.collection("events").insertMany([]);
  const logs = db.collection("logs");
  await logs.countDocuments({});
  await db.collection("nope").pipe();
}
"""


def test_mongoose_and_the_mongodb_driver(uses_of: Uses) -> None:
    assert uses_of({"app.mjs": MONGOOSE}) == {
        ("users", "write", "mongoose"),
        ("humans", "write", "mongoose"),
        ("humans", "read", "mongoose"),
        ("stories", "write", "mongoose"),
        ("events", "write", "mongodb"),
        ("logs", "read", "mongodb"),
    }


def test_jsx_and_tsx_parse_cleanly() -> None:
    jsx = b'export const A = () => <div title="select">{rows.map(r => <Row key={r.id} />)}</div>;'
    assert read_js(jsx, "a.jsx", "javascript").diagnostics == []
    assert read_js(jsx, "a.tsx", "tsx").diagnostics == []
    facts = read_js(b"const x = ;", "bad.ts", "typescript")
    assert [(d.code, d.path, d.line) for d in facts.diagnostics] == [("parse-error", "bad.ts", 1)]
