package com.kindred.accounting.billing;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class PaymentWebhook {
    public record Paid(long invoiceId, String provider, String providerRef, int amountCents) {}

    private final JdbcTemplate jdbc;

    public PaymentWebhook(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @PostMapping("/webhooks/payments")
    public void paid(@RequestBody Paid paid) {
        jdbc.update(
            "INSERT INTO billing.payments (invoice_id, provider, provider_ref, amount_cents) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (provider, provider_ref) DO NOTHING",
            paid.invoiceId(), paid.provider(), paid.providerRef(), paid.amountCents());
        jdbc.update(
            "UPDATE billing.orders SET status = 'paid' WHERE id = (SELECT order_id FROM billing.invoices WHERE id = ?)",
            paid.invoiceId());
    }
}
