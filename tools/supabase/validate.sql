-- make supabase-validate (tools/supabase.sh): every check of
-- hotel_agent.validate(), one line each; the caller counts the FAILED ones.
SELECT CASE WHEN v.ok THEN 'ok     ' ELSE 'FAILED ' END || v.check_name || ': ' || v.detail
FROM hotel_agent.validate() v;
