-- A hotel registers a guest: a new key of a range of its own per value of
-- load.new_guest (two clients never add one key or two spellings of one
-- guest, so 23505 cannot happen here); then the backend resolves it at once
-- from its WhatsApp JID, and re-adds an existing guest in another spelling
-- (the tenant already has it: its key comes back, nothing is written).
-- One transaction, journalled in load.committed (test/load/setup.sql).
\set t random(1, 60)
\set n random(1, :guests)
BEGIN;
SELECT nextval('load.new_guest') AS k \gset
SELECT load.expect(hotel_agent.add_tenant_identifier(x.slug, x.raw, x.region) = x.key,
                   format('add_tenant_identifier(%L, %L) should be %s', x.slug, x.raw, x.key))
FROM (SELECT 'hotel-' || lpad(:t::text, 2, '0') AS slug,
             (ARRAY['+34 7' || lpad(:k::text, 8, '0'), '011 15-' || (50000000 + :k),
                    '52181' || lpad(:k::text, 8, '0') || '@s.whatsapp.net'])[1 + :k % 3] AS raw,
             (ARRAY[NULL, 'AR', NULL])[1 + :k % 3] AS region,
             (ARRAY['+347' || lpad(:k::text, 8, '0'), '+54911' || (50000000 + :k),
                    '+5281' || lpad(:k::text, 8, '0')])[1 + :k % 3] AS key) x;
SELECT load.expect(hotel_agent.resolve_tenant(x.jid) IS NOT DISTINCT FROM
                   (SELECT t.tenant_id FROM public.tenants t WHERE t.tenant_id = x.slug AND t.status = 'active'),
                   format('resolve_tenant(%L) right after adding it to %s', x.jid, x.slug))
FROM (SELECT 'hotel-' || lpad(:t::text, 2, '0') AS slug,
             (ARRAY['347' || lpad(:k::text, 8, '0'), '54911' || (50000000 + :k),
                    '5281' || lpad(:k::text, 8, '0')])[1 + :k % 3] || '@s.whatsapp.net' AS jid) x;
SELECT load.expect(hotel_agent.add_tenant_identifier(g.tenant_id, g.spellings[1]) = g.stored,
                   format('add_tenant_identifier(%L, %L) again should be %s', g.tenant_id, g.spellings[1], g.stored))
FROM load.guest g
WHERE g.n = :n AND g.stored IS NOT NULL;
INSERT INTO load.committed VALUES ('add_identifier', :client_id);
COMMIT;
