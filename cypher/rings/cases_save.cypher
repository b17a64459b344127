// Every ring's case status, status time, note lines and CaseNote history (oldest first), read
// before a bulk import replaces the database so that the case history is carried over.
// Times are returned as ISO text so the rows can also be kept as a JSON backup file.
MATCH (r:Ring)
OPTIONAL MATCH (r)-[:HAS_NOTE]->(n:CaseNote)
WITH r, n ORDER BY n.at
WITH r, collect(CASE WHEN n IS NULL THEN NULL ELSE
       {note_id: n.note_id, at: toString(n.at), status: n.status, previous: n.previous,
        note: n.note, by: n.by} END) AS case_notes
WHERE r.status <> 'open' OR size(coalesce(r.notes, [])) > 0 OR size(case_notes) > 0
RETURN r.ring_id AS ring_id, r.status AS status, toString(r.status_at) AS status_at,
       coalesce(r.notes, []) AS notes, case_notes
ORDER BY ring_id
