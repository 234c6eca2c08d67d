class SubscriptionEvent < ApplicationRecord
  belongs_to :subscription
end
