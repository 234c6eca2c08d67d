package com.kindred.accounting.ledger;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "credit_allocations")
public class CreditAllocation {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Integer id;

    @Column(name = "user_id", nullable = false)
    private String userId;

    @Column(name = "package_id")
    private Integer packageId;

    private int credits;

    private String reason = "purchase";

    @Column(name = "expires_at")
    private Instant expiresAt;

    protected CreditAllocation() {}

    public CreditAllocation(String userId, Integer packageId, int credits, String reason) {
        this.userId = userId;
        this.packageId = packageId;
        this.credits = credits;
        this.reason = reason;
    }
}
