// A doctor's patients who also appear in a ring: how many of their claims this doctor attended
// or prescribed, and the fund paid on them.
//
// Parameters:
//   $doctor_id  string  the doctor's id                      (Browser: :param doctor_id => 'D001')
// Returns one row per (patient, ring).
MATCH (d:Doctor {doctor_id: $doctor_id})<-[:BY]-(c:Claim)<-[:RECEIVED]-(p:Person)-[m:MEMBER_OF]->(r:Ring)
RETURN p.person_id AS person_id, r.ring_id AS ring_id, r.alert AS alert, m.role AS role,
       count(DISTINCT c) AS claims_with_doctor, round(sum(c.fund_amount), 2) AS fund_amount,
       min(c.start_time) AS first, max(c.start_time) AS last
ORDER BY claims_with_doctor DESC, person_id
