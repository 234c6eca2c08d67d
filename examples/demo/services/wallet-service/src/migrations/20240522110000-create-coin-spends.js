'use strict';

/** Boosts and super likes spend coins from the oldest grant first. */
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable('coin_spends', {
      id: { type: Sequelize.BIGINT, autoIncrement: true, primaryKey: true },
      grant_id: {
        type: Sequelize.INTEGER,
        allowNull: false,
        references: { model: 'coin_grants', key: 'id' },
        onDelete: 'CASCADE',
      },
      member_id: { type: Sequelize.STRING(24), allowNull: false },
      coins: { type: Sequelize.INTEGER, allowNull: false },
      feature: { type: Sequelize.STRING(30), allowNull: false },
      created_at: { type: Sequelize.DATE, allowNull: false },
    });
    await queryInterface.addIndex('coin_spends', ['member_id', 'created_at']);
  },

  async down(queryInterface) {
    await queryInterface.dropTable('coin_spends');
  },
};
