-- Every API request: is this JWT still valid? Live (true), revoked, expired
-- within the maintenance's grace, expired long ago (false; the maintenance
-- deletes these meanwhile, still false).
\set u random(601, 2600)
\set k random(1, 4)
SELECT load.expect(hotel_agent.session_is_active(x.jti) = (:k = 1),
                   format('session_is_active(%L) should be %s', x.jti, :k = 1))
FROM (SELECT 'jti-' || (ARRAY['live', 'revoked', 'recent', 'old'])[:k] || '-' || :u AS jti) x;
