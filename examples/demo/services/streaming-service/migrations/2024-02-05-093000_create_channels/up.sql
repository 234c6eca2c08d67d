-- streaming_db is owned by streaming-service alone. Users are referenced by
-- id only (validated through auth_client.user_exists before insert); there is
-- deliberately no foreign key to another service's table.
CREATE TABLE channels (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_user_id UUID NOT NULL UNIQUE,
    slug VARCHAR(40) NOT NULL UNIQUE,
    title VARCHAR(140) NOT NULL DEFAULT '',
    is_mature BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP NOT NULL DEFAULT NOW()
);

SELECT diesel_manage_updated_at('channels');
