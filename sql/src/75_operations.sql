-- Operations: least-privilege access for the backend's role (and an
-- operator's), and validate(), the health check of an installation.

-- What the backend's calls need, and what an operator needs on top: one
-- row per grant, with the reason. grant_backend_access() and
-- revoke_backend_access() both read this list, so they always agree.
--
-- The backend (test/pooler/backend_calls.py shows its calls) reads and
-- writes users and tenants; creates sessions, which it revokes but never
-- deletes (deleting a user cascades to its sessions and password history
-- with the table owner's rights, as every foreign key action does); inserts
-- password hashes, whose pruning trigger deletes as the inserting role;
-- maps identifiers through add_tenant_identifier() and
-- remove_tenant_identifier(), which run with the caller's rights; records
-- lock events. The reading functions (resolve_tenant, session_is_active,
-- password_history_hashes, ...) are executable by PUBLIC and need SELECT
-- on the tables they read, which these grants give.
CREATE OR REPLACE FUNCTION hotel_agent.backend_access_privileges(include_operations boolean DEFAULT false)
RETURNS TABLE(object_type text, object_name text, privileges text, operations boolean, reason text)
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = ''
AS $$
    SELECT p.object_type, p.object_name, p.privileges, p.operations, p.reason
    FROM (VALUES
        (1, 'schema', 'hotel_agent', 'USAGE', false,
         'the extension''s functions'),
        (2, 'schema', '@extschema@', 'USAGE', false,
         'the six tables'' schema (the one given to CREATE EXTENSION)'),
        (3, 'table', '@extschema@.users', 'SELECT, INSERT, UPDATE, DELETE', false,
         'accounts: login, sign-up, profile and password changes, removal'),
        (4, 'table', '@extschema@.user_sessions', 'SELECT, INSERT, UPDATE', false,
         'one row per JWT issued; revocation sets is_revoked (revoke_session, revoke_user_sessions); deleting expired rows is maintenance'),
        (5, 'table', '@extschema@.password_history', 'SELECT, INSERT, DELETE', false,
         'the hashes a new password is compared with; DELETE because the pruning trigger and prune_password_history() delete as the inserting role'),
        (6, 'table', '@extschema@.tenants', 'SELECT, INSERT, UPDATE, DELETE', false,
         'the hotels: created, edited, suspended and removed by the backend''s administration'),
        (7, 'table', '@extschema@.tenant_user_identifiers', 'SELECT, INSERT, DELETE', false,
         'resolve_tenant() reads it; add_tenant_identifier() inserts and remove_tenant_identifier() deletes, with the caller''s rights'),
        (8, 'table', '@extschema@.lock_audit', 'SELECT, INSERT', false,
         'record_lock_event() inserts and reads back the new id; reading the events is the table''s purpose (debugging)'),
        (9, 'sequence', '@extschema@.password_history_id_seq', 'USAGE', false, 'ids of new rows'),
        (10, 'sequence', '@extschema@.tenants_id_seq', 'USAGE', false, 'ids of new rows'),
        (11, 'sequence', '@extschema@.tenant_user_identifiers_id_seq', 'USAGE', false, 'ids of new rows'),
        (12, 'sequence', '@extschema@.lock_audit_id_seq', 'USAGE', false, 'ids of new rows'),
        (13, 'function', 'hotel_agent.add_tenant_identifier(text, text, text)', 'EXECUTE', false,
         'maps a guest''s phone number or e-mail to a tenant'),
        (14, 'function', 'hotel_agent.remove_tenant_identifier(text)', 'EXECUTE', false,
         'removes such a mapping'),
        (15, 'function', 'hotel_agent.prune_password_history(text, integer)', 'EXECUTE', false,
         'prunes one user''s history at once (the trigger does it on every insert)'),
        (16, 'function', 'hotel_agent.revoke_session(text)', 'EXECUTE', false, 'logout'),
        (17, 'function', 'hotel_agent.revoke_user_sessions(text)', 'EXECUTE', false,
         'logout everywhere, password change, account suspension'),
        (18, 'function', 'hotel_agent.record_lock_event(text, text, jsonb)', 'EXECUTE', false,
         'the Redis lock audit'),
        (19, 'table', '@extschema@.user_sessions', 'DELETE', true,
         'cleanup_expired_sessions() deletes expired sessions'),
        (20, 'table', '@extschema@.lock_audit', 'UPDATE, DELETE', true,
         'purge_lock_audit() deletes old events; it locks them first (FOR UPDATE SKIP LOCKED), which needs UPDATE'),
        (21, 'table', 'hotel_agent.maintenance_log', 'SELECT, INSERT, DELETE', true,
         'run_maintenance() logs each task and keeps the newest 1000 rows'),
        (22, 'table', 'hotel_agent.backlog_census', 'SELECT, INSERT, DELETE', true,
         'run_maintenance() counts the backlog and keeps the newest 100 rows'),
        (23, 'sequence', 'hotel_agent.maintenance_log_id_seq', 'USAGE', true, 'ids of new rows'),
        (24, 'sequence', 'hotel_agent.backlog_census_id_seq', 'USAGE', true, 'ids of new rows'),
        (25, 'table', 'hotel_agent.stats', 'SELECT', true, 'the one-row dashboard (a view)'),
        (26, 'procedure', 'hotel_agent.run_maintenance(integer)', 'EXECUTE', true,
         'the scheduled maintenance'),
        (27, 'function', 'hotel_agent.schedule_maintenance(text)', 'EXECUTE', true,
         'registers run_maintenance() with pg_cron (pg_cron''s own rights are granted separately)'),
        (28, 'function', 'hotel_agent.prune_all_password_history(integer, integer)', 'EXECUTE', true,
         'a maintenance task, also run by hand'),
        (29, 'function', 'hotel_agent.cleanup_expired_sessions(interval, integer)', 'EXECUTE', true,
         'a maintenance task, also run by hand'),
        (30, 'function', 'hotel_agent.purge_lock_audit(interval, integer)', 'EXECUTE', true,
         'a maintenance task, also run by hand'),
        (31, 'function', 'hotel_agent.count_backlog()', 'EXECUTE', true,
         'the live backlog counts (also executable by PUBLIC; granted so that it stays available)'),
        (32, 'function', 'hotel_agent.lock_report(timestamp with time zone, timestamp with time zone)', 'EXECUTE', true,
         'lock contention per key (also executable by PUBLIC; granted so that it stays available)'),
        (33, 'function', 'hotel_agent.locks_never_released(interval, interval)', 'EXECUTE', true,
         'acquisitions nobody released (also executable by PUBLIC; granted so that it stays available)')
    ) AS p(n, object_type, object_name, privileges, operations, reason)
    WHERE NOT p.operations OR backend_access_privileges.include_operations
    ORDER BY p.n
$$;
COMMENT ON FUNCTION hotel_agent.backend_access_privileges(boolean) IS
'What grant_backend_access() grants (and revoke_backend_access() revokes), one row per object, with the reason';

-- Granting needs the grant options the extension's owner has: only the
-- owner (or a superuser) may run it, with its own rights (no SECURITY
-- DEFINER).
CREATE OR REPLACE FUNCTION hotel_agent.grant_backend_access(role name, include_operations boolean DEFAULT false)
RETURNS SETOF text
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = ''
AS $$
DECLARE
    p record;
    stmt text;
    policy_tables pg_catalog.regclass[];
    t pg_catalog.regclass;
BEGIN
    IF grant_backend_access.role IS NULL OR include_operations IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = 'role and include_operations must not be null',
            HINT = 'Pass the backend''s login role, e.g. hotel_agent.grant_backend_access(''hotel_backend''), and true to add the operations.';
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) grant_backend_access.role) THEN
        RAISE EXCEPTION USING ERRCODE = 'undefined_object',
            MESSAGE = pg_catalog.format('role "%s" does not exist', grant_backend_access.role),
            HINT = 'Create the role first (CREATE ROLE ... LOGIN), then grant it access. PUBLIC is not a role here: access is granted to one role.';
    END IF;

    -- Tables with row level security (all six in the pure-SQL build: see
    -- 95_supabase.sql) show a role without BYPASSRLS none of their rows,
    -- whatever it is granted; only a superuser may create a BYPASSRLS
    -- role on PostgreSQL 15. The role gets one policy per such table that
    -- lets it reach every row: its privileges below still decide what it
    -- may do with them. Tables without row level security get none. The
    -- tables are those of backend_access_privileges() in the six tables'
    -- schema (the six).
    policy_tables := ARRAY(
        SELECT c.oid::pg_catalog.regclass
        FROM pg_catalog.pg_class c
        WHERE c.relnamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
          AND c.relrowsecurity
          AND c.oid OPERATOR(pg_catalog.=) ANY (ARRAY(
              SELECT pg_catalog.to_regclass(b.object_name)::pg_catalog.oid
              FROM hotel_agent.backend_access_privileges(true) b
              WHERE b.object_type OPERATOR(pg_catalog.=) 'table'))
          AND NOT EXISTS (SELECT FROM pg_catalog.pg_policy pol
                          WHERE pol.polrelid OPERATOR(pg_catalog.=) c.oid
                            AND pol.polname OPERATOR(pg_catalog.=) ('hotel_agent_backend_' OPERATOR(pg_catalog.||) grant_backend_access.role))
        ORDER BY c.relname);
    -- Those tables are locked before the GRANTs change their pg_class rows,
    -- in the mode CREATE POLICY takes: locked after, CREATE POLICY could
    -- wait for an autovacuum that waits for this transaction (PostgreSQL 17
    -- makes VACUUM and ANALYZE wait for it before updating those rows), a
    -- deadlock; locked first, the autovacuum is cancelled instead.
    FOREACH t IN ARRAY policy_tables LOOP
        EXECUTE pg_catalog.format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', t);
    END LOOP;

    FOR p IN SELECT * FROM hotel_agent.backend_access_privileges(include_operations) LOOP
        stmt := pg_catalog.format('GRANT %s ON %s %s TO %I', p.privileges,
                                  pg_catalog.upper(p.object_type), p.object_name, grant_backend_access.role);
        EXECUTE stmt;
        RETURN NEXT stmt;
    END LOOP;

    FOREACH t IN ARRAY policy_tables LOOP
        stmt := pg_catalog.format('CREATE POLICY %I ON %s TO %I USING (true) WITH CHECK (true)',
                                  'hotel_agent_backend_' OPERATOR(pg_catalog.||) grant_backend_access.role,
                                  t, grant_backend_access.role);
        EXECUTE stmt;
        RETURN NEXT stmt;
    END LOOP;
