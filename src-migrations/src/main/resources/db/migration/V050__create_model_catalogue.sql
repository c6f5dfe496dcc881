-- Model catalogue of the gateway data path: public model names (and aliases) -> price tier -> pool of model-host
-- endpoints, each endpoint marked CPU or ASCEND. Rows here are managed through the admin API; the gateway also
-- merges static routes and pools from its configuration. Every change bumps catalogue_revision in the same
-- transaction so that each replica notices it within gateway.catalogue.refresh-interval.

create table model_pool (
    name        text primary key check (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
    accelerator text not null check (accelerator in ('CPU', 'ASCEND')),
    -- host:port of a DNS name (e.g. a Kubernetes headless service) whose A/AAAA records are the pool's pods
    dns_name    text,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);

create table model_route (
    public_name       text primary key check (public_name ~ '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$'),
    pool_name         text not null references model_pool (name),
    price_tier        text not null,
    upstream_model    text not null,
    max_output_tokens bigint not null check (max_output_tokens > 0),
    context_length    bigint not null check (context_length > 0),
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now()
);

create table model_alias (
    alias       text primary key check (alias ~ '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$'),
    public_name text not null references model_route (public_name) on delete cascade
);

create index model_alias_public_name_idx on model_alias (public_name);

-- Endpoints registered through the admin API (static and DNS-discovered endpoints are not stored).
create table pool_endpoint (
    id            uuid primary key,
    pool_name     text not null references model_pool (name) on delete cascade,
    base_url      text not null check (base_url ~ '^https?://'),
    accelerator   text not null check (accelerator in ('CPU', 'ASCEND')),
    draining      boolean not null default false,
    registered_at timestamptz not null default now(),
    unique (pool_name, base_url)
);

create table catalogue_revision (
    id       smallint primary key check (id = 1),
    revision bigint not null
);

insert into catalogue_revision (id, revision) values (1, 0);
