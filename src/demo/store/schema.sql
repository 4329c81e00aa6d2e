CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS customers (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL,
    -- lower-cased e-mail: sign-in and uniqueness ignore case
    email_norm    TEXT NOT NULL UNIQUE,
    -- argon2 PHC string; the password itself is never stored
    password_hash TEXT NOT NULL,
    first_name    TEXT NOT NULL,
    last_name     TEXT NOT NULL,
    phone         TEXT,
    company       TEXT,
    currency      TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);

-- A company's registration number and VAT id (the Shoptet emulator's billingAddress.companyId
-- and .vatId); a row only for a customer who has either. Added without a schema version bump:
-- IF NOT EXISTS gives older demo files the table too.
CREATE TABLE IF NOT EXISTS company_ids (
    customer_id INTEGER PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
    company_id  TEXT,
    vat_id      TEXT
);

CREATE TABLE IF NOT EXISTS addresses (
    id               INTEGER PRIMARY KEY,
    customer_id      INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    first_name       TEXT NOT NULL,
    last_name        TEXT NOT NULL,
    company          TEXT,
    line1            TEXT NOT NULL,
    line2            TEXT,
    city             TEXT NOT NULL,
    postcode         TEXT NOT NULL,
    region           TEXT,
    country          TEXT NOT NULL,
    phone            TEXT,
    default_shipping INTEGER NOT NULL DEFAULT 0,
    default_billing  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS addresses_by_customer ON addresses (customer_id, id);

-- Codes repeat across brands; (code, brand) is unique and its index serves lookups by code.
CREATE TABLE IF NOT EXISTS products (
    id           INTEGER PRIMARY KEY,
    brand        TEXT NOT NULL COLLATE NOCASE,
    code         TEXT NOT NULL COLLATE NOCASE,
    name         TEXT NOT NULL,
    stock        INTEGER NOT NULL CHECK (stock >= 0),
    discontinued INTEGER NOT NULL DEFAULT 0,
    UNIQUE (code, brand)
);

-- Amounts in the currency's minor unit (cents, öre; yen have none).
CREATE TABLE IF NOT EXISTS prices (
    product_id   INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    currency     TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
    PRIMARY KEY (product_id, currency)
) WITHOUT ROWID;

-- Prices include VAT: total_minor = items_minor - discounts_minor + shipping_minor, and
-- tax_minor is the VAT contained in it (shown, never added).
CREATE TABLE IF NOT EXISTS orders (
    id               INTEGER PRIMARY KEY,
    customer_id      INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    number           TEXT NOT NULL UNIQUE COLLATE NOCASE,
    placed_at        INTEGER NOT NULL,
    status           TEXT NOT NULL,
    status_label     TEXT NOT NULL,
    payment_status   TEXT NOT NULL,
    payment_label    TEXT NOT NULL,
    currency         TEXT NOT NULL,
    item_count       INTEGER NOT NULL,
    items_minor      INTEGER NOT NULL,
    discounts_minor  INTEGER NOT NULL,
    shipping_minor   INTEGER NOT NULL,
    tax_minor        INTEGER NOT NULL,
    total_minor      INTEGER NOT NULL,
    -- JSON snapshots of the addresses as they were when the order was placed
    billing_address  TEXT,
    shipping_address TEXT,
    note             TEXT,
    idempotency_key  TEXT,
    UNIQUE (customer_id, idempotency_key)
);
CREATE INDEX IF NOT EXISTS orders_by_customer ON orders (customer_id, placed_at DESC, id DESC);

-- Each customer's number of orders, kept by the triggers below, so a page of the unfiltered
-- history does not count them all again (COUNT(*) grows with the history; this does not).
CREATE TABLE IF NOT EXISTS order_counts (
    customer_id INTEGER PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
    orders      INTEGER NOT NULL CHECK (orders >= 0)
);
CREATE TRIGGER IF NOT EXISTS order_counted AFTER INSERT ON orders BEGIN
    INSERT INTO order_counts (customer_id, orders) VALUES (NEW.customer_id, 1)
        ON CONFLICT (customer_id) DO UPDATE SET orders = orders + 1;
END;
CREATE TRIGGER IF NOT EXISTS order_uncounted AFTER DELETE ON orders BEGIN
    UPDATE order_counts SET orders = orders - 1 WHERE customer_id = OLD.customer_id;
END;
CREATE TRIGGER IF NOT EXISTS order_moved AFTER UPDATE OF customer_id ON orders
    WHEN NEW.customer_id != OLD.customer_id BEGIN
    UPDATE order_counts SET orders = orders - 1 WHERE customer_id = OLD.customer_id;
    INSERT INTO order_counts (customer_id, orders) VALUES (NEW.customer_id, 1)
        ON CONFLICT (customer_id) DO UPDATE SET orders = orders + 1;
END;

CREATE TABLE IF NOT EXISTS order_lines (
    order_id    INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    code        TEXT NOT NULL,
    brand       TEXT NOT NULL,
    name        TEXT NOT NULL,
    quantity    INTEGER NOT NULL,
    unit_minor  INTEGER NOT NULL,
    total_minor INTEGER NOT NULL,
    PRIMARY KEY (order_id, position)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS shipments (
    id           INTEGER PRIMARY KEY,
    order_id     INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    public_id    TEXT NOT NULL UNIQUE,
    shipped_at   INTEGER,
    carrier      TEXT NOT NULL,
    service      TEXT,
    tracking_id  TEXT,
    tracking_url TEXT,
    state        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS shipments_by_order ON shipments (order_id, id);

CREATE TABLE IF NOT EXISTS shipment_lines (
    shipment_id INTEGER NOT NULL REFERENCES shipments(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    code        TEXT NOT NULL,
    quantity    INTEGER NOT NULL,
    PRIMARY KEY (shipment_id, position)
) WITHOUT ROWID;

-- Only the SHA-256 of a secret is kept; the secret is shown once when created.
CREATE TABLE IF NOT EXISTS api_credentials (
    id            INTEGER PRIMARY KEY,
    client_id     TEXT NOT NULL UNIQUE,
    customer_id   INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    label         TEXT NOT NULL,
    secret_sha256 BLOB NOT NULL,
    created_at    INTEGER NOT NULL,
    revoked_at    INTEGER
);
CREATE INDEX IF NOT EXISTS api_credentials_by_customer ON api_credentials (customer_id, id);

-- Only the SHA-256 of a reset key is kept; the key itself travels in the e-mail.
CREATE TABLE IF NOT EXISTS password_resets (
    key_sha256  BLOB PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS outbox (
    id        INTEGER PRIMARY KEY,
    recipient TEXT NOT NULL,
    subject   TEXT NOT NULL,
    body      TEXT NOT NULL,
    sent_at   INTEGER NOT NULL
);
