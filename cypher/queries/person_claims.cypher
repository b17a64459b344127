// A person's full claim history, newest last: as patient (RECEIVED) and as card holder (PAID_FOR,
// e.g. family mutual aid 家庭共济 or a collected card), with venue, doctor and money.
//
// Parameters:
//   $person_id  string  the person's id                      (Browser: :param person_id => 'P001')
// Returns one row per claim and role.
MATCH (p:Person {person_id: $person_id})-[role:RECEIVED|PAID_FOR]->(c:Claim)
OPTIONAL MATCH (c)-[:AT]->(venue)
OPTIONAL MATCH (c)-[:BY]->(d:Doctor)
OPTIONAL MATCH (patient:Person)-[:RECEIVED]->(c)
OPTIONAL MATCH (holder:Person)-[:PAID_FOR]->(c)
RETURN c.start_time AS time, c.claim_id AS claim_id, type(role) AS role, c.visit_type AS visit_type,
       coalesce(venue.facility_id, venue.pharmacy_id) AS venue, venue.name AS venue_name,
       d.doctor_id AS doctor, patient.person_id AS patient, holder.person_id AS holder,
       c.total_amount AS total_amount, c.fund_amount AS fund_amount, c.diagnosis AS diagnosis,
       c.terminal_id AS terminal
ORDER BY time, claim_id, role
