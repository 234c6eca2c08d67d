package com.kindred.accounting.ledger;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

@Service
public class CreditService {
    private final CreditAllocationRepository allocations;
    private final JdbcTemplate jdbc;

    public CreditService(CreditAllocationRepository allocations, JdbcTemplate jdbc) {
        this.allocations = allocations;
        this.jdbc = jdbc;
    }

    /**
     * Users reach accounting through auth's webhook, possibly after their first
     * purchase: create a placeholder account first (V3 dropped the FK that
     * rejected these allocations).
     */
    @Transactional
    public void allocate(String userId, CreditPackage pack, String reason) {
        jdbc.update(
            "INSERT INTO user_accounts (user_id, status) VALUES (?, 'placeholder') ON CONFLICT (user_id) DO NOTHING",
            userId);
        allocations.save(new CreditAllocation(userId, pack.getId(), pack.getCredits(), reason));
    }

    @Transactional
    public void spend(int allocationId, String userId, int credits, String feature) {
        jdbc.update(
            "INSERT INTO credit_usages (allocation_id, user_id, credits_used, feature) VALUES (?, ?, ?, ?)",
            allocationId, userId, credits, feature);
    }

    public void meter(String userId, String eventType, int quantity) {
        jdbc.update(
            "INSERT INTO usage_events (user_id, event_type, quantity) VALUES (?, ?, ?)",
            userId, eventType, quantity);
    }
}
