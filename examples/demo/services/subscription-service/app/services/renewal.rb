# Called by the Stripe webhook controller on invoice.paid / invoice.payment_failed.
class Renewal
  def self.paid!(subscription, period_end)
    Subscription.transaction do
      subscription.update!(status: :active, current_period_end: period_end)
      SubscriptionEvent.create!(subscription: subscription, event_type: "renewed", occurred_at: Time.current)
    end
  end

  def self.failed!(subscription)
    subscription.update!(status: :past_due)
    SubscriptionEvent.create!(subscription: subscription, event_type: "payment_failed", occurred_at: Time.current)
  end
end
