// What became of a ring since the previous run, on the ring itself: 'new' (this run) or 'ended'
// (a ring of the previous run with no successor); linked rings get theirs in lineage.cypher.
UNWIND $rows AS row
MATCH (r:Ring {ring_id: row.ring_id})
SET r.lineage = row.lineage
