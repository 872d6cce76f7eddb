-- Comments and privileges of the native functions declared in
-- sql/src/c/20_identifier.sql (each build binds its own implementation).
COMMENT ON FUNCTION hotel_agent.normalize_e164(text, text) IS
'Phone number to E.164 (+ and up to 15 digits); raises 22P02 on an invalid number, 22023 on an unknown region';
COMMENT ON FUNCTION hotel_agent.try_normalize_e164(text, text) IS
'Like normalize_e164, but NULL instead of an error for an invalid number';
COMMENT ON FUNCTION hotel_agent.normalize_identifier(text, text) IS
'E-mail to trimmed lower case, anything else (tel:, whatsapp:, WhatsApp JIDs) to E.164';
COMMENT ON FUNCTION hotel_agent.try_normalize_identifier(text, text) IS
'Like normalize_identifier, but NULL instead of an error for an invalid identifier';
COMMENT ON FUNCTION hotel_agent.phone_match_keys(text) IS
'The keys one subscriber is known under: the E.164 number first, then its variants (AR mobile 9, MX legacy 1, BR ninth digit)';
COMMENT ON FUNCTION hotel_agent.e164_metadata_version() IS
'The libphonenumber metadata release the phone tables were generated from';
