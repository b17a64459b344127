// Claim nodes (结算) with (Person)-[:RECEIVED]->(Claim) for the patient,
// (Person)-[:PAID_FOR]->(Claim) for the card holder, (Claim)-[:AT]->(Facility|Pharmacy)
// and (Claim)-[:BY]->(Doctor).  Patients get the Patient label, holders CardHolder.
UNWIND $rows AS row
MERGE (c:Claim {claim_id: row.claim_id})
SET c += row.props
WITH c, row
OPTIONAL MATCH (p:Person {person_id: row.patient_id})
OPTIONAL MATCH (h:Person {person_id: row.holder_id})
OPTIONAL MATCH (f:Facility {facility_id: row.facility_id})
OPTIONAL MATCH (ph:Pharmacy {pharmacy_id: row.pharmacy_id})
OPTIONAL MATCH (d:Doctor {doctor_id: row.doctor_id})
FOREACH (x IN CASE WHEN p IS NULL THEN [] ELSE [p] END | SET x:Patient MERGE (x)-[:RECEIVED]->(c))
FOREACH (x IN CASE WHEN h IS NULL THEN [] ELSE [h] END | SET x:CardHolder MERGE (x)-[:PAID_FOR]->(c))
FOREACH (x IN CASE WHEN f IS NULL THEN [] ELSE [f] END | MERGE (c)-[:AT]->(x))
FOREACH (x IN CASE WHEN ph IS NULL THEN [] ELSE [ph] END | MERGE (c)-[:AT]->(x))
FOREACH (x IN CASE WHEN d IS NULL THEN [] ELSE [d] END | MERGE (c)-[:BY]->(x))
