-- The client's x-request-id of a usage row: a correlation id the tenant chose, stored so an operator can find the
-- tenant's request by the id the tenant knows. It is NOT unique and never a key: clients reuse ids (retries, fixed
-- ids in scripts, two tenants with the same id), and every such request is a request of its own, charged on its own.
-- request_id stays the ledger's key, and it is the gateway's own generated id (req_<24 hex>) for every request.
--
-- NULL when the client sent no (acceptable) x-request-id, and in rows written before this column existed (then
-- request_id may itself be the client's id, which the gateway used as the key until now). The ledger is append-only,
-- so old rows are not filled in; adding a nullable column without a default only changes the catalogue.
ALTER TABLE usage_ledger ADD COLUMN client_request_id varchar(128) NULL;

-- No index of its own: a look-up names the tenant, so usage_ledger_tenant_day narrows it to the tenant's rows, and a
-- plain CREATE INDEX would block the ledger's inserts while it is built on a large table.
