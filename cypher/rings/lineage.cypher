// Ring lineage (lineage.csv of `detect --previous`): (:Ring)-[:CONTINUES]->(:Ring) of the previous run.
// The closest predecessor's case status, status time and notes carry over once to a ring still 'open',
// and its case notes (HAS_NOTE) are linked to the new ring too: the case history follows the ring.
UNWIND $rows AS row
MATCH (r:Ring {ring_id: row.ring_id})
MATCH (p:Ring {ring_id: row.previous_ring_id})
WITH r, p, row WHERE r <> p
MERGE (r)-[c:CONTINUES]->(p)
SET c.status = row.status, c.members_added = row.members_added, c.members_removed = row.members_removed,
    r.lineage = row.status
WITH r, p, row
WHERE row.primary AND coalesce(r.status, 'open') = 'open' AND coalesce(p.status, 'open') <> 'open'
      AND r.carried_from IS NULL
SET r.status = p.status, r.status_at = p.status_at, r.carried_from = p.ring_id,
    r.notes = coalesce(p.notes, []) + coalesce(r.notes, [])
WITH r, p
OPTIONAL MATCH (p)-[:HAS_NOTE]->(n:CaseNote)
FOREACH (_ IN CASE WHEN n IS NULL THEN [] ELSE [1] END | MERGE (r)-[:HAS_NOTE]->(n))
