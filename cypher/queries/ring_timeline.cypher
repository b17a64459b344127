// A ring's claims on a timeline: every claim of its person members in time order, marking
// those at the ring's own venues or with its doctors (staged visits return on a cycle).
//
// Parameters:
//   $ring_id  string  the ring's id                          (Browser: :param ring_id => 'R0001')
// Returns one row per claim.
MATCH (r:Ring {ring_id: $ring_id})<-[:MEMBER_OF]-(p:Person)-[:RECEIVED]->(c:Claim)
OPTIONAL MATCH (c)-[:AT]->(venue)
OPTIONAL MATCH (c)-[:BY]->(d:Doctor)
RETURN date(c.start_time) AS day, c.start_time AS time, p.person_id AS person_id,
       c.claim_id AS claim_id, c.visit_type AS visit_type,
       coalesce(venue.facility_id, venue.pharmacy_id) AS venue, d.doctor_id AS doctor,
       c.fund_amount AS fund_amount,
       EXISTS { (venue)-[:MEMBER_OF]->(r) } OR EXISTS { (d)-[:MEMBER_OF]->(r) } AS in_ring
ORDER BY time, person_id
