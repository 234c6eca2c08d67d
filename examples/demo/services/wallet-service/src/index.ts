import express from 'express';
import { Kafka } from 'kafkajs';
import { sequelize } from './config';
import { grant, onMemberRegistered, spend } from './services/wallet.service';

const app = express();
app.use(express.json());
app.post('/members/:id/grants', async (req, res) => res.status(201).json(await grant(req.params.id, req.body.coins)));
app.post('/members/:id/spends', async (req, res) => {
  await spend(req.params.id, req.body.coins, req.body.feature);
  res.status(204).end();
});

async function main() {
  await sequelize.authenticate();
  const consumer = new Kafka({ brokers: (process.env.KAFKA_BROKERS ?? 'kafka:9092').split(',') }).consumer({ groupId: 'wallet' });
  await consumer.subscribe({ topic: 'member.registered' });
  await consumer.run({ eachMessage: async ({ message }) => onMemberRegistered(JSON.parse(String(message.value)).memberId) });
  app.listen(3012);
}

main();
