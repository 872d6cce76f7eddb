-- Sessions: session_is_active(), revoke_session(), revoke_user_sessions(),
-- cleanup_expired_sessions(). expires_at is a UTC wall-clock time.
SET TimeZone = 'UTC';
\set SHOW_CONTEXT never

\set ECHO none
\i test/include/error_of.sql
\set ECHO all

INSERT INTO public.users (id, username, email, hashed_password)
VALUES ('se-1', 'se1', 'se1@example.com', 'x'), ('se-2', 'se2', 'se2@example.com', 'x');
INSERT INTO public.user_sessions (id, user_id, token_jti, expires_at, is_revoked)
SELECT id, user_id, jti, (now() AT TIME ZONE 'UTC') + offs, revoked
FROM (VALUES
	('s-active',    'se-1', 'jti-active',    interval '1 hour',  false),
	('s-active2',   'se-1', 'jti-active2',   interval '30 days', false),
	('s-soon',      'se-1', 'jti-soon',      interval '2 minutes', false),
	('s-revoked',   'se-1', 'jti-revoked',   interval '1 hour',  true),
	('s-expired',   'se-1', 'jti-expired',   interval '-1 hour', false),
	('s-old',       'se-1', 'jti-old',       interval '-8 days', false),
	('s-older',     'se-1', 'jti-older',     interval '-9 days', true),
	('s-oldest',    'se-2', 'jti-oldest',    interval '-10 days', false),
	('s-other',     'se-2', 'jti-other',     interval '1 day',   false)
) v(id, user_id, jti, offs, revoked);

-- session_is_active(): exists, not revoked, not expired.
SELECT token_jti, hotel_agent.session_is_active(token_jti)
FROM public.user_sessions ORDER BY token_jti;
SELECT hotel_agent.session_is_active('no-such-jti');
SELECT hotel_agent.session_is_active(NULL) IS NULL AS null_gives_null;

-- Whatever the session's TimeZone: "now" is UTC. Three hours behind UTC a
-- naive comparison with now() would still accept the session that expired
-- an hour ago; nine hours ahead it would reject the one valid for two
-- more minutes.
SET TimeZone = 'America/Argentina/Buenos_Aires';
SELECT hotel_agent.session_is_active('jti-expired') AS expired, hotel_agent.session_is_active('jti-soon') AS soon;
SELECT count(*) AS naive_accepts_expired FROM public.user_sessions
WHERE token_jti = 'jti-expired' AND expires_at > now();
SET TimeZone = 'Asia/Tokyo';
SELECT hotel_agent.session_is_active('jti-expired') AS expired, hotel_agent.session_is_active('jti-soon') AS soon;
SELECT count(*) AS naive_accepts_soon FROM public.user_sessions
WHERE token_jti = 'jti-soon' AND expires_at > now();
SET TimeZone = 'UTC';

-- One index probe.
EXPLAIN (COSTS OFF)
SELECT 1 FROM public.user_sessions s
WHERE s.token_jti OPERATOR(pg_catalog.=) 'jti-active'::text AND NOT s.is_revoked
  AND s.expires_at OPERATOR(pg_catalog.>) pg_catalog.timezone('UTC'::pg_catalog.text, pg_catalog.now());

-- Qualified names: a temporary user_sessions table does not capture the query.
CREATE TEMP TABLE user_sessions (token_jti text, is_revoked boolean, expires_at timestamp);
INSERT INTO pg_temp.user_sessions VALUES ('decoy', false, '2100-01-01');
SELECT hotel_agent.session_is_active('decoy') AS decoy, hotel_agent.session_is_active('jti-active') AS active;
DROP TABLE pg_temp.user_sessions;

-- revoke_session(): true when this call revoked the session.
SELECT hotel_agent.revoke_session('jti-active');
SELECT hotel_agent.revoke_session('jti-active');
SELECT hotel_agent.revoke_session('no-such-jti');
SELECT hotel_agent.revoke_session(NULL) IS NULL AS null_gives_null;
SELECT hotel_agent.session_is_active('jti-active');

