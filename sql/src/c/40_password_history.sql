CREATE OR REPLACE FUNCTION hotel_agent.password_history_keep() RETURNS integer
AS 'MODULE_PATHNAME', 'hotel_agent_password_history_keep'
LANGUAGE C STABLE PARALLEL SAFE;

-- Not STRICT: keep NULL means the setting. A NULL user_id gives NULL.
CREATE OR REPLACE FUNCTION hotel_agent.prune_password_history(user_id text, keep integer DEFAULT NULL)
RETURNS integer
AS 'MODULE_PATHNAME', 'hotel_agent_prune_password_history'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

CREATE OR REPLACE FUNCTION hotel_agent.password_history_prune() RETURNS trigger
AS 'MODULE_PATHNAME', 'hotel_agent_password_history_prune'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
