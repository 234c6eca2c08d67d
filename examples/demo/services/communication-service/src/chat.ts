import { PrismaClient } from "@prisma/client";

const prisma = new PrismaClient();

// A conversation opens when queuing-service publishes `match.accepted`.
// Participant ids are user-service ids: checked through the User Service API, no FK.
export async function openConversation(matchId: string, user1: string, user2: string) {
  const [participant1Id, participant2Id] = [user1, user2].sort();
  return prisma.conversation.upsert({
    where: { matchId },
    create: { matchId, participant1Id, participant2Id },
    update: {},
  });
}

export async function send(conversationId: string, senderId: string, content: string) {
  return prisma.message.create({ data: { conversationId, senderId, content } });
}

export async function markRead(messageId: string, userId: string) {
  await prisma.messageRead.upsert({
    where: { messageId_userId: { messageId, userId } },
    create: { messageId, userId },
    update: { readAt: new Date() },
  });
}

export async function history(conversationId: string, take = 50) {
  return prisma.message.findMany({ where: { conversationId }, orderBy: { createdAt: "desc" }, take });
}
