// Sets a ring's case status and appends a timestamped note: a (:CaseNote) linked by
// HAS_NOTE (the history, readable in Browser) and a line in the ring's `notes` list.
MATCH (r:Ring {ring_id: $ring_id})
CREATE (n:CaseNote {note_id: $note_id, at: datetime($at), status: $status,
                    previous: r.status, note: $note, by: $by})
CREATE (r)-[:HAS_NOTE]->(n)
SET r.status = $status, r.status_at = datetime($at), r.notes = coalesce(r.notes, []) + [$entry]
RETURN r.ring_id AS ring_id, n.previous AS previous, r.status AS status, size(r.notes) AS notes
