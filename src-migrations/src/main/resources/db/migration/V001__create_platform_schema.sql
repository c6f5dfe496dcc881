-- Foundation schema: one row that identifies this installation, and a small key/value table for
-- platform-wide settings that must survive restarts (for example the first-admin bootstrap marker).

CREATE TABLE platform_instance (
    id          smallint    PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    instance_id uuid        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE platform_instance IS 'Exactly one row: the identity of this Ascendant installation.';

INSERT INTO platform_instance (id, instance_id) VALUES (1, gen_random_uuid());

CREATE TABLE platform_setting (
    name       text        PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_.-]{0,127}$'),
    value      text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE platform_setting IS 'Platform-wide settings owned by the foundation, one value per name.';
