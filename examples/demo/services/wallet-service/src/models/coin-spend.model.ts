import { DataTypes, Model } from 'sequelize';
import { sequelize } from '../config';

export class CoinSpend extends Model {
  declare id: number;
  declare grantId: number;
  declare memberId: string;
  declare coins: number;
  declare feature: string;
}

CoinSpend.init(
  {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
    grantId: {
      type: DataTypes.INTEGER,
      allowNull: false,
      references: { model: 'coin_grants', key: 'id' },
      onDelete: 'CASCADE',
    },
    memberId: { type: DataTypes.STRING(24), allowNull: false },
    coins: { type: DataTypes.INTEGER, allowNull: false },
    feature: { type: DataTypes.STRING(30), allowNull: false },
  },
  { sequelize, tableName: 'coin_spends', underscored: true, updatedAt: false },
);
