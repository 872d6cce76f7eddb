-- Password history, pure-SQL build: the same pruning as src/password.c,
-- as one DELETE per user (the query the C code falls back to), serialized
-- per user by a transaction-level advisory lock on the user's bucket.
--
-- Both pruning functions plan their DELETE with bitmap and sequential
-- scans off, so that the user's rows are read by a plain index scan, as
-- the C code reads them: a plain index scan marks the index entries of
-- rows it finds dead (pruned by earlier inserts) and later scans skip
-- them, where a bitmap scan, the planner's choice for a dozen scattered
-- rows, visits the heap page of every row pruned since the last vacuum
-- on every insert (doc/benchmarks.md, supabase (3)).
--
-- Differences from the extension, none visible to the backend's calls:
-- * hotel_agent.password_history_keep is a plain placeholder setting here
--   (no library registers it): a bad value is refused when read, by
--   password_history_keep(), not when set;
-- * in REPEATABLE READ or SERIALIZABLE, a concurrent password change of
--   the same user that committed after this transaction's snapshot is not
--   detected (the C code raises 40001): the user may keep one hash more
--   until the next prune.

CREATE OR REPLACE FUNCTION hotel_agent.password_history_keep() RETURNS integer
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
    v text := current_setting('hotel_agent.password_history_keep', true);
BEGIN
    IF v IS NULL OR v = '' THEN
        RETURN 10;
    END IF;
    IF v !~ '^\s*[0-9]{1,7}\s*$' OR v::integer > 1000000 THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('invalid value for parameter "hotel_agent.password_history_keep": "%s"', v),
            HINT = 'Valid values are between "0" and "1000000".';
    END IF;
    RETURN v::integer;
END;
$$;

-- Not STRICT: keep NULL means the setting. A NULL user_id gives NULL.
CREATE OR REPLACE FUNCTION hotel_agent.prune_password_history(user_id text, keep integer DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = ''
SET enable_bitmapscan = off
SET enable_seqscan = off
AS $$
DECLARE
    k integer;
    deleted integer;
BEGIN
    -- no user, no answer: checked before keep, as in the extension
    IF prune_password_history.user_id IS NULL THEN
        RETURN NULL;
    END IF;
    IF keep IS NULL THEN
        k := hotel_agent.password_history_keep();
    ELSIF keep < 0 THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'keep must not be negative',
            DETAIL = format('The value given was %s.', keep),
            HINT = 'Use 0 to keep every hash, or NULL for the setting hotel_agent.password_history_keep.';
    ELSE
        k := keep;
    END IF;
    IF k = 0 THEN
        RETURN 0;
    END IF;

    -- One pruner per user at a time (256 buckets, the low 8 bits of the
    -- hash, as src/locks.c and the identifier trigger).
    PERFORM pg_advisory_xact_lock(x'4841'::integer,
        (hashtextextended(prune_password_history.user_id, 0) & 255)::integer);
    DELETE FROM @extschema@.password_history p
    WHERE p.id = ANY (ARRAY(
        SELECT h.id FROM @extschema@.password_history h
        WHERE h.user_id = prune_password_history.user_id
        ORDER BY h.created_at DESC, h.id DESC OFFSET k));
    GET DIAGNOSTICS deleted = ROW_COUNT;
    RETURN deleted;
END;
$$;

CREATE OR REPLACE FUNCTION hotel_agent.password_history_prune() RETURNS trigger
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = ''
SET enable_bitmapscan = off
SET enable_seqscan = off
AS $$
DECLARE
    k integer;
BEGIN
    IF TG_WHEN <> 'AFTER' OR TG_LEVEL <> 'ROW' OR TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION USING ERRCODE = '39P01',
            MESSAGE = 'hotel_agent.password_history_prune() must be fired AFTER INSERT FOR EACH ROW';
    END IF;
    IF TG_RELID <> '@extschema@.password_history'::regclass THEN
        RAISE EXCEPTION USING ERRCODE = '39P01',
            MESSAGE = format('trigger function hotel_agent.password_history_prune() cannot run on relation "%s"', TG_TABLE_NAME),
            DETAIL = 'The function prunes the table @extschema@.password_history only.',
            HINT = 'Only the triggers that CREATE EXTENSION hotel_agent creates may call this function.';
    END IF;
    -- The pruning of prune_password_history(), not a call to it: that
    -- function is not executable by PUBLIC, and a trigger fires for every
    -- role that may INSERT (the C trigger calls no SQL function either).
    k := hotel_agent.password_history_keep();
    IF k = 0 OR NEW.user_id IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM pg_advisory_xact_lock(x'4841'::integer,
        (hashtextextended(NEW.user_id, 0) & 255)::integer);
    DELETE FROM @extschema@.password_history p
    WHERE p.id = ANY (ARRAY(
        SELECT h.id FROM @extschema@.password_history h
        WHERE h.user_id = NEW.user_id
        ORDER BY h.created_at DESC, h.id DESC OFFSET k));
    RETURN NULL;
END;
$$;
