// The case queue: rings by case status (open, in_progress first), with their latest note.
//
// Parameters:
//   $statuses  list of strings  statuses to show  (Browser: :param statuses => ['open', 'in_progress'])
// Returns one row per ring.
MATCH (r:Ring) WHERE r.status IN $statuses
RETURN r.ring_id AS ring_id, r.status AS status, r.alert AS alert, r.rank AS rank,
       r.status_at AS status_at, last(coalesce(r.notes, [])) AS latest_note
ORDER BY CASE r.status WHEN 'open' THEN 0 WHEN 'in_progress' THEN 1 ELSE 2 END, r.rank
