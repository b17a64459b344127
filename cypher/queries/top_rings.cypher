// Top rings by alert level: red (open a case) first, then orange, then yellow; by rank within a level.
//
// Parameters:
//   $limit  integer  how many rings to list        (Browser: :param limit => 25)
// Returns one row per ring: rank, ring_id, alert, score, typology, persons, doctors,
// claims, fund_amount (yuan), case status and the ring's reasons (疑点).
MATCH (r:Ring)
RETURN r.rank AS rank, r.ring_id AS ring_id, r.alert AS alert, r.score AS score,
       r.typology AS typology, r.persons AS persons, r.doctors AS doctors, r.claims AS claims,
       r.fund_amount AS fund_amount, r.status AS status, r.reasons AS reasons
ORDER BY CASE r.alert WHEN 'red' THEN 0 WHEN 'orange' THEN 1 WHEN 'yellow' THEN 2 ELSE 3 END, r.rank
LIMIT $limit
