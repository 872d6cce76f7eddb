-- Comments and privileges of the native functions declared in
-- sql/src/c/10_core.sql (each build binds its own implementation).
COMMENT ON FUNCTION hotel_agent.version() IS 'Version of the loaded hotel_agent library';
