-- make supabase-test-connection (tools/supabase.sh): what the connection
-- is. Read-only; one transaction.
\conninfo
SELECT 'server: ' || pg_catalog.split_part(pg_catalog.version(), ',', 1);
SELECT 'connected as ' || current_user || ' to database ' || pg_catalog.current_database();
-- The server's side of this connection: behind a pooler, the pooler's
-- connection to PostgreSQL (the client's side is what sslmode required,
-- and \conninfo shows it above).
SELECT 'ssl (pg_stat_ssl): '
       || CASE WHEN s.ssl THEN 'yes, ' || s.version || ', ' || s.cipher ELSE 'NO: this connection to the server is not encrypted' END
FROM pg_catalog.pg_stat_ssl s WHERE s.pid = pg_catalog.pg_backend_pid();
SELECT 'time zone: ' || pg_catalog.current_setting('TimeZone')
       || CASE WHEN pg_catalog.timezone(pg_catalog.current_setting('TimeZone'), pg_catalog.now())
                    = pg_catalog.timezone('UTC', pg_catalog.now())
               THEN '' ELSE ' (WARNING: not UTC; the canonical timestamp columns hold UTC: README, "Connecting your backend")' END;
SELECT 'hotel_agent: '
       || CASE WHEN e.extversion IS NOT NULL THEN e.extversion || ', installed as an extension'
               WHEN pg_catalog.to_regprocedure('hotel_agent.install_mode()') IS NOT NULL THEN 'installed (the pure-SQL build)'
               ELSE 'not installed (make supabase-apply installs it)' END
FROM (SELECT 1) one LEFT JOIN pg_catalog.pg_extension e ON e.extname = 'hotel_agent';
