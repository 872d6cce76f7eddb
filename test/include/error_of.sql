-- pg_temp.error_of(query): runs a statement and reports the SQLSTATE and
-- message of its error, or 'no error'. Used by test/sql/4x-7x_*.sql.
CREATE FUNCTION pg_temp.error_of(query text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE query;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;
