-- DeepSeek's published list prices per 1M tokens for the V4 family, as versions with effective instants.
-- Sources: shared/reference/deepseek-v4.md section 4 and billing-tenancy.md section 6 (official pricing page
-- snapshots api-docs.deepseek.com/quick_start/pricing and its zh-cn copy, plus third-party copies where marked).
-- Assumptions, stated once here:
--  * launch prices take effect 2026-04-24 00:00 Asia/Shanghai (= 2026-04-23 16:00 UTC); the launch day is known, the
--    hour is not, and DeepSeek changes prices at Beijing midnight elsewhere;
--  * the V4-Pro 75 % promotion (2026-04-26 12:15 UTC) was later stated as permanent, so no version ends it;
--  * the V4.1 era starts 2026-09-10 00:00 Asia/Shanghai (= 2026-09-09 16:00 UTC); the legacy id deepseek-v4-flash is
--    served by V4.1-Flash at the Flash price, the new id is deepseek-flash;
--  * peak = Mon-Fri 09:00-12:00 and 14:00-18:00 Asia/Shanghai, off-peak = half of peak; Chinese public holidays
--    are not modelled (they would be off-peak);
--  * CNY launch cache-hit prices and the CNY Flash peak prices of 2026-08-16 come from third-party copies.
INSERT INTO price_book_version
    (model, currency, effective_from, cache_hit_per_mtok, cache_miss_per_mtok, output_per_mtok,
     peak_zone, peak_hours, peak_weekdays_only, peak_cache_hit_per_mtok, peak_cache_miss_per_mtok,
     peak_output_per_mtok, source)
VALUES
    -- USD, deepseek-v4-flash
    ('deepseek-v4-flash', 'USD', '2026-04-23 16:00:00+00', 0.028, 0.14, 0.28,
     NULL, NULL, false, NULL, NULL, NULL, 'DeepSeek V4 launch list price'),
    ('deepseek-v4-flash', 'USD', '2026-04-26 12:15:00+00', 0.0028, 0.14, 0.28,
     NULL, NULL, false, NULL, NULL, NULL, 'cache-hit price divided by 10'),
    ('deepseek-v4-flash', 'USD', '2026-08-16 16:00:00+00', 0.007, 0.22, 0.66,
     'Asia/Shanghai', '09:00-12:00,14:00-18:00', true, 0.014, 0.44, 1.32, 'peak/off-peak pricing (V4-Flash-0731)'),
    ('deepseek-v4-flash', 'USD', '2026-09-09 16:00:00+00', 0.003, 0.15, 0.60,
     'Asia/Shanghai', '09:00-12:00,14:00-18:00', true, 0.006, 0.30, 1.20, 'V4.1-Flash serves the legacy Flash id'),
    -- USD, deepseek-v4-pro
    ('deepseek-v4-pro', 'USD', '2026-04-23 16:00:00+00', 0.145, 1.74, 3.48,
     NULL, NULL, false, NULL, NULL, NULL, 'DeepSeek V4 launch list price'),
    ('deepseek-v4-pro', 'USD', '2026-04-26 12:15:00+00', 0.003625, 0.435, 0.87,
     NULL, NULL, false, NULL, NULL, NULL, 'cache-hit /10 and 75 % promotion, later permanent'),
    ('deepseek-v4-pro', 'USD', '2026-08-16 16:00:00+00', 0.022, 0.66, 1.98,
     'Asia/Shanghai', '09:00-12:00,14:00-18:00', true, 0.044, 1.32, 3.96, 'peak/off-peak pricing (V4-Pro-0813)'),
    -- USD, deepseek-flash (V4.1)
    ('deepseek-flash', 'USD', '2026-09-09 16:00:00+00', 0.003, 0.15, 0.60,
     'Asia/Shanghai', '09:00-12:00,14:00-18:00', true, 0.006, 0.30, 1.20, 'V4.1-Flash general availability'),
    -- CNY, deepseek-v4-flash
    ('deepseek-v4-flash', 'CNY', '2026-04-23 16:00:00+00', 0.2, 1, 2,
     NULL, NULL, false, NULL, NULL, NULL, 'launch list price (cache hit from a third-party copy)'),
    ('deepseek-v4-flash', 'CNY', '2026-04-26 12:15:00+00', 0.02, 1, 2,
     NULL, NULL, false, NULL, NULL, NULL, 'cache-hit price divided by 10'),
    ('deepseek-v4-flash', 'CNY', '2026-08-16 16:00:00+00', 0.05, 1.5, 4.5,
     'Asia/Shanghai', '09:00-12:00,14:00-18:00', true, 0.1, 3, 9, 'peak/off-peak pricing (third-party copy)'),
    ('deepseek-v4-flash', 'CNY', '2026-09-09 16:00:00+00', 0.02, 1, 4,
     'Asia/Shanghai', '09:00-12:00,14:00-18:00', true, 0.04, 2, 8, 'V4.1-Flash serves the legacy Flash id'),
    -- CNY, deepseek-v4-pro
    ('deepseek-v4-pro', 'CNY', '2026-04-23 16:00:00+00', 1, 12, 24,
     NULL, NULL, false, NULL, NULL, NULL, 'launch list price (cache hit from a third-party copy)'),
    ('deepseek-v4-pro', 'CNY', '2026-04-26 12:15:00+00', 0.025, 3, 6,
     NULL, NULL, false, NULL, NULL, NULL, 'cache-hit /10 and 75 % promotion, later permanent'),
    ('deepseek-v4-pro', 'CNY', '2026-08-16 16:00:00+00', 0.15, 4.5, 13.5,
     'Asia/Shanghai', '09:00-12:00,14:00-18:00', true, 0.30, 9, 27, 'peak/off-peak pricing (V4-Pro-0813)'),
    -- CNY, deepseek-flash (V4.1)
    ('deepseek-flash', 'CNY', '2026-09-09 16:00:00+00', 0.02, 1, 4,
     'Asia/Shanghai', '09:00-12:00,14:00-18:00', true, 0.04, 2, 8, 'V4.1-Flash general availability');
