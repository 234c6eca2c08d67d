class Plan < ApplicationRecord
  has_many :entitlements, dependent: :destroy
  has_many :subscriptions

  scope :active, -> { where(active: true) }
end
