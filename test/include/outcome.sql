-- pg_temp.outcome(stmt): runs a statement and shows its outcome: the
-- result, or the SQLSTATE, message, detail, hint and constraint of its
-- error. Used by test/sql/10_identifier.sql and the tenant tests.
CREATE FUNCTION pg_temp.outcome(stmt text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	result text;
	st text; msg text; det text; hnt text; con text;
BEGIN
	EXECUTE stmt INTO result;
	RETURN coalesce(result, 'NULL');
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
		det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT, con = CONSTRAINT_NAME;
	RETURN st || ' ' || msg || ' | ' || coalesce(det, '') || ' | ' || coalesce(hnt, '')
		|| CASE WHEN con <> '' THEN ' | constraint ' || con ELSE '' END;
END $$;
