class Entitlement < ApplicationRecord
  belongs_to :plan
end
