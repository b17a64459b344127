// One ring as a graph: the ring, its members (persons, doctors, facilities, pharmacies), where
// its persons went (VISITED: claims, fund, first, last) and who went together (CO_VISITED).
// Best viewed in Browser's graph view.
//
// Parameters:
//   $ring_id  string  the ring's id, e.g. from top_rings     (Browser: :param ring_id => 'R0001')
// Returns rows of (ring, membership, member, visit, venue or doctor, co-visit, co-visitor).
MATCH (r:Ring {ring_id: $ring_id})<-[m:MEMBER_OF]-(x)
OPTIONAL MATCH (x:Person)-[v:VISITED]->(place)
OPTIONAL MATCH (x:Person)-[cv:CO_VISITED {ring_id: r.ring_id}]->(y:Person)
RETURN r, m, x, v, place, cv, y
