-- Time zones are stored in the forms browsers' Intl accepts (docs/tenancy.md): a fixed offset that earlier versions
-- stored with a prefix, as java.time spells "GMT+3" (GMT+03:00, UTC-05:30, UT+01:00), becomes the plain offset
-- (+03:00), and the zero offset Z becomes UTC. The rules are the same, so no usage day, budget period or invoice month
-- moves. V039 does the same for billing_account.
UPDATE tenant SET time_zone = substring(time_zone FROM '[+-][0-9]{2}:[0-9]{2}$')
    WHERE time_zone ~ '^(GMT|UTC|UT)[+-][0-9]{2}:[0-9]{2}$';
UPDATE tenant SET time_zone = 'UTC' WHERE time_zone = 'Z';