END;
$$;
COMMENT ON FUNCTION hotel_agent.grant_backend_access(name, boolean) IS
'Grants a role what the backend''s calls need (with include_operations, what an operator needs too: maintenance, stats), and a policy on each table with row level security; returns the statements run';
REVOKE EXECUTE ON FUNCTION hotel_agent.grant_backend_access(name, boolean) FROM PUBLIC;

CREATE OR REPLACE FUNCTION hotel_agent.revoke_backend_access(role name)
RETURNS SETOF text
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = ''
AS $$
DECLARE
    p record;
    stmt text;
    policy_tables pg_catalog.regclass[];
    t pg_catalog.regclass;
BEGIN
    IF revoke_backend_access.role IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = 'role must not be null',
            HINT = 'Pass the role that hotel_agent.grant_backend_access() was given.';
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) revoke_backend_access.role) THEN
        RAISE EXCEPTION USING ERRCODE = 'undefined_object',
            MESSAGE = pg_catalog.format('role "%s" does not exist', revoke_backend_access.role),
            HINT = 'Pass the role that hotel_agent.grant_backend_access() was given.';
    END IF;

    -- The row level security policies grant_backend_access() made, on the
    -- tables of backend_access_privileges() as there; their tables are
    -- locked before the REVOKEs, as there.
    policy_tables := ARRAY(
        SELECT c.oid::pg_catalog.regclass
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_policy pol ON pol.polrelid OPERATOR(pg_catalog.=) c.oid
        WHERE c.relnamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
          AND c.oid OPERATOR(pg_catalog.=) ANY (ARRAY(
              SELECT pg_catalog.to_regclass(b.object_name)::pg_catalog.oid
              FROM hotel_agent.backend_access_privileges(true) b
              WHERE b.object_type OPERATOR(pg_catalog.=) 'table'))
          AND pol.polname OPERATOR(pg_catalog.=) ('hotel_agent_backend_' OPERATOR(pg_catalog.||) revoke_backend_access.role)
        ORDER BY c.relname);
    FOREACH t IN ARRAY policy_tables LOOP
        EXECUTE pg_catalog.format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', t);
    END LOOP;

    FOR p IN SELECT * FROM hotel_agent.backend_access_privileges(true) LOOP
        stmt := pg_catalog.format('REVOKE %s ON %s %s FROM %I', p.privileges,
                                  pg_catalog.upper(p.object_type), p.object_name, revoke_backend_access.role);
        EXECUTE stmt;
        RETURN NEXT stmt;
    END LOOP;

    FOREACH t IN ARRAY policy_tables LOOP
        stmt := pg_catalog.format('DROP POLICY %I ON %s',
                                  'hotel_agent_backend_' OPERATOR(pg_catalog.||) revoke_backend_access.role, t);
        EXECUTE stmt;
        RETURN NEXT stmt;
    END LOOP;
