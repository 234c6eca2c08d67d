import { Pool } from "pg";

export type ReportReason = "spam" | "harassment" | "nudity" | "violence" | "ip" | "other";

export async function reportPost(pool: Pool, reporterId: string, postId: string, reason: ReportReason) {
  await pool.query(`INSERT INTO content_reports (reporter_id, post_id, reason) VALUES ($1, $2, $3)`, [
    reporterId,
    postId,
    reason,
  ]);
}

export async function votePoll(pool: Pool, optionId: string, userId: string) {
  await pool.query(`INSERT INTO post_poll_votes (option_id, user_id) VALUES ($1, $2)`, [optionId, userId]);
}

export async function createPoll(pool: Pool, postId: string, question: string, labels: string[]) {
  const { rows } = await pool.query(
    `INSERT INTO post_polls (post_id, question) VALUES ($1, $2) RETURNING id`,
    [postId, question],
  );
  for (const [position, label] of labels.entries()) {
    await pool.query(`INSERT INTO post_poll_options (poll_id, label, position) VALUES ($1, $2, $3)`, [
      rows[0].id,
      label,
      position,
    ]);
  }
}
