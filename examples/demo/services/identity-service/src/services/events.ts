import { Kafka } from 'kafkajs';

const producer = new Kafka({ brokers: (process.env.KAFKA_BROKERS ?? 'kafka:9092').split(',') }).producer();

export async function publish(topic: string, payload: Record<string, unknown>) {
  await producer.connect();
  await producer.send({ topic, messages: [{ key: String(payload.memberId), value: JSON.stringify(payload) }] });
}
