class CreateSubscriptionEvents < ActiveRecord::Migration[7.1]
  def change
    create_table :subscription_events do |t|
      t.references :subscription, null: false, foreign_key: { on_delete: :cascade }
      t.string :event_type, null: false
      t.jsonb :payload, null: false, default: {}
      t.datetime :occurred_at, null: false
    end
  end
end
