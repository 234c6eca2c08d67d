package com.kindred.accounting.ledger;

import org.springframework.data.jpa.repository.JpaRepository;

public interface CreditAllocationRepository extends JpaRepository<CreditAllocation, Integer> {}
