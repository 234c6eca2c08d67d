import "reflect-metadata";
import express from "express";
import { Pool } from "pg";
import { DataSource } from "typeorm";
import { Bookmark, BookmarkCollection } from "./entities/Bookmark";
import { Comment, CommentMention, Like } from "./entities/Comment";
import { Post, PostMedia, PostShare } from "./entities/Post";
import { homeFeed } from "./feed";

const pool = new Pool({ connectionString: process.env.DATABASE_URL });
export const dataSource = new DataSource({
  type: "postgres",
  url: process.env.DATABASE_URL,
  entities: [Post, PostMedia, PostShare, Comment, CommentMention, Like, Bookmark, BookmarkCollection],
});

const app = express();
app.get("/feed", async (req, res) => {
  res.json(await homeFeed(pool, String(req.header("x-user-id")), new Date()));
});
app.post("/posts/:id/bookmark", async (req, res) => {
  await dataSource.getRepository(Bookmark).save({ userId: String(req.header("x-user-id")), postId: req.params.id });
  res.sendStatus(204);
});

dataSource.initialize().then(() => app.listen(3000));
