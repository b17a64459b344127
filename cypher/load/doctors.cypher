// Doctor nodes (医保医师) and (Doctor)-[:PRACTICES_AT]->(Facility) where the practice site is known.
UNWIND $rows AS row
MERGE (d:Doctor {doctor_id: row.doctor_id})
SET d += row.props
WITH d, row
OPTIONAL MATCH (f:Facility {facility_id: row.facility_id})
FOREACH (x IN CASE WHEN f IS NULL THEN [] ELSE [f] END | MERGE (d)-[:PRACTICES_AT]->(x))
