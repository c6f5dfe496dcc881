-- API-key scopes: which tenant endpoints a key may call. 'inference' = the model endpoints (/v1/chat/completions,
-- /v1/completions, /v1/messages[/count_tokens], /v1/models[/{id}]); 'billing:read' = the tenant billing API
-- (/v1/usage, /v1/invoices[/{id}[/pdf|/csv]]). Before this column every key could call both, so every existing key
-- keeps both. The default stays both as well: a row inserted without scopes (a gateway of the previous version during
-- a rolling upgrade, manual SQL written for it) keeps the behaviour it was written for. The application names the
-- scopes of every key it issues (a new key: 'inference' only unless its creator asks for more; a rotated key: its
-- predecessor's).
alter table api_key add column scopes varchar(32)[] not null default '{inference,billing:read}';
alter table api_key add constraint api_key_scopes_ck check (
    cardinality(scopes) > 0 and scopes <@ array['inference', 'billing:read']::varchar(32)[]);

-- A change of scopes must reach every replica's key cache like any other auth-relevant change.
drop trigger api_key_auth_notify on api_key;
create trigger api_key_auth_notify
    after insert or delete or update of status, expires_at, allowed_models, secret_hash, project_id, tenant_id, scopes
    on api_key for each row execute function tenancy_notify_api_key();
