class CreateSubscriptions < ActiveRecord::Migration[7.1]
  def change
    create_enum :subscription_status, %w[trialing active past_due canceled]

    create_table :subscriptions do |t|
      # user-service id (cuid); reference by id only, no cross-database FK
      t.string :user_id, null: false, index: true
      t.references :plan, null: false, foreign_key: true
      t.enum :status, enum_type: :subscription_status, null: false, default: "trialing"
      t.string :provider_subscription_id
      t.datetime :current_period_end
      t.datetime :canceled_at
      t.timestamps
    end
  end
end
