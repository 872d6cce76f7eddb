-- A Redis lock around a reservation: its events, one call each, as the
-- backend records them, in one transaction journalled in load.committed
-- (test/load/check.sql expects exactly two events per journal row).
\set r random(1, 500)
BEGIN;
SELECT hotel_agent.record_lock_event('load:reservation:' || :r, 'acquired',
                                     jsonb_build_object('holder_id', 'client-' || :client_id, 'ttl', 30));
SELECT hotel_agent.record_lock_event('load:reservation:' || :r, 'released',
                                     jsonb_build_object('holder_id', 'client-' || :client_id));
INSERT INTO load.committed VALUES ('lock_event', :client_id);
COMMIT;
