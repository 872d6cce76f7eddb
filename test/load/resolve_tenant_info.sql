-- The same question when the backend also needs the hotel's hours: the
-- tenant and the stored key that matched (the alias spellings match the
-- canonical key).
\set n random(1, :guests)
\set s random(1, 5)
SELECT load.expect(r.tenant_id IS NOT DISTINCT FROM g.expected
                   AND (g.expected IS NULL OR r.matched_key = g.stored),
                   format('resolve_tenant_info(%L) should be %s', x.raw, coalesce(g.expected, 'no row')))
FROM load.guest g
CROSS JOIN LATERAL (SELECT g.spellings[1 + (:s - 1) % cardinality(g.spellings)] AS raw) x
LEFT JOIN LATERAL hotel_agent.resolve_tenant_info(x.raw) r ON true
WHERE g.n = :n;
