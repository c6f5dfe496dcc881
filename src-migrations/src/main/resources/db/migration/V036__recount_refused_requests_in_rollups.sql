-- A request that ended FAILED or CANCELLED with no tokens at all (refused by the host, or failed or abandoned before
-- anything was generated) keeps its usage_ledger row but is no request in the rollups (billing's CountedRequests).
-- Rollup rows written before that rule counted such rows as requests (with zero tokens and a zero amount), so
-- `ascendant billing reconcile` reported their buckets as different on databases upgraded from those versions.
--
-- This recomputes, from the ledger, the request count of every hourly and daily bucket that holds such a row: it
-- becomes the number of the bucket's ledger rows that count. Only `requests` changes; a bucket left with no counted
-- row and nothing else in it (all token counts and the amount zero) is removed, because the current writer never
-- creates one. Rows written under the new rule already have the right count and are set to the same value again,
-- so the result does not depend on which version wrote a bucket, and running this a second time changes nothing.
-- On an empty or fresh database there is nothing to recompute.
--
-- Cost: one sequential scan of usage_ledger to find the refused rows (status has no index), then an index lookup
-- ((tenant_id, billing_day)) per affected bucket. Ledger writers wait for it: the rollups are locked against
-- writes first, so a batch committing meanwhile cannot have its increment overwritten by a count taken before it
-- (a batch that waits adds its rows on top of the recomputed count once this commits).
LOCK TABLE usage_rollup_hour, usage_rollup_day IN SHARE ROW EXCLUSIVE MODE;

CREATE TEMPORARY TABLE recount_hour ON COMMIT DROP AS
SELECT a.*,
       (SELECT count(*)
          FROM usage_ledger l
         WHERE l.tenant_id = a.tenant_id
           -- billing_day is the local date of finished_at: within a day of its UTC date (offsets are under 24 h),
           -- which lets the lookup use the (tenant_id, billing_day) index
           AND l.billing_day BETWEEN (a.hour_start AT TIME ZONE 'UTC')::date - 1
                                 AND (a.hour_start AT TIME ZONE 'UTC')::date + 1
           AND l.finished_at >= a.hour_start
           AND l.finished_at < a.hour_start + interval '1 hour'
           AND l.project_id = a.project_id
           AND l.key_id = a.key_id
           AND l.model = a.model
           AND l.currency = a.currency
           AND coalesce(l.price_version_id, 0) = a.price_version_id
           AND l.price_window = a.price_window
           AND NOT (l.status IN ('FAILED', 'CANCELLED') AND l.cache_hit_tokens = 0
                    AND l.cache_miss_tokens = 0 AND l.output_tokens = 0)) AS counted
  FROM (SELECT DISTINCT tenant_id,
               date_trunc('hour', finished_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS hour_start,
               project_id, key_id, model, currency, coalesce(price_version_id, 0) AS price_version_id, price_window
          FROM usage_ledger
         WHERE status IN ('FAILED', 'CANCELLED')
           AND cache_hit_tokens = 0 AND cache_miss_tokens = 0 AND output_tokens = 0) a;

CREATE TEMPORARY TABLE recount_day ON COMMIT DROP AS
SELECT a.*,
       (SELECT count(*)
          FROM usage_ledger l
         WHERE l.tenant_id = a.tenant_id
           AND l.billing_day = a.day
           AND l.project_id = a.project_id
           AND l.key_id = a.key_id
           AND l.model = a.model
           AND l.currency = a.currency
           AND coalesce(l.price_version_id, 0) = a.price_version_id
           AND l.price_window = a.price_window
           AND NOT (l.status IN ('FAILED', 'CANCELLED') AND l.cache_hit_tokens = 0
                    AND l.cache_miss_tokens = 0 AND l.output_tokens = 0)) AS counted
  FROM (SELECT DISTINCT tenant_id, billing_day AS day, project_id, key_id, model, currency,
               coalesce(price_version_id, 0) AS price_version_id, price_window
          FROM usage_ledger
         WHERE status IN ('FAILED', 'CANCELLED')
           AND cache_hit_tokens = 0 AND cache_miss_tokens = 0 AND output_tokens = 0) a;

DELETE FROM usage_rollup_hour r
 USING recount_hour c
 WHERE r.tenant_id = c.tenant_id AND r.hour_start = c.hour_start AND r.project_id = c.project_id
   AND r.key_id = c.key_id AND r.model = c.model AND r.currency = c.currency
   AND r.price_version_id = c.price_version_id AND r.price_window = c.price_window
   AND c.counted = 0
   AND r.cache_hit_tokens = 0 AND r.cache_miss_tokens = 0 AND r.output_tokens = 0 AND r.reasoning_tokens = 0
   AND r.amount = 0;

UPDATE usage_rollup_hour r
   SET requests = c.counted
  FROM recount_hour c
 WHERE r.tenant_id = c.tenant_id AND r.hour_start = c.hour_start AND r.project_id = c.project_id
   AND r.key_id = c.key_id AND r.model = c.model AND r.currency = c.currency
   AND r.price_version_id = c.price_version_id AND r.price_window = c.price_window
   AND r.requests <> c.counted;

DELETE FROM usage_rollup_day r
 USING recount_day c
 WHERE r.tenant_id = c.tenant_id AND r.day = c.day AND r.project_id = c.project_id
   AND r.key_id = c.key_id AND r.model = c.model AND r.currency = c.currency
   AND r.price_version_id = c.price_version_id AND r.price_window = c.price_window
   AND c.counted = 0
   AND r.cache_hit_tokens = 0 AND r.cache_miss_tokens = 0 AND r.output_tokens = 0 AND r.reasoning_tokens = 0
   AND r.amount = 0;

UPDATE usage_rollup_day r
   SET requests = c.counted
  FROM recount_day c
 WHERE r.tenant_id = c.tenant_id AND r.day = c.day AND r.project_id = c.project_id
   AND r.key_id = c.key_id AND r.model = c.model AND r.currency = c.currency
   AND r.price_version_id = c.price_version_id AND r.price_window = c.price_window
   AND r.requests <> c.counted;
