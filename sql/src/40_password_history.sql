-- Password history: the newest hotel_agent.password_history_keep hashes per
-- user (default 10, 0 = all), pruned per user on every insert (src/password.c).

-- Comments and privileges of the native functions declared in
-- sql/src/c/40_password_history.sql (each build binds its own implementation).
COMMENT ON FUNCTION hotel_agent.password_history_keep() IS
'Effective value of the setting hotel_agent.password_history_keep (0 = keep every hash)';
COMMENT ON FUNCTION hotel_agent.prune_password_history(text, integer) IS
'Deletes the user''s password hashes beyond the newest keep (ties broken by id); returns how many';
REVOKE EXECUTE ON FUNCTION hotel_agent.prune_password_history(text, integer) FROM PUBLIC;
COMMENT ON FUNCTION hotel_agent.password_history_prune() IS
'AFTER INSERT trigger on password_history: prunes the inserting user to hotel_agent.password_history_keep hashes';
REVOKE EXECUTE ON FUNCTION hotel_agent.password_history_prune() FROM PUBLIC;

-- @once
CREATE TRIGGER password_history_prune
    AFTER INSERT ON @extschema@.password_history
    FOR EACH ROW
    EXECUTE FUNCTION hotel_agent.password_history_prune();
-- @end-once

-- The backlog: users over the limit, found through idx_password_history_user_id
-- (in user_id order, so a LIMIT stops the scan early), each pruned with one
-- probe of the same index.
CREATE OR REPLACE FUNCTION hotel_agent.prune_all_password_history(keep integer DEFAULT NULL,
                                                       max_users integer DEFAULT 1000)
RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = ''
AS $$
DECLARE
    k integer := coalesce(keep, hotel_agent.password_history_keep());
    deleted bigint;
BEGIN
    IF k < 0 THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'keep must not be negative',
            DETAIL = format('The value given was %s.', k),
            HINT = 'Use 0 to keep every hash, or NULL for the setting hotel_agent.password_history_keep.';
    END IF;
    IF max_users < 0 THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'max_users must not be negative',
            DETAIL = format('The value given was %s.', max_users),
            HINT = 'Use NULL to prune every user over the limit.';
    END IF;
    IF k = 0 OR max_users = 0 THEN
        RETURN 0;
    END IF;

    WITH over AS (
        SELECT h.user_id
        FROM @extschema@.password_history h
        GROUP BY h.user_id
        HAVING count(*) > k
        ORDER BY h.user_id
        LIMIT max_users
    ), doomed AS (
        SELECT d.ctid
        FROM over o
        CROSS JOIN LATERAL (
            SELECT x.ctid
            FROM @extschema@.password_history x
            WHERE x.user_id = o.user_id
            ORDER BY x.created_at DESC, x.id DESC
            OFFSET k
        ) d
    )
    DELETE FROM @extschema@.password_history p
    USING doomed
    WHERE p.ctid = doomed.ctid;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    RETURN deleted;
END;
$$;
COMMENT ON FUNCTION hotel_agent.prune_all_password_history(integer, integer) IS
'Prunes up to max_users users (NULL = all) that are over the limit; returns the number of rows deleted';
REVOKE EXECUTE ON FUNCTION hotel_agent.prune_all_password_history(integer, integer) FROM PUBLIC;

-- Newest first: what the backend compares a new password against.
CREATE OR REPLACE FUNCTION hotel_agent.password_history_hashes(user_id text, last_n integer DEFAULT NULL)
RETURNS SETOF text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
    n integer := coalesce(last_n, hotel_agent.password_history_keep());
BEGIN
    IF n < 0 THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'last_n must not be negative',
            DETAIL = format('The value given was %s.', n),
            HINT = 'Use 0 for every stored hash, or NULL for the setting hotel_agent.password_history_keep.';
    END IF;
    RETURN QUERY
        SELECT h.password_hash::text
        FROM @extschema@.password_history h
        WHERE h.user_id = password_history_hashes.user_id
        ORDER BY h.created_at DESC, h.id DESC
        LIMIT nullif(n, 0);
END;
$$;
COMMENT ON FUNCTION hotel_agent.password_history_hashes(text, integer) IS
'The user''s newest last_n password hashes, newest first (NULL = the setting, 0 = all)';
