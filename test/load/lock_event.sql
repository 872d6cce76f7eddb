-- A Redis lock around a reservation: its events, one call each, as the
-- backend records them. test/load/run.sh expects exactly two rows per
-- transaction pgbench counts for this script.
\set r random(1, 500)
SELECT hotel_agent.record_lock_event('load:reservation:' || :r, 'acquired',
                                     jsonb_build_object('holder_id', 'client-' || :client_id, 'ttl', 30));
SELECT hotel_agent.record_lock_event('load:reservation:' || :r, 'released',
                                     jsonb_build_object('holder_id', 'client-' || :client_id));
