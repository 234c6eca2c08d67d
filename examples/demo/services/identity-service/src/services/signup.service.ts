import bcrypt from 'bcryptjs';
import { Member } from '../models/member.model';
import { publish } from './events';

// Sign-up publishes member.registered; wallet-service creates the member's
// wallet account when it consumes it (eventually, which is the whole story).
export async function register(phone: string, displayName: string, password: string) {
  const passwordHash = await bcrypt.hash(password, 10);
  const member = await Member.create({ phone, displayName, passwordHash });
  await publish('member.registered', { memberId: member.id, phone });
  return member;
}

export async function login(phone: string, password: string) {
  const member = await Member.findOne({ phone, status: 'active' });
  if (!member || !member.passwordHash || !(await bcrypt.compare(password, member.passwordHash))) {
    return null;
  }
  await Member.updateOne({ _id: member._id }, { lastLoginAt: new Date() });
  return member;
}

export async function erase(memberId: string) {
  await Member.updateOne({ _id: memberId }, { status: 'deleted', phone: `deleted:${memberId}` });
  await publish('member.deleted', { memberId });
}
