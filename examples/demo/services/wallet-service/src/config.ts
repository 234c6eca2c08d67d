import { Sequelize } from 'sequelize';

export const sequelize = new Sequelize(process.env.DATABASE_URL ?? 'postgres://wallet@localhost:5432/wallet_db', {
  dialect: 'postgres',
  logging: false,
});
