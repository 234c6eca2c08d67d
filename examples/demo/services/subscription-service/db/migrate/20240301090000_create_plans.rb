class CreatePlans < ActiveRecord::Migration[7.1]
  def change
    create_table :plans do |t|
      t.string :code, null: false, index: { unique: true }
      t.string :name, null: false
      t.integer :price_cents, null: false
      t.string :currency, null: false, default: "EUR"
      t.string :interval, null: false, default: "month"
      t.boolean :active, null: false, default: true
      t.timestamps
    end

    create_table :entitlements do |t|
      t.references :plan, null: false, foreign_key: { on_delete: :cascade }
      t.string :feature, null: false
      t.integer :quota
      t.timestamps
    end
  end
end
