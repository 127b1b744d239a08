-- Questions a reseller asks of the database `keepnet-flow sync` fills.
-- Each query runs unchanged on SQLite and on PostgreSQL (the tests run
-- all three against both); docs/schema.md says what every column holds.
--
-- Conventions the queries follow, and yours may too:
--   * timestamps are ISO 8601 text (the _at columns), so comparing and
--     cutting them as text works in both engines;
--   * rows the service no longer lists are kept, with gone_in_sync set:
--     "gone_in_sync IS NULL" keeps what the service shows today;
--   * test enrollments (marked_as_test) and test campaigns
--     (exclude_from_reports) are left out, as the vendor's UI leaves them
--     out of its statistics;
--   * a query's "today" is the start of the latest finished sync: the
--     data says nothing later than that. Replace it with CURRENT_DATE for
--     the calendar's today.

-- name: training-below-90
-- Which customers are below 90% training completion this quarter?
--
-- Completion is users who completed over users targeted, summed over the
-- customer's training enrollments that started in the quarter (or, where
-- the start date could not be read, were created in it), from each
-- enrollment's latest summary.
WITH latest AS (
    SELECT MAX(started_at) AS today FROM sync_runs WHERE finished_at IS NOT NULL
),
quarter AS (
    SELECT substr(today, 1, 4) AS year, (CAST(substr(today, 6, 2) AS INTEGER) + 2) / 3 AS q FROM latest
),
this_quarter AS (
    SELECT e.company_id, e.targeted, e.completed
    FROM enrollments e
    CROSS JOIN quarter
    WHERE e.kind = 'training'
      AND e.gone_in_sync IS NULL
      AND e.marked_as_test IS NOT TRUE
      AND substr(COALESCE(e.start_at, e.created_at), 1, 4) = quarter.year
      AND (CAST(substr(COALESCE(e.start_at, e.created_at), 6, 2) AS INTEGER) + 2) / 3 = quarter.q
)
SELECT c.name                                                  AS customer,
       COUNT(*)                                                AS enrollments,
       SUM(t.completed)                                        AS completed,
       SUM(t.targeted)                                         AS targeted,
       ROUND(100.0 * SUM(t.completed) / SUM(t.targeted), 1)    AS completion_pct
FROM this_quarter t
JOIN companies c ON c.id = t.company_id
WHERE c.gone_in_sync IS NULL
GROUP BY c.id, c.name
HAVING SUM(t.targeted) > 0 AND 100.0 * SUM(t.completed) < 90.0 * SUM(t.targeted)
ORDER BY completion_pct, customer;

-- name: click-rate-trend
-- Is a customer's click rate falling since the last campaign?
--
-- For each customer and channel, the latest finished simulation (job)
-- against the one before it: users who clicked over users targeted, the
-- service's totals as its report page shows them. The service counts
-- what it did not class as a mail scanner's; scanner_activity is how many
-- users' activity it did class so. Add "WHERE customer = 'Acme…'" for one.
WITH jobs AS (
    SELECT j.company_id, j.channel, j.name,
           COALESCE(j.start_at, j.created_at)                  AS started,
           ROUND(100.0 * j.clicked / j.targeted, 1)            AS click_pct,
           j.scanner_activity,
           ROW_NUMBER() OVER (PARTITION BY j.company_id, j.channel
                              ORDER BY COALESCE(j.start_at, j.created_at) DESC, j.campaign_id DESC, j.instance_group DESC) AS recency
    FROM phishing_jobs j
    JOIN phishing_campaigns p ON p.company_id = j.company_id AND p.channel = j.channel AND p.id = j.campaign_id
    WHERE j.finished
      AND j.gone_in_sync IS NULL
      AND p.exclude_from_reports IS NOT TRUE
      AND j.targeted > 0
      AND j.clicked IS NOT NULL
)
SELECT c.name            AS customer,
       latest.channel    AS channel,
       previous.name     AS previous_job,
       previous.started  AS previous_started,
       previous.click_pct AS previous_click_pct,
       latest.name       AS latest_job,
       latest.started    AS latest_started,
       latest.click_pct  AS latest_click_pct,
       latest.scanner_activity AS latest_scanner_activity,
       CASE WHEN latest.click_pct < previous.click_pct THEN 'falling'
            WHEN latest.click_pct > previous.click_pct THEN 'rising'
            ELSE 'flat' END AS trend
FROM jobs latest
JOIN jobs previous ON previous.company_id = latest.company_id AND previous.channel = latest.channel AND previous.recency = 2
JOIN companies c ON c.id = latest.company_id
WHERE latest.recency = 1
ORDER BY customer, channel;

-- name: clicked-three-in-a-row
-- Who clicked in three simulations in a row?
--
-- A person is an address within a customer (a user's row ID is per job).
-- "In a row" is among the simulations the person was sent, of any
-- channel, in the order they started. One row per person: how many such
-- runs of three there are and when the latest ended. Clicks the service
-- marked as other than a person's (activity_type or system_activity_type
-- set and not "Human": its values are not documented) are counted, not
-- dropped; flagged_clicks is the most of them in one run of three: look
-- at those before telling a customer.
WITH sent AS (
    SELECT u.company_id,
           lower(u.email)                                      AS email,
           j.name,
           COALESCE(j.start_at, j.created_at)                  AS started,
           j.campaign_id,
           j.instance_group,
           CASE WHEN u.clicked_count > 0 THEN 1 ELSE 0 END     AS clicked,
           CASE WHEN u.clicked_count > 0
                 AND (COALESCE(u.activity_type, 'Human') <> 'Human' OR COALESCE(u.system_activity_type, 'Human') <> 'Human')
                THEN 1 ELSE 0 END                              AS flagged
    FROM phishing_job_users u
    JOIN phishing_jobs j ON j.company_id = u.company_id AND j.channel = u.channel
                        AND j.campaign_id = u.campaign_id AND j.instance_group = u.instance_group
    JOIN phishing_campaigns p ON p.company_id = j.company_id AND p.channel = j.channel AND p.id = j.campaign_id
    WHERE u.email IS NOT NULL AND u.email <> ''
      AND u.gone_in_sync IS NULL
      AND j.gone_in_sync IS NULL
      AND p.exclude_from_reports IS NOT TRUE
),
runs AS (
    SELECT company_id, email, name, started,
           clicked + LAG(clicked, 1) OVER w + LAG(clicked, 2) OVER w AS clicks_of_three,
           flagged + LAG(flagged, 1) OVER w + LAG(flagged, 2) OVER w AS flagged_of_three
    FROM sent
    WINDOW w AS (PARTITION BY company_id, email ORDER BY started, campaign_id, instance_group)
)
SELECT c.name                 AS customer,
       r.email                AS email,
       COUNT(*)               AS runs_of_three,
       MAX(r.started)         AS latest_run_ended,
       MAX(r.flagged_of_three) AS flagged_clicks
FROM runs r
JOIN companies c ON c.id = r.company_id
WHERE r.clicks_of_three = 3
GROUP BY c.name, r.email
ORDER BY customer, email;
