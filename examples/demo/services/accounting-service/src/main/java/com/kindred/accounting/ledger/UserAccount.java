package com.kindred.accounting.ledger;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * Local copy of the auth-service user (auth's ids are 24-char ObjectId strings).
 * Filled by the "user registered" webhook, or as a placeholder by
 * {@link CreditService#allocate} when the webhook is late.
 */
@Entity
@Table(name = "user_accounts")
public class UserAccount {
    @Id
    @Column(name = "user_id", length = 50)
    private String userId;

    private String email;

    private String status = "active";

    @Column(name = "created_at")
    private Instant createdAt = Instant.now();

    protected UserAccount() {}

    public UserAccount(String userId, String email) {
        this.userId = userId;
        this.email = email;
    }

    public String getUserId() {
        return userId;
    }
}
