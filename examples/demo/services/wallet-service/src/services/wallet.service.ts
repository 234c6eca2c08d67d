import { Op } from 'sequelize';
import { sequelize } from '../config';
import { CoinGrant } from '../models/coin-grant.model';
import { CoinSpend } from '../models/coin-spend.model';
import { MemberAccount } from '../models/member-account.model';

const SIGNUP_BONUS = 50;

// member.registered may arrive after the first grant: without the placeholder
// the insert into coin_grants violates coin_grants_member_id_fkey.
export async function grant(memberId: string, coins: number, reason = 'purchase') {
  return sequelize.transaction(async (transaction) => {
    await MemberAccount.findOrCreate({ where: { memberId }, defaults: { memberId, status: 'placeholder' }, transaction });
    const created = await CoinGrant.create({ memberId, coins, reason }, { transaction });
    await MemberAccount.increment('balance', { by: coins, where: { memberId }, transaction });
    return created;
  });
}

export async function onMemberRegistered(memberId: string) {
  await MemberAccount.upsert({ memberId, status: 'active' });
  await grant(memberId, SIGNUP_BONUS, 'signup_bonus');
}

export async function spend(memberId: string, coins: number, feature: 'boost' | 'super_like') {
  return sequelize.transaction(async (transaction) => {
    const grants = await CoinGrant.findAll({
      where: { memberId, expiresAt: { [Op.or]: [null, { [Op.gt]: new Date() }] } },
      order: [['createdAt', 'ASC']],
      transaction,
    });
    if (!grants.length) throw new Error('no coins');
    await CoinSpend.create({ grantId: grants[0].id, memberId, coins, feature }, { transaction });
    await MemberAccount.decrement('balance', { by: coins, where: { memberId }, transaction });
  });
}
