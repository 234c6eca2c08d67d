# user_id is a user-service id (cuid): reference by id only, no cross-database FK.
class Subscription < ApplicationRecord
  belongs_to :plan
  has_many :subscription_events, dependent: :delete_all

  enum :status, { trialing: "trialing", active: "active", past_due: "past_due", canceled: "canceled" }
end
