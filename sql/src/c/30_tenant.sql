-- Normalisation on write.
CREATE OR REPLACE FUNCTION hotel_agent.normalize_identifier_trigger() RETURNS trigger
AS 'MODULE_PATHNAME', 'hotel_agent_normalize_identifier_trigger'
LANGUAGE C;

-- Resolution on read (hot path: C, no SET clause; it qualifies everything).
CREATE OR REPLACE FUNCTION hotel_agent.resolve_tenant(identifier text, default_region text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'hotel_agent_resolve_tenant'
LANGUAGE C STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION hotel_agent.resolve_tenant_info(identifier text, default_region text DEFAULT NULL,
    OUT tenant_pk integer,
    OUT tenant_id text,
    OUT name text,
    OUT status text,
    OUT business_hours_start integer,
    OUT business_hours_end integer,
    OUT business_hours_timezone text,
    OUT open_now boolean,
    OUT matched_key text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'hotel_agent_resolve_tenant_info'
LANGUAGE C STABLE PARALLEL SAFE ROWS 1;

CREATE OR REPLACE FUNCTION hotel_agent.tenant_is_open(tenant_slug text, at timestamptz DEFAULT pg_catalog.now())
RETURNS boolean
AS 'MODULE_PATHNAME', 'hotel_agent_tenant_is_open'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- The rule tenant_is_open() applies to business_hours_timezone, also behind
-- the check constraint tenants_business_hours_timezone_check (1.1.0).
CREATE OR REPLACE FUNCTION hotel_agent.is_valid_time_zone(name text) RETURNS boolean
AS 'MODULE_PATHNAME', 'hotel_agent_is_valid_time_zone'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
