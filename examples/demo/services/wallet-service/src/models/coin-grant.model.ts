import { DataTypes, Model } from 'sequelize';
import { sequelize } from '../config';
import { MemberAccount } from './member-account.model';

export class CoinGrant extends Model {
  declare id: number;
  declare memberId: string;
  declare coins: number;
  declare reason: string;
}

CoinGrant.init(
  {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    memberId: {
      type: DataTypes.STRING(24),
      allowNull: false,
      // the same key as accounting's credit_allocations_user_id_fkey
      references: {
        model: 'member_accounts',
        key: 'member_id',
      },
    },
    coins: { type: DataTypes.INTEGER, allowNull: false },
    reason: { type: DataTypes.STRING(30), allowNull: false, defaultValue: 'purchase' },
    expiresAt: { type: DataTypes.DATE },
  },
  { sequelize, tableName: 'coin_grants', underscored: true },
);

CoinGrant.belongsTo(MemberAccount, { foreignKey: 'memberId', targetKey: 'memberId' });
