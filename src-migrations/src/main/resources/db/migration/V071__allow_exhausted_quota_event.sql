-- A hard budget that refused a request (429 quota_exceeded) is recorded once per budget account as an EXHAUSTED
-- event, so the admin console can show the budget as used up: admission refuses when settled usage plus the
-- request's worst-case hold would pass the limit, which usually leaves the settled usage a little below 100 %.
ALTER TABLE quota_event DROP CONSTRAINT quota_event_kind_check;
ALTER TABLE quota_event
    ADD CONSTRAINT quota_event_kind_check CHECK (kind IN ('THRESHOLD', 'SHADOW_REFUSAL', 'EXHAUSTED'));
CREATE UNIQUE INDEX quota_event_exhausted_once ON quota_event (account_id) WHERE kind = 'EXHAUSTED';
