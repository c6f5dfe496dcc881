-- A stored route may use a static pool (gateway.catalogue.pools.*, from configuration), which has no model_pool row,
-- so model_route.pool_name can no longer reference model_pool. The catalogue admin service checks instead, under the
-- catalogue write lock (catalogue_revision row): a route's pool must be a static or a stored pool, and a stored pool
-- cannot be deleted while a stored route uses it.
alter table model_route drop constraint model_route_pool_name_fkey;
