import { DataTypes, Model } from 'sequelize';
import { sequelize } from '../config';

// The wallet's copy of identity-service's members (MongoDB ObjectId strings),
// created when member.registered is consumed -- or as a placeholder when a
// grant arrives first.
export class MemberAccount extends Model {
  declare memberId: string;
  declare balance: number;
  declare status: string;
}

MemberAccount.init(
  {
    memberId: { type: DataTypes.STRING(24), primaryKey: true, field: 'member_id' },
    balance: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    status: { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'active' },
  },
  { sequelize, tableName: 'member_accounts', underscored: true },
);
