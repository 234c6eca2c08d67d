import { Gender, Platform, PrismaClient } from "@prisma/client";
import bcrypt from "bcryptjs";

const prisma = new PrismaClient();

export async function register(email: string, password: string) {
  const passwordHash = await bcrypt.hash(password, 12);
  return prisma.user.create({ data: { email, passwordHash } });
}

// Optimistic locking: the update only applies to the version the client read.
export async function updateProfile(
  userId: string,
  version: number,
  profile: { displayName: string; birthDate: Date; gender: Gender; bio?: string; interests: string[] },
) {
  return prisma.$transaction(async (tx) => {
    const bumped = await tx.user.updateMany({ where: { id: userId, version }, data: { version: { increment: 1 } } });
    if (bumped.count === 0) throw new Error("stale profile version");
    return tx.profile.upsert({
      where: { userId },
      create: { userId, languages: [], ...profile },
      update: profile,
    });
  });
}

export async function addPhoto(userId: string, storageKey: string, position: number) {
  return prisma.photo.create({ data: { userId, storageKey, position } });
}

export async function registerDevice(userId: string, token: string, platform: Platform) {
  return prisma.deviceToken.upsert({
    where: { token },
    create: { userId, token, platform },
    update: { userId, lastUsedAt: new Date() },
  });
}

export async function setPreferences(userId: string, minAge: number, maxAge: number, maxDistance: number) {
  return prisma.userPreference.upsert({
    where: { userId },
    create: { userId, minAge, maxAge, maxDistance },
    update: { minAge, maxAge, maxDistance },
  });
}
