// A ring's case status and its note history, oldest first.
MATCH (r:Ring {ring_id: $ring_id})
OPTIONAL MATCH (r)-[:HAS_NOTE]->(n:CaseNote)
WITH r, n ORDER BY n.at
RETURN r.ring_id AS ring_id, r.status AS status, n.at AS at, n.previous AS previous,
       n.status AS changed_to, n.by AS by, n.note AS note
