-- Identifier normalisation: phone numbers to E.164, e-mails to one canonical
-- form. The parsing is native C (src/e164.c, src/email.c) driven by
-- libphonenumber metadata compiled into the library.
--
-- IMMUTABLE: the result depends only on the arguments and on the metadata
-- compiled into this version of the library. A metadata update ships as a new
-- extension version, after which expression indexes on these functions must
-- be rebuilt (REINDEX), as the README says.
--
-- Not STRICT where default_region may be NULL: NULL means "no default
-- region", not "unknown". A NULL raw input returns NULL.

CREATE OR REPLACE FUNCTION hotel_agent.normalize_e164(raw text, default_region text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'hotel_agent_normalize_e164'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION hotel_agent.try_normalize_e164(raw text, default_region text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'hotel_agent_try_normalize_e164'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION hotel_agent.normalize_identifier(raw text, default_region text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'hotel_agent_normalize_identifier'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION hotel_agent.try_normalize_identifier(raw text, default_region text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'hotel_agent_try_normalize_identifier'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION hotel_agent.phone_match_keys(e164 text)
RETURNS text[]
AS 'MODULE_PATHNAME', 'hotel_agent_phone_match_keys'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OR REPLACE FUNCTION hotel_agent.e164_metadata_version()
RETURNS text
AS 'MODULE_PATHNAME', 'hotel_agent_e164_metadata_version'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
