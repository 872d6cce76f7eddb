-- An incoming WhatsApp message: which hotel is the guest writing to? A
-- random guest (one in 25 a stranger), in one of the spellings it writes
-- from (JID, device JID, bare digits, an alias form, @lid, e-mail).
\set n random(1, :guests)
\set s random(1, 5)
SELECT load.expect(hotel_agent.resolve_tenant(x.raw) IS NOT DISTINCT FROM g.expected,
                   format('resolve_tenant(%L) should be %s', x.raw, coalesce(g.expected, 'NULL')))
FROM load.guest g, LATERAL (SELECT g.spellings[1 + (:s - 1) % cardinality(g.spellings)] AS raw) x
WHERE g.n = :n;
