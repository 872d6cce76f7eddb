-- The operator's maintenance, over and over for the whole run (one client
-- of its own): small batches, so it commits often between the backend's
-- transactions.
CALL hotel_agent.run_maintenance(200);
