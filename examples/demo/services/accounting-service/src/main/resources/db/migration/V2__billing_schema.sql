-- V2__billing_schema.sql
-- Paid credit packs: orders, order items, invoices and payments live in their
-- own schema. Every row carries tenant_id (white-label partners), and child
-- rows reference their parent by (id, tenant_id) so a row can never point at
-- another tenant's order.

CREATE SCHEMA IF NOT EXISTS billing;

CREATE TABLE billing.orders (
    id BIGSERIAL PRIMARY KEY,
    tenant_id INTEGER NOT NULL,
    user_id VARCHAR(50) NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'paid', 'refunded', 'cancelled')),
    total_cents INTEGER NOT NULL DEFAULT 0,
    currency CHAR(3) NOT NULL DEFAULT 'EUR',
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    UNIQUE (id, tenant_id)
);

CREATE TABLE billing.order_items (
    id BIGSERIAL PRIMARY KEY,
    order_id BIGINT NOT NULL,
    tenant_id INTEGER NOT NULL,
    package_id INTEGER NOT NULL REFERENCES public.credit_packages (id),
    quantity INTEGER NOT NULL DEFAULT 1 CHECK (quantity > 0),
    unit_price_cents INTEGER NOT NULL,
    FOREIGN KEY (order_id, tenant_id) REFERENCES billing.orders (id, tenant_id) ON DELETE CASCADE
);

CREATE TABLE billing.invoices (
    id BIGSERIAL PRIMARY KEY,
    tenant_id INTEGER NOT NULL,
    order_id BIGINT,
    number VARCHAR(30) NOT NULL UNIQUE,
    total_cents INTEGER NOT NULL,
    issued_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    due_at TIMESTAMPTZ,
    -- keep the invoice (legal requirement) and its tenant when an order is purged
    CONSTRAINT invoices_order_fk FOREIGN KEY (order_id, tenant_id)
        REFERENCES billing.orders (id, tenant_id) ON DELETE SET NULL (order_id)
);

CREATE TABLE billing.payments (
    id BIGSERIAL PRIMARY KEY,
    invoice_id BIGINT NOT NULL REFERENCES billing.invoices (id) ON DELETE RESTRICT,
    provider VARCHAR(20) NOT NULL,
    provider_ref VARCHAR(100) NOT NULL,
    amount_cents INTEGER NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'succeeded',
    paid_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    UNIQUE (provider, provider_ref)
);
