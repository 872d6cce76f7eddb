-- @if supabase
-- Safe on Supabase. Its Data API (PostgREST) exposes schema public to the
-- roles anon and authenticated, and older projects grant them everything
-- on new tables, sequences and functions in public by default. The six
-- tables hold password hashes and sessions: row level security is enabled
-- on each, with no policy, so that a role without BYPASSRLS reads and
-- writes none of their rows, and anon and authenticated lose every
-- privilege on them and on what else this script created in public. The
-- functions live in schema hotel_agent, which the Data API does not expose.
-- Roles that do not exist (a plain PostgreSQL) are skipped.
-- @once
ALTER TABLE @extschema@.users ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.user_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.password_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.tenant_user_identifiers ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.lock_audit ENABLE ROW LEVEL SECURITY;

DO $revoke$
DECLARE
    r text;
BEGIN
    FOR r IN
        SELECT a.rolname FROM pg_catalog.pg_roles a
        WHERE a.rolname OPERATOR(pg_catalog.=) ANY (ARRAY['anon', 'authenticated'])
        ORDER BY 1
    LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON TABLE @extschema@.users, @extschema@.user_sessions, '
            '@extschema@.password_history, @extschema@.tenants, @extschema@.tenant_user_identifiers, '
            '@extschema@.lock_audit FROM %I', r);
        EXECUTE pg_catalog.format('REVOKE ALL ON SEQUENCE @extschema@.password_history_id_seq, '
            '@extschema@.tenants_id_seq, @extschema@.tenant_user_identifiers_id_seq, '
            '@extschema@.lock_audit_id_seq FROM %I', r);
        EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION @extschema@.update_updated_at_column() FROM %I', r);
    END LOOP;
END;
$revoke$;
-- @end-once
-- @endif
