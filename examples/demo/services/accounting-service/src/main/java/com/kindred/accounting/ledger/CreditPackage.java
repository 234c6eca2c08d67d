package com.kindred.accounting.ledger;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "credit_packages")
public class CreditPackage {
    @Id
    private Integer id;

    private String code;

    private int credits;

    @Column(name = "price_cents")
    private int priceCents;

    public Integer getId() {
        return id;
    }

    public int getCredits() {
        return credits;
    }
}
