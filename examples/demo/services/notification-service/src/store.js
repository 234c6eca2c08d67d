"use strict";

const { Pool } = require("pg");

const pool = new Pool({ connectionString: process.env.DATABASE_URL });

async function preferences(userId) {
  const { rows } = await pool.query(
    "SELECT push_enabled, email_enabled, quiet_hours_start, quiet_hours_end, muted_types " +
      "FROM notification_preferences WHERE user_id = $1",
    [userId],
  );
  return rows[0] || { push_enabled: true, email_enabled: true, muted_types: [] };
}

async function savePreferences(userId, prefs) {
  await pool.query(
    `INSERT INTO notification_preferences (user_id, push_enabled, email_enabled, muted_types)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (user_id) DO UPDATE
        SET push_enabled = EXCLUDED.push_enabled,
            email_enabled = EXCLUDED.email_enabled,
            muted_types = EXCLUDED.muted_types`,
    [userId, prefs.pushEnabled, prefs.emailEnabled, prefs.mutedTypes],
  );
}

async function createNotification(n) {
  await pool.query(
    `INSERT INTO notifications (id, user_id, type, title, body, data) VALUES ($1, $2, $3, $4, $5, $6)`,
    [n.id, n.userId, n.type, n.title, n.body, n.data],
  );
}

async function recordDelivery(notificationId, deviceToken, platform, status, providerMessageId) {
  await pool.query(
    `INSERT INTO push_deliveries (notification_id, device_token, platform, status, provider_message_id, attempted_at)
     VALUES ($1, $2, $3, $4, $5, now())`,
    [notificationId, deviceToken, platform, status, providerMessageId],
  );
}

module.exports = { preferences, savePreferences, createNotification, recordDelivery };
