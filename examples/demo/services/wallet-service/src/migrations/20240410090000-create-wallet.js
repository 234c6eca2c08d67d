'use strict';

/** The wallet: a copy of each member and the coins granted to them. */
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable('member_accounts', {
      member_id: { type: Sequelize.STRING(24), primaryKey: true },
      balance: { type: Sequelize.INTEGER, allowNull: false, defaultValue: 0 },
      status: { type: Sequelize.STRING(20), allowNull: false, defaultValue: 'active' },
      created_at: { type: Sequelize.DATE, allowNull: false },
      updated_at: { type: Sequelize.DATE, allowNull: false },
    });
    await queryInterface.createTable('coin_grants', {
      id: { type: Sequelize.INTEGER, autoIncrement: true, primaryKey: true },
      member_id: {
        type: Sequelize.STRING(24),
        allowNull: false,
        references: { model: 'member_accounts', key: 'member_id' },
      },
      coins: { type: Sequelize.INTEGER, allowNull: false },
      reason: { type: Sequelize.STRING(30), allowNull: false, defaultValue: 'purchase' },
      expires_at: { type: Sequelize.DATE },
      created_at: { type: Sequelize.DATE, allowNull: false },
      updated_at: { type: Sequelize.DATE, allowNull: false },
    });
  },

  async down(queryInterface) {
    await queryInterface.dropTable('coin_grants');
    await queryInterface.dropTable('member_accounts');
  },
};