-- revoke_user_sessions(): every active session of the user; expired and
-- already revoked ones are not counted.
SELECT hotel_agent.revoke_user_sessions('se-1');
SELECT hotel_agent.revoke_user_sessions('se-1');
SELECT hotel_agent.revoke_user_sessions('nobody');
SELECT token_jti, is_revoked, hotel_agent.session_is_active(token_jti)
FROM public.user_sessions ORDER BY token_jti;

-- cleanup_expired_sessions(): sessions expired for longer than grace,
-- oldest first, at most max_rows.
SELECT hotel_agent.cleanup_expired_sessions();                 -- 7 days: the three old ones
SELECT token_jti FROM public.user_sessions ORDER BY token_jti;
INSERT INTO public.user_sessions (id, user_id, token_jti, expires_at)
SELECT 's-x' || g, 'se-2', 'jti-x' || g, (now() AT TIME ZONE 'UTC') - g * interval '1 day'
FROM generate_series(1, 5) g;
SELECT hotel_agent.cleanup_expired_sessions('2 days', 2);      -- jti-x5, jti-x4
SELECT token_jti FROM public.user_sessions WHERE token_jti LIKE 'jti-x%' ORDER BY 1;
SELECT hotel_agent.cleanup_expired_sessions('0', 0);
SELECT hotel_agent.cleanup_expired_sessions('0', NULL);        -- NULL: every expired session
SELECT token_jti FROM public.user_sessions ORDER BY token_jti;
SELECT hotel_agent.cleanup_expired_sessions('-1 day');
SELECT pg_temp.error_of($$SELECT hotel_agent.cleanup_expired_sessions(NULL)$$);
SELECT pg_temp.error_of($$SELECT hotel_agent.cleanup_expired_sessions('1 day', -1)$$);

DELETE FROM public.users WHERE id LIKE 'se-%';
SELECT count(*) AS sessions_left FROM public.user_sessions;

-- The functions find the tables in whatever schema the extension was
-- created in, also after the extension was dropped and created again in
-- another schema within the same connection.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS hotel_agent_other_schema;
CREATE DATABASE hotel_agent_other_schema;
RESET client_min_messages;
\c hotel_agent_other_schema
SET TimeZone = 'UTC';
CREATE SCHEMA app;
CREATE EXTENSION hotel_agent SCHEMA app;
INSERT INTO app.users (id, username, email, hashed_password) VALUES ('u', 'u', 'u@example.com', 'x');
INSERT INTO app.user_sessions (id, user_id, token_jti, expires_at)
VALUES ('s', 'u', 'jti-app', (now() AT TIME ZONE 'UTC') + interval '1 hour');
INSERT INTO app.password_history (user_id, password_hash) SELECT 'u', 'h' || g FROM generate_series(1, 12) g;
SELECT hotel_agent.session_is_active('jti-app'), (SELECT count(*) FROM app.password_history) AS history;
DROP EXTENSION hotel_agent;
CREATE SCHEMA app2;
CREATE EXTENSION hotel_agent SCHEMA app2;
INSERT INTO app2.users (id, username, email, hashed_password) VALUES ('u', 'u', 'u@example.com', 'x');
INSERT INTO app2.user_sessions (id, user_id, token_jti, expires_at)
VALUES ('s', 'u', 'jti-app2', (now() AT TIME ZONE 'UTC') + interval '1 hour');
SELECT hotel_agent.session_is_active('jti-app') AS old_jti, hotel_agent.session_is_active('jti-app2') AS new_jti;
INSERT INTO app2.password_history (user_id, password_hash) SELECT 'u', 'h' || g FROM generate_series(1, 11) g;
SELECT hotel_agent.prune_password_history('u', 5);
SELECT count(*) AS history FROM app2.password_history;
\c contrib_regression
DROP DATABASE hotel_agent_other_schema;
