-- hotel_agent 1.0.0 to 1.1.0 (README, "Upgrading").
--
-- First every function of 1.1.0, as a fresh install defines it (the check
-- that the library is at least 1.1.0 comes first); then the stored
-- identifiers in the new normaliser's canonical form; then the divergences
-- from schema.sql that 1.1.0 makes. The last two are shared with the
-- install script.

-- @replay

-- @include 25_identifier_keys.sql

-- @include 90_divergences.sql
