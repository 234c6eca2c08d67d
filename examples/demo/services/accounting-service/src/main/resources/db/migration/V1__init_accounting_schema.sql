-- V1__init_accounting_schema.sql
-- Credits ledger for accounting-service (accounting_db).
--
-- user_accounts is a local copy of the auth-service user (auth keeps its
-- users in MongoDB, hence the 24-char ObjectId strings). Rows are created by
-- the "user registered" webhook, which is exactly what failed in the
-- Auth-Accounting workflow test: the webhook was late and the insert into
-- credit_allocations violated credit_allocations_user_id_fkey.

CREATE TABLE user_accounts (
    user_id VARCHAR(50) PRIMARY KEY,
    email VARCHAR(255),
    status VARCHAR(20) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'placeholder')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TABLE credit_packages (
    id SERIAL PRIMARY KEY,
    code VARCHAR(30) NOT NULL UNIQUE,
    credits INTEGER NOT NULL CHECK (credits > 0),
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
    currency CHAR(3) NOT NULL DEFAULT 'EUR',
    active BOOLEAN NOT NULL DEFAULT TRUE
);

INSERT INTO credit_packages (code, credits, price_cents) VALUES
    ('signup_bonus', 100, 0),
    ('starter', 500, 499),
    ('pro', 2500, 1999);

CREATE TABLE credit_allocations (
    id SERIAL PRIMARY KEY,
    user_id VARCHAR(50) NOT NULL REFERENCES user_accounts (user_id),
    package_id INTEGER REFERENCES credit_packages (id) ON DELETE RESTRICT,
    credits INTEGER NOT NULL CHECK (credits > 0),
    reason VARCHAR(50) NOT NULL DEFAULT 'purchase',
    expires_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_credit_allocations_user ON credit_allocations (user_id);

CREATE TABLE credit_usages (
    id BIGSERIAL PRIMARY KEY,
    allocation_id INTEGER NOT NULL REFERENCES credit_allocations (id) ON DELETE CASCADE,
    user_id VARCHAR(50) NOT NULL,
    credits_used INTEGER NOT NULL CHECK (credits_used > 0),
    feature VARCHAR(50) NOT NULL,
    used_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT fk_credit_usages_user_account FOREIGN KEY (user_id) REFERENCES user_accounts (user_id) ON DELETE CASCADE
);
