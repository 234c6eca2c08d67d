import { Pool } from "pg";

// The follow graph is queried with plain SQL: it is the hottest path of the feed.
export class FollowStore {
  constructor(private readonly pool: Pool) {}

  async follow(followerId: string, followeeId: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO follows (follower_id, followee_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [followerId, followeeId],
    );
  }

  async unfollow(followerId: string, followeeId: string): Promise<void> {
    await this.pool.query(`DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2`, [
      followerId,
      followeeId,
    ]);
  }

  async followees(userId: string): Promise<string[]> {
    const { rows } = await this.pool.query(`SELECT followee_id FROM follows WHERE follower_id = $1`, [userId]);
    return rows.map((r) => r.followee_id);
  }
}
