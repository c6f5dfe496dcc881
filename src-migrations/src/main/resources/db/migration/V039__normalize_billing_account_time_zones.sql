-- The billing account's copy of the tenant's time zone in the forms browsers' Intl accepts, as V014 for tenant:
-- GMT+03:00 (java.time's spelling of "GMT+3") becomes +03:00 and Z becomes UTC. Same rules, so no billing_day or
-- invoice month moves. Invoices keep the zone they were drafted in (finalized ones are immutable).
UPDATE billing_account SET time_zone = substring(time_zone FROM '[+-][0-9]{2}:[0-9]{2}$'), updated_at = now()
    WHERE time_zone ~ '^(GMT|UTC|UT)[+-][0-9]{2}:[0-9]{2}$';
UPDATE billing_account SET time_zone = 'UTC', updated_at = now() WHERE time_zone = 'Z';
