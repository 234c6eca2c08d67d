import { Pool } from "pg";

export interface FeedItem {
  id: string;
  caption: string | null;
  createdAt: Date;
  authorUsername: string;
  authorAvatarUrl: string | null;
}

const PAGE = 30;

// The home feed still joins auth's users table for the author's name and
// avatar: content-service reads another service's table (P0 consolidation,
// phase 4: replace with a cached profile from user events).
export async function homeFeed(pool: Pool, userId: string, before: Date): Promise<FeedItem[]> {
  const { rows } = await pool.query(
    `SELECT p.id, p.caption, p.created_at, u.username, u.avatar_url
       FROM posts p
       JOIN follows f ON f.followee_id = p.user_id
       JOIN users u ON u.id = p.user_id
      WHERE f.follower_id = $1
        AND p.created_at < $2
        AND p.deleted_at IS NULL
        AND u.deleted_at IS NULL
      ORDER BY p.created_at DESC
      LIMIT ${PAGE}`,
    [userId, before],
  );
  return rows.map((r) => ({
    id: r.id,
    caption: r.caption,
    createdAt: r.created_at,
    authorUsername: r.username,
    authorAvatarUrl: r.avatar_url,
  }));
}

export async function trendingHashtags(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query(`SELECT tag FROM hashtags ORDER BY post_count DESC LIMIT 20`);
  return rows.map((r) => r.tag);
}

export async function tagPost(pool: Pool, postId: string, tags: string[]): Promise<void> {
  for (const tag of tags) {
    const { rows } = await pool.query(
      `INSERT INTO hashtags (tag, post_count) VALUES ($1, 1)
       ON CONFLICT (tag) DO UPDATE SET post_count = hashtags.post_count + 1
       RETURNING id`,
      [tag.toLowerCase()],
    );
    await pool.query(`INSERT INTO post_hashtags (post_id, hashtag_id) VALUES ($1, $2)`, [postId, rows[0].id]);
  }
}
