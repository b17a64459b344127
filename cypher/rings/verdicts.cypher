// Investigators' verdicts on rings, for `detect --cases` / `peers --cases` (graphfraud cases --out).
MATCH (r:Ring)
WHERE r.status IN ['confirmed', 'dismissed']
RETURN 'ring' AS entity_type, r.ring_id AS entity_id, r.status AS verdict
ORDER BY entity_id
