-- make test-load: what must hold once the load has ended (test/load/run.sh
-- passes pgbench's transaction counts as lock_tx and add_tx, and the number
-- of clients as clients). One line per check: name, ok or FAILED, what was
-- found.
\set ON_ERROR_STOP on
SELECT name, CASE WHEN ok THEN 'ok' ELSE 'FAILED' END, detail
FROM (
    -- The bound: no user over hotel_agent.password_history_keep.
    SELECT 1 AS i, 'password_history_bound' AS name,
           coalesce(max(c) <= hotel_agent.password_history_keep(), true) AS ok,
           format('%s users, at most %s hashes each (bound %s), %s over it',
                  count(*), max(c), hotel_agent.password_history_keep(),
                  count(*) FILTER (WHERE c > hotel_agent.password_history_keep())) AS detail
    FROM (SELECT count(*) AS c FROM public.password_history GROUP BY user_id) per_user
    UNION ALL
    -- Users 401..600 had 25 hashes and no load: the maintenance kept
    -- exactly their newest 10 (hashes 16 to 25).
    SELECT 2, 'backlog_pruned_to_newest',
           count(*) = 2000 AND bool_and(split_part(password_hash, '.', 2)::int BETWEEN 16 AND 25),
           format('%s hashes of the 200 users without load, oldest kept #%s', count(*),
                  min(split_part(password_hash, '.', 2)::int))
    FROM public.password_history WHERE user_id BETWEEN 'u0401' AND 'u0600'
    UNION ALL
    -- Nothing the load wrote was pruned away: a user's current hash (the
    -- last change that committed) is in its history.
    SELECT 3, 'current_hash_kept', count(*) > 0 AND count(h.id) = count(*),
           format('%s users changed their password, %s of their current hashes in the history',
                  count(*), count(h.id))
    FROM public.users u
    LEFT JOIN LATERAL (SELECT h.id FROM public.password_history h
                       WHERE h.user_id = u.id AND h.password_hash = u.hashed_password LIMIT 1) h ON true
    WHERE u.hashed_password LIKE '$2b$12$load%'
    UNION ALL
    -- Every lock event and identifier a committed transaction wrote is
    -- there (exactly, against the journal); the journal holds what pgbench
    -- counted, plus at most one transaction per client whose COMMIT the end
    -- of the run left unanswered.
    SELECT 4, 'lock_events_recorded',
           e.n = 2 * j.n AND j.n BETWEEN :lock_tx AND :lock_tx + :clients,
           format('%s events with lock_key load:*, %s transactions of 2 committed, pgbench counted %s',
                  e.n, j.n, :lock_tx)
    FROM (SELECT count(*) AS n FROM public.lock_audit WHERE lock_key LIKE 'load:%') e,
         (SELECT count(*) AS n FROM load.committed WHERE script = 'lock_event') j
    UNION ALL
    SELECT 5, 'identifiers_added',
           i.n = j.n AND j.n BETWEEN :add_tx AND :add_tx + :clients,
           format('%s new identifiers, %s add_identifier transactions committed, pgbench counted %s',
                  i.n, j.n, :add_tx)
    FROM (SELECT count(*) AS n FROM public.tenant_user_identifiers
          WHERE identifier LIKE '+347%' OR identifier LIKE '+549115%' OR identifier LIKE '+5281%') i,
         (SELECT count(*) AS n FROM load.committed WHERE script = 'add_identifier') j
    UNION ALL
    SELECT 6, 'identifiers_kept',
           count(*) = count(i.id),
           format('%s registered guests, %s of their keys stored', count(*), count(i.id))
    FROM load.guest g LEFT JOIN public.tenant_user_identifiers i ON i.identifier = g.stored
    WHERE g.stored IS NOT NULL
    UNION ALL
    SELECT 7, 'identifier_conflicts', count(*) = 0, format('%s pairs', count(*))
    FROM hotel_agent.identifier_conflicts()
    UNION ALL
    -- Sessions: the maintenance deleted only those expired for more than
    -- 7 days; every other one is there.
    SELECT 8, 'sessions', count(*) FILTER (WHERE id LIKE 'old-%') = 0
                          AND count(*) FILTER (WHERE id NOT LIKE 'old-%') = 3 * 2000 + 2 * 400,
           format('%s live, revoked or within the grace (of 6800), %s expired long ago (0 expected)',
                  count(*) FILTER (WHERE id NOT LIKE 'old-%'), count(*) FILTER (WHERE id LIKE 'old-%'))
    FROM public.user_sessions
    UNION ALL
    SELECT 9, 'seed_lock_events', count(*) FILTER (WHERE timestamp < timezone('UTC', now()) - interval '30 days') = 0
                                  AND count(*) = 5000,
           format('%s of the 5000 recent seed events kept, %s older than 30 days left',
                  count(*) FILTER (WHERE timestamp >= timezone('UTC', now()) - interval '30 days'),
                  count(*) FILTER (WHERE timestamp < timezone('UTC', now()) - interval '30 days'))
    FROM public.lock_audit WHERE lock_key LIKE 'seed:%'
    UNION ALL
    SELECT 10, 'maintenance_ran', count(*) > 0,
           format('%s runs of run_maintenance() logged', count(*))
    FROM hotel_agent.maintenance_log WHERE task = 'password_history'
    UNION ALL
    SELECT 11, 'validate', bool_and(ok),
           coalesce(string_agg(check_name || ': ' || detail, '; ') FILTER (WHERE NOT ok), 'every check ok')
    FROM hotel_agent.validate()
) c
ORDER BY i;
