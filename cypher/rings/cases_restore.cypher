// Puts back the case history read by cases_save.cypher: each ring's status, status time and
// note lines (a ring of an earlier run that this load does not have keeps its id and history),
// and its CaseNote nodes linked by HAS_NOTE.  Idempotent (MERGE on ring_id and note_id).
UNWIND $rows AS row
MERGE (r:Ring {ring_id: row.ring_id})
SET r.status = row.status, r.notes = row.notes,
    r.status_at = CASE WHEN row.status_at IS NULL THEN NULL ELSE datetime(row.status_at) END
WITH r, row
UNWIND row.case_notes AS c
MERGE (n:CaseNote {note_id: c.note_id})
SET n.at = datetime(c.at), n.status = c.status, n.previous = c.previous, n.note = c.note, n.by = c.by
MERGE (r)-[:HAS_NOTE]->(n)