END;
$$;
COMMENT ON FUNCTION hotel_agent.revoke_backend_access(name) IS
'Revokes from a role everything grant_backend_access() may have granted it (operations included) and drops its policies; returns the statements run';
REVOKE EXECUTE ON FUNCTION hotel_agent.revoke_backend_access(name) FROM PUBLIC;

-- validate(): is this installation what hotel_agent @hotel_agent_version@ expects? One
-- row per check; ok false comes with a detail that says what to do.
--
-- The six tables are compared with the definition this version gives them
-- (the canonical DDL with the divergences of 90_divergences.sql): columns
-- with their types, nullability and defaults; constraints; foreign keys;
-- indexes; triggers. The expected facts below are written out for this
-- version, in the form the query below prints them (schema names taken
-- out, so that any schema given to CREATE EXTENSION compares). They come
-- from a fresh install, and test/sql/90_operations.sql proves that a fresh
-- install (and test/t/010_upgrade.pl that an updated one, which has the
-- same catalog) passes every check: a version that changes the tables
-- changes this list in the same commit, or that test fails, printing the
-- facts that differ.
CREATE OR REPLACE FUNCTION hotel_agent.validate()
RETURNS TABLE(check_name text, ok boolean, detail text)
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = ''
AS $$
DECLARE
    version constant text := '@hotel_agent_version@';
    sql_version text;
    library_version text;
    tz text;
    db_tz text;
    db_tz_source text;
    cron_schema name;
    jobs text;
    -- pg_cron's latest runs, read by dynamic SQL: scalars, whose types
    -- plpgsql_check can verify (a record's fields it cannot)
    runs_jobs bigint;
    runs_ran bigint;
    runs_failures text;
    runs_others text;
    last_log timestamp;
    n_found bigint;
    n_stale bigint;
    metadata text;
    readable text;
BEGIN
    -- The SQL objects and the loaded library. The pure-SQL build has no
    -- library: its version() is the script's own.
    SELECT e.extversion INTO sql_version FROM pg_catalog.pg_extension e WHERE e.extname = 'hotel_agent';
    library_version := hotel_agent.version();
    check_name := 'extension_version';
    IF sql_version IS NULL THEN
        ok := library_version = version;
        detail := CASE WHEN ok THEN pg_catalog.format('installed by the pure-SQL script of version %s (no library)', library_version)
                       ELSE pg_catalog.format('the functions say version %s but validate() is of version %s: the script was installed partly; run the script of one version again',
                                              library_version, version) END;
    ELSE
        ok := sql_version = library_version;
        detail := CASE WHEN ok THEN pg_catalog.format('SQL objects and library are both at %s', library_version)
                       ELSE pg_catalog.format('the SQL objects are at %s but the loaded library is %s: run ALTER EXTENSION hotel_agent UPDATE in this database (and in every other database that has hotel_agent), and reconnect',
                                              sql_version, library_version) END;
    END IF;
    RETURN NEXT;

    -- The six tables, as this version defines them.
    RETURN QUERY
    WITH expected(kind, fact) AS (VALUES
        ('columns', 'lock_audit.details jsonb'),
        ('columns', 'lock_audit.event_type character varying(50) not null'),
        ('columns', 'lock_audit.id integer not null default nextval(''lock_audit_id_seq''::regclass)'),
        ('columns', 'lock_audit.lock_key character varying(255) not null'),
        ('columns', 'lock_audit.timestamp timestamp without time zone not null default timezone(''UTC''::text, now())'),
        ('columns', 'password_history.created_at timestamp without time zone not null default timezone(''UTC''::text, now())'),
        ('columns', 'password_history.id integer not null default nextval(''password_history_id_seq''::regclass)'),
        ('columns', 'password_history.password_hash character varying(255) not null'),
        ('columns', 'password_history.user_id character varying(255) not null'),
        ('columns', 'tenant_user_identifiers.created_at timestamp without time zone not null default timezone(''UTC''::text, now())'),
        ('columns', 'tenant_user_identifiers.id integer not null default nextval(''tenant_user_identifiers_id_seq''::regclass)'),
        ('columns', 'tenant_user_identifiers.identifier character varying(255) not null'),
        ('columns', 'tenant_user_identifiers.tenant_id integer not null'),
        ('columns', 'tenants.business_hours_end integer'),
        ('columns', 'tenants.business_hours_start integer'),
        ('columns', 'tenants.business_hours_timezone character varying(50)'),
        ('columns', 'tenants.created_at timestamp without time zone not null default timezone(''UTC''::text, now())'),
        ('columns', 'tenants.id integer not null default nextval(''tenants_id_seq''::regclass)'),
        ('columns', 'tenants.name character varying(255) not null'),
        ('columns', 'tenants.status character varying(50) not null default ''active''::character varying'),
        ('columns', 'tenants.tenant_id character varying(255) not null'),
        ('columns', 'tenants.updated_at timestamp without time zone not null default timezone(''UTC''::text, now())'),
        ('columns', 'user_sessions.created_at timestamp without time zone not null default timezone(''UTC''::text, now())'),
        ('columns', 'user_sessions.expires_at timestamp without time zone not null'),
        ('columns', 'user_sessions.id character varying(255) not null'),
        ('columns', 'user_sessions.ip_address character varying(45)'),
        ('columns', 'user_sessions.is_revoked boolean not null default false'),
        ('columns', 'user_sessions.token_jti character varying(255) not null'),
        ('columns', 'user_sessions.user_agent text'),
        ('columns', 'user_sessions.user_id character varying(255) not null'),
        ('columns', 'users.created_at timestamp without time zone not null default timezone(''UTC''::text, now())'),
        ('columns', 'users.email character varying(255) not null'),
        ('columns', 'users.full_name character varying(255)'),
        ('columns', 'users.hashed_password character varying(255) not null'),
        ('columns', 'users.id character varying(255) not null'),
        ('columns', 'users.is_active boolean not null default true'),
        ('columns', 'users.is_superuser boolean not null default false'),
        ('columns', 'users.password_last_changed timestamp without time zone not null default timezone(''UTC''::text, now())'),
        ('columns', 'users.password_must_change boolean not null default false'),
        ('columns', 'users.tenant_id character varying(255)'),
        ('columns', 'users.updated_at timestamp without time zone not null default timezone(''UTC''::text, now())'),
        ('columns', 'users.username character varying(255) not null'),
        ('constraints', 'lock_audit.lock_audit_event_type_check CHECK (((event_type)::text = ANY (ARRAY[''acquired''::text, ''extended''::text, ''released''::text, ''expired''::text, ''failed''::text])))'),
        ('constraints', 'lock_audit.lock_audit_pkey PRIMARY KEY (id)'),
        ('constraints', 'password_history.password_history_pkey PRIMARY KEY (id)'),
        ('constraints', 'tenant_user_identifiers.tenant_user_identifiers_identifier_check CHECK ((NOT (hotel_agent.try_normalize_identifier((identifier)::text) IS DISTINCT FROM (identifier)::text)))'),
        ('constraints', 'tenant_user_identifiers.tenant_user_identifiers_pkey PRIMARY KEY (id)'),
        ('constraints', 'tenant_user_identifiers.uq_identifier UNIQUE (identifier)'),
        ('constraints', 'tenants.tenants_business_hours_end_check CHECK (((business_hours_end >= 0) AND (business_hours_end <= 23)))'),
        ('constraints', 'tenants.tenants_business_hours_start_check CHECK (((business_hours_start >= 0) AND (business_hours_start <= 23)))'),
        ('constraints', 'tenants.tenants_business_hours_timezone_check CHECK (hotel_agent.is_valid_time_zone((business_hours_timezone)::text))'),
        ('constraints', 'tenants.tenants_pkey PRIMARY KEY (id)'),
        ('constraints', 'tenants.tenants_status_check CHECK (((status)::text = ANY (ARRAY[''active''::text, ''inactive''::text, ''suspended''::text])))'),
        ('constraints', 'tenants.tenants_tenant_id_key UNIQUE (tenant_id)'),
        ('constraints', 'user_sessions.user_sessions_pkey PRIMARY KEY (id)'),
        ('constraints', 'user_sessions.user_sessions_token_jti_key UNIQUE (token_jti)'),
        ('constraints', 'users.users_email_key UNIQUE (email)'),
        ('constraints', 'users.users_pkey PRIMARY KEY (id)'),
        ('constraints', 'users.users_username_key UNIQUE (username)'),
        ('foreign_keys', 'password_history.password_history_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE'),
        ('foreign_keys', 'tenant_user_identifiers.tenant_user_identifiers_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants(id) ON DELETE CASCADE'),
        ('foreign_keys', 'user_sessions.user_sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE'),
        ('indexes', 'CREATE INDEX idx_lock_audit_event_type ON lock_audit USING btree (event_type)'),
        ('indexes', 'CREATE INDEX idx_lock_audit_lock_key ON lock_audit USING btree (lock_key)'),
        ('indexes', 'CREATE INDEX idx_lock_audit_timestamp ON lock_audit USING btree ("timestamp")'),
        ('indexes', 'CREATE INDEX idx_password_history_created_at ON password_history USING btree (created_at)'),
        ('indexes', 'CREATE INDEX idx_password_history_user_id ON password_history USING btree (user_id)'),
        ('indexes', 'CREATE INDEX idx_tenant_identifiers_tenant_id ON tenant_user_identifiers USING btree (tenant_id)'),
        ('indexes', 'CREATE INDEX idx_tenants_status ON tenants USING btree (status)'),
        ('indexes', 'CREATE INDEX idx_user_sessions_expires_at ON user_sessions USING btree (expires_at)'),
        ('indexes', 'CREATE INDEX idx_user_sessions_user_id ON user_sessions USING btree (user_id)'),
        ('indexes', 'CREATE INDEX idx_users_tenant_id ON users USING btree (tenant_id)'),
        ('indexes', 'CREATE UNIQUE INDEX lock_audit_pkey ON lock_audit USING btree (id)'),
        ('indexes', 'CREATE UNIQUE INDEX password_history_pkey ON password_history USING btree (id)'),
        ('indexes', 'CREATE UNIQUE INDEX tenant_user_identifiers_pkey ON tenant_user_identifiers USING btree (id)'),
        ('indexes', 'CREATE UNIQUE INDEX tenants_pkey ON tenants USING btree (id)'),
        ('indexes', 'CREATE UNIQUE INDEX tenants_tenant_id_key ON tenants USING btree (tenant_id)'),
        ('indexes', 'CREATE UNIQUE INDEX uq_identifier ON tenant_user_identifiers USING btree (identifier)'),
        ('indexes', 'CREATE UNIQUE INDEX uq_users_email_lower ON users USING btree (lower((email)::text))'),
        ('indexes', 'CREATE UNIQUE INDEX user_sessions_pkey ON user_sessions USING btree (id)'),
        ('indexes', 'CREATE UNIQUE INDEX user_sessions_token_jti_key ON user_sessions USING btree (token_jti)'),
        ('indexes', 'CREATE UNIQUE INDEX users_email_key ON users USING btree (email)'),
        ('indexes', 'CREATE UNIQUE INDEX users_pkey ON users USING btree (id)'),
        ('indexes', 'CREATE UNIQUE INDEX users_username_key ON users USING btree (username)'),
        ('tables', 'lock_audit'),
        ('tables', 'password_history'),
        ('tables', 'tenant_user_identifiers'),
        ('tables', 'tenants'),
        ('tables', 'user_sessions'),
        ('tables', 'users'),
        ('triggers', 'CREATE TRIGGER hotel_agent_normalize_identifier BEFORE INSERT OR UPDATE ON tenant_user_identifiers FOR EACH ROW EXECUTE FUNCTION hotel_agent.normalize_identifier_trigger()'),
        ('triggers', 'CREATE TRIGGER password_history_prune AFTER INSERT ON password_history FOR EACH ROW EXECUTE FUNCTION hotel_agent.password_history_prune()'),
        ('triggers', 'CREATE TRIGGER update_tenants_updated_at BEFORE UPDATE ON tenants FOR EACH ROW EXECUTE FUNCTION update_updated_at_column()'),
        ('triggers', 'CREATE TRIGGER update_users_updated_at BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION update_updated_at_column()')
    ), s AS (
        SELECT n.oid AS nsp, pg_catalog.quote_ident(n.nspname) || '.' AS prefix
        FROM pg_catalog.pg_namespace n
        WHERE n.oid = '@extschema@'::pg_catalog.regnamespace
    ), rels AS (
        SELECT c.oid, c.relname::text AS relname
        FROM pg_catalog.pg_class c, s
        WHERE c.relnamespace = s.nsp AND c.relkind = 'r'
          AND c.relname = ANY (ARRAY['users', 'user_sessions', 'password_history',
                                     'tenants', 'tenant_user_identifiers', 'lock_audit'])
    ), raw AS (
        SELECT 'tables' AS kind, pg_catalog.format('%s', r.relname) AS fact FROM rels r
        UNION ALL
        SELECT 'columns', pg_catalog.format('%s.%s %s%s%s', r.relname, a.attname,
                   pg_catalog.format_type(a.atttypid, a.atttypmod),
                   CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
                   ' default ' || pg_catalog.pg_get_expr(d.adbin, d.adrelid))
        FROM rels r
        JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
        LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        UNION ALL
        SELECT CASE WHEN con.contype = 'f' THEN 'foreign_keys' ELSE 'constraints' END,
               pg_catalog.format('%s.%s %s%s', r.relname, con.conname, pg_catalog.pg_get_constraintdef(con.oid),
                   CASE WHEN con.convalidated THEN '' ELSE ' (not validated)' END)
        FROM rels r JOIN pg_catalog.pg_constraint con ON con.conrelid = r.oid
        UNION ALL
        SELECT 'indexes', pg_catalog.format('%s%s', pg_catalog.pg_get_indexdef(i.indexrelid),
                   CASE WHEN i.indisvalid THEN '' ELSE ' (invalid)' END)
        FROM rels r JOIN pg_catalog.pg_index i ON i.indrelid = r.oid
        UNION ALL
        SELECT 'triggers', pg_catalog.format('%s%s', pg_catalog.pg_get_triggerdef(tg.oid),
                   CASE tg.tgenabled WHEN 'O' THEN '' WHEN 'D' THEN ' (disabled)'
                                     WHEN 'R' THEN ' (replica only)' ELSE ' (always)' END)
        FROM rels r JOIN pg_catalog.pg_trigger tg ON tg.tgrelid = r.oid AND NOT tg.tgisinternal
    ), actual AS (
        -- The schema's name out of every qualified reference to the tables,
        -- their sequences and the trigger function.
        SELECT raw.kind,
               pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(raw.fact,
                   ' ON ' || s.prefix, ' ON '), 'FUNCTION ' || s.prefix, 'FUNCTION '),
                   'REFERENCES ' || s.prefix, 'REFERENCES '), '''' || s.prefix, '''') AS fact
        FROM raw, s
    ), kinds(kind, n, what) AS (VALUES
        ('tables', 1, 'tables'), ('columns', 2, 'columns (type, nullability, default)'),
        ('constraints', 3, 'primary key, unique and check constraints'), ('foreign_keys', 4, 'foreign keys'),
        ('indexes', 5, 'indexes'), ('triggers', 6, 'triggers')
    ), diff AS (
        SELECT k.kind, k.n, k.what,
               (SELECT pg_catalog.count(*) FROM expected e WHERE e.kind = k.kind) AS expected_count,
               (SELECT pg_catalog.array_agg(e.fact ORDER BY e.fact) FROM
                   (SELECT e.fact FROM expected e WHERE e.kind = k.kind
                    EXCEPT SELECT a.fact FROM actual a WHERE a.kind = k.kind) e) AS missing,
               (SELECT pg_catalog.array_agg(a.fact ORDER BY a.fact) FROM
                   (SELECT a.fact FROM actual a WHERE a.kind = k.kind
                    EXCEPT SELECT e.fact FROM expected e WHERE e.kind = k.kind) a) AS extra
        FROM kinds k
    )
    SELECT d.kind, d.missing IS NULL,
           CASE WHEN d.missing IS NULL
                THEN pg_catalog.format('%s %s as hotel_agent %s defines them', d.expected_count, d.what, version)
                ELSE pg_catalog.format('%s of the %s %s that hotel_agent %s defines %s missing or different: %s',
                         pg_catalog.cardinality(d.missing), d.expected_count, d.what, version,
                         CASE WHEN pg_catalog.cardinality(d.missing) = 1 THEN 'is' ELSE 'are' END,
                         pg_catalog.array_to_string(d.missing[1:10], '; ')
                         || CASE WHEN pg_catalog.cardinality(d.missing) > 10 THEN '; ...' ELSE '' END)
                     || '. Restore each one as written here (in the schema of the tables, '
                     || pg_catalog.quote_ident((SELECT n.nspname FROM pg_catalog.pg_namespace n, s WHERE n.oid = s.nsp))
                     || '): the backend''s ORM and the extension''s functions rely on them'
           END
           || CASE WHEN d.extra IS NULL THEN ''
                   ELSE pg_catalog.format('; also present, not defined by hotel_agent (fine if deliberate): %s',
                            pg_catalog.array_to_string(d.extra[1:10], '; ')
                            || CASE WHEN pg_catalog.cardinality(d.extra) > 10 THEN '; ...' ELSE '' END) END
    FROM diff d ORDER BY d.n;

    -- Time zones: the canonical columns are timestamp without time zone,
    -- correct only as UTC wall-clock times. A zone is UTC here when it has
    -- no offset now and half a year from now.
    tz := pg_catalog.current_setting('TimeZone');
    check_name := 'session_time_zone';
    ok := pg_catalog.timezone(tz, pg_catalog.now()) = pg_catalog.timezone('UTC', pg_catalog.now())
          AND pg_catalog.timezone(tz, pg_catalog.now() + interval '6 months')
              = pg_catalog.timezone('UTC', pg_catalog.now() + interval '6 months');
    detail := CASE WHEN ok THEN pg_catalog.format('TimeZone is %s', tz)
                   ELSE pg_catalog.format('this session''s TimeZone is %s, not UTC: the functions and the column defaults write UTC, but any timestamp the backend writes with NOW() or reads as local time is off by the zone''s offset. Set TimeZone = ''UTC'' for the backend''s role (ALTER ROLE ... SET TimeZone = ''UTC'') or in its connection options; behind a transaction pooler never with a plain SET', tz) END;
    RETURN NEXT;

    -- The zone new sessions of this database start with, unless a role or
    -- the client sets its own: ALTER DATABASE ... SET, else the server's
    -- configuration files (postgresql.conf, postgresql.auto.conf), else the
    -- built-in default.
    SELECT pg_catalog.substr(c.cfg, 10) INTO db_tz
    FROM pg_catalog.pg_db_role_setting rs, pg_catalog.unnest(rs.setconfig) AS c(cfg)
    WHERE rs.setrole = 0
      AND rs.setdatabase = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
      AND pg_catalog.lower(pg_catalog.left(c.cfg, 9)) = 'timezone=';
    IF db_tz IS NOT NULL THEN
        db_tz_source := 'set by ALTER DATABASE';
    ELSE
        BEGIN
            SELECT f.setting, pg_catalog.format('set in %s line %s', f.sourcefile, f.sourceline)
            INTO db_tz, db_tz_source
            FROM pg_catalog.pg_file_settings f
            WHERE pg_catalog.lower(f.name) = 'timezone' AND f.applied AND f.error IS NULL
            ORDER BY f.seqno DESC LIMIT 1;
            IF db_tz IS NULL THEN
                SELECT st.boot_val, 'the built-in default' INTO db_tz, db_tz_source
                FROM pg_catalog.pg_settings st WHERE st.name = 'TimeZone';
            END IF;
        EXCEPTION WHEN insufficient_privilege THEN
            -- pg_file_settings is for superusers and pg_read_all_settings.
            SELECT st.reset_val, 'the value this session started with: the server''s configuration files cannot be read by role '
                                 || current_user::text
            INTO db_tz, db_tz_source
            FROM pg_catalog.pg_settings st WHERE st.name = 'TimeZone';
        END;
    END IF;
    check_name := 'database_time_zone';
    ok := pg_catalog.timezone(db_tz, pg_catalog.now()) = pg_catalog.timezone('UTC', pg_catalog.now())
          AND pg_catalog.timezone(db_tz, pg_catalog.now() + interval '6 months')
              = pg_catalog.timezone('UTC', pg_catalog.now() + interval '6 months');
    detail := CASE WHEN ok THEN pg_catalog.format('new sessions start with TimeZone %s (%s)', db_tz, db_tz_source)
                   ELSE pg_catalog.format('new sessions start with TimeZone %s (%s), not UTC: every client that does not set its own zone writes local times into the canonical timestamp columns. Set TimeZone = ''UTC'' in postgresql.conf and reload (SELECT pg_reload_conf()), or run ALTER DATABASE %I SET TimeZone = ''UTC''; then reconnect',
                                          db_tz, db_tz_source, pg_catalog.current_database()) END;
    RETURN NEXT;

    -- Scheduled maintenance. pg_cron is looked up, never depended on: its
    -- tables are the relations job and job_run_details that belong to it.
    SELECT n.nspname INTO cron_schema
    FROM pg_catalog.pg_extension e
    JOIN pg_catalog.pg_depend d
      ON d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND d.refobjid = e.oid
     AND d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype = 'e'
    JOIN pg_catalog.pg_class c ON c.oid = d.objid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE e.extname = 'pg_cron' AND c.relname = 'job';
    BEGIN
        SELECT pg_catalog.max(l.started) INTO last_log FROM hotel_agent.maintenance_log l;
    EXCEPTION WHEN insufficient_privilege THEN
        last_log := NULL;
    END;

    IF cron_schema IS NULL THEN
        check_name := 'maintenance_scheduled';
        ok := last_log > pg_catalog.timezone('UTC', pg_catalog.now()) - interval '2 days';
        detail := CASE WHEN ok THEN pg_catalog.format('pg_cron is not installed in this database, but hotel_agent.maintenance_log shows a run at %s UTC: another scheduler runs hotel_agent.run_maintenance()', pg_catalog.to_char(last_log, 'YYYY-MM-DD HH24:MI:SS'))
                       ELSE pg_catalog.format('pg_cron is not installed in this database and hotel_agent.maintenance_log shows no run in the last two days (last: %s): install pg_cron and run SELECT hotel_agent.schedule_maintenance() (README, "Maintenance"), or have another scheduler run CALL hotel_agent.run_maintenance() daily',
                                              coalesce(pg_catalog.to_char(last_log, 'YYYY-MM-DD HH24:MI:SS') || ' UTC', 'never')) END;
        ok := coalesce(ok, false);
        RETURN NEXT;
        check_name := 'maintenance_last_run';
        ok := last_log IS NOT NULL;
        detail := CASE WHEN ok THEN pg_catalog.format('the last run logged in hotel_agent.maintenance_log started at %s UTC', pg_catalog.to_char(last_log, 'YYYY-MM-DD HH24:MI:SS'))
                       ELSE 'hotel_agent.maintenance_log shows no run: run CALL hotel_agent.run_maintenance() and schedule it' END;
        RETURN NEXT;
    ELSE
        BEGIN
            -- Jobs of this database that run the maintenance (pg_cron shows
            -- a role only its own jobs, a superuser all of them).
            EXECUTE pg_catalog.format($q$
                SELECT pg_catalog.string_agg(pg_catalog.format('job %%s %%s (%%s, as %%s)', j.jobid,
                           coalesce(j.jobname, ''), j.schedule, j.username), ', ' ORDER BY j.jobid)
                FROM %1$I.job j
                WHERE j.active AND j.database = pg_catalog.current_database()
                  AND j.command ~* 'hotel_agent\.run_maintenance'$q$, cron_schema) INTO jobs;
            check_name := 'maintenance_scheduled';
            ok := jobs IS NOT NULL;
            detail := CASE WHEN ok THEN 'pg_cron runs hotel_agent.run_maintenance(): ' || jobs
                           ELSE 'no active pg_cron job of this database runs hotel_agent.run_maintenance() (pg_cron shows each role only its own jobs): run SELECT hotel_agent.schedule_maintenance()' END;
            RETURN NEXT;

            -- The latest run of each such job.
            EXECUTE pg_catalog.format($q$
                SELECT pg_catalog.count(*) AS jobs,
                       pg_catalog.count(r.runid) AS ran,
                       pg_catalog.string_agg(pg_catalog.format('job %%s (%%s) failed at %%s: %%s', j.jobid,
                           coalesce(j.jobname, j.command), pg_catalog.to_char(pg_catalog.timezone('UTC', r.start_time), 'YYYY-MM-DD HH24:MI:SS "UTC"'), r.return_message), '; ' ORDER BY j.jobid)
                           FILTER (WHERE r.status = 'failed') AS failures,
                       pg_catalog.string_agg(pg_catalog.format('job %%s (%%s) %%s at %%s', j.jobid,
                           coalesce(j.jobname, j.command), r.status, pg_catalog.to_char(pg_catalog.timezone('UTC', r.start_time), 'YYYY-MM-DD HH24:MI:SS "UTC"')), '; ' ORDER BY j.jobid)
                           FILTER (WHERE r.status IS DISTINCT FROM 'failed' AND r.runid IS NOT NULL) AS others
                FROM %1$I.job j
                LEFT JOIN LATERAL (
                    SELECT d.runid, d.status, d.return_message, d.start_time
                    FROM %1$I.job_run_details d
                    WHERE d.jobid = j.jobid
                    ORDER BY d.runid DESC LIMIT 1) r ON true
                WHERE j.active AND j.database = pg_catalog.current_database()
                  AND j.command ~* 'hotel_agent\.run_maintenance'$q$, cron_schema)
                INTO runs_jobs, runs_ran, runs_failures, runs_others;
            check_name := 'maintenance_last_run';
            ok := runs_failures IS NULL;
            detail := CASE
                WHEN runs_failures IS NOT NULL THEN
                    'the latest run failed: ' || runs_failures
                    || '. Fix the cause (the message is pg_cron''s; SELECT * FROM '
                    || pg_catalog.quote_ident(cron_schema) || '.job_run_details ORDER BY runid DESC shows every run), then run CALL hotel_agent.run_maintenance() once by hand to check'
                WHEN runs_jobs = 0 THEN 'no pg_cron job runs hotel_agent.run_maintenance() (see maintenance_scheduled)'
                WHEN runs_ran = 0 THEN 'scheduled, not run yet'
                ELSE 'latest run: ' || runs_others END
                || coalesce(pg_catalog.format('; hotel_agent.maintenance_log: last run at %s UTC', pg_catalog.to_char(last_log, 'YYYY-MM-DD HH24:MI:SS')), '');
            RETURN NEXT;
        EXCEPTION WHEN insufficient_privilege THEN
            check_name := 'maintenance_scheduled';
            ok := false;
            detail := pg_catalog.format('role %s cannot read pg_cron''s tables (%s): run hotel_agent.validate() as the role that scheduled the maintenance or as a superuser',
                                        current_user, SQLERRM);
            RETURN NEXT;
        END;
    END IF;

    -- Password hashes and session tokens are nobody's business but the
    -- backend's.
    SELECT pg_catalog.string_agg(c.relname, ', ' ORDER BY c.relname) INTO readable
    FROM pg_catalog.pg_class c
    WHERE c.relnamespace = '@extschema@'::pg_catalog.regnamespace
      AND c.relname IN ('users', 'user_sessions', 'password_history')
      AND pg_catalog.has_any_column_privilege('public', c.oid, 'SELECT');
    check_name := 'public_cannot_read_users';
    ok := readable IS NULL;
    detail := CASE WHEN ok THEN 'PUBLIC cannot read users, user_sessions or password_history'
                   ELSE pg_catalog.format('PUBLIC can read %s (password hashes, session tokens): REVOKE SELECT ON each FROM PUBLIC (and any column privilege), and give the backend''s role its access with hotel_agent.grant_backend_access()',
                                          readable) END;
    RETURN NEXT;

    -- Two spellings of one guest, written before 1.1.0.
    check_name := 'identifier_conflicts';
    BEGIN
        SELECT pg_catalog.count(*) INTO n_found FROM hotel_agent.identifier_conflicts();
        ok := n_found = 0;
        detail := CASE WHEN ok THEN 'no guest is stored under two spellings'
                       ELSE pg_catalog.format('%s pair(s) of stored identifiers are spellings of one guest: see SELECT * FROM hotel_agent.identifier_conflicts() and remove the wrong one of each pair with hotel_agent.remove_tenant_identifier()', n_found) END;
    EXCEPTION
        WHEN insufficient_privilege THEN
            ok := false;
            detail := pg_catalog.format('cannot read the identifiers as role %s: %s', current_user, SQLERRM);
        WHEN invalid_text_representation THEN
            ok := false;
            detail := pg_catalog.format('cannot compare the stored identifiers (%s): a stored identifier is not a canonical key; see phone_metadata', SQLERRM);
    END;
    RETURN NEXT;

    -- The phone metadata compiled into the library, and whether every
    -- stored identifier is still its canonical key under it.
    metadata := hotel_agent.e164_metadata_version();
    check_name := 'phone_metadata';
    BEGIN
        SELECT pg_catalog.count(*),
               pg_catalog.count(*) FILTER (WHERE hotel_agent.try_normalize_identifier(i.identifier::text)
                                                 IS DISTINCT FROM i.identifier::text)
        INTO n_found, n_stale
        FROM @extschema@.tenant_user_identifiers i;
        ok := n_stale = 0;
        detail := CASE WHEN ok THEN pg_catalog.format('%s; the %s stored identifiers are in its canonical form', metadata, n_found)
                       ELSE pg_catalog.format('%s; %s of the %s stored identifiers are not in its canonical form (a library with other metadata was installed without ALTER EXTENSION hotel_agent UPDATE): run ALTER EXTENSION hotel_agent UPDATE, then REINDEX the indexes on normalize_identifier() or normalize_e164() (README, "Metadata updates and indexes")', metadata, n_stale, n_found) END;
    EXCEPTION WHEN insufficient_privilege THEN
        ok := false;
        detail := pg_catalog.format('%s; cannot read the identifiers as role %s: %s', metadata, current_user, SQLERRM);
    END;
    RETURN NEXT;
END;
$$;
COMMENT ON FUNCTION hotel_agent.validate() IS
'Health check of the installation, one row per check: the tables as this version defines them, library and SQL versions, time zones, scheduled maintenance and its last run, PUBLIC access to users, identifier conflicts, phone metadata';
