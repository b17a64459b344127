// Verdicts on persons, doctors, facilities and pharmacies (set by `graphfraud load --cases`): exported by
// `graphfraud cases --out` for `detect --cases` / `peers --cases`, and kept across a bulk import.
CALL () {
  MATCH (n:Person) WHERE n.verdict IS NOT NULL
  RETURN 'person' AS entity_type, n.person_id AS entity_id, n.verdict AS verdict, toString(n.verdict_at) AS at
  UNION ALL
  MATCH (n:Doctor) WHERE n.verdict IS NOT NULL
  RETURN 'doctor' AS entity_type, n.doctor_id AS entity_id, n.verdict AS verdict, toString(n.verdict_at) AS at
  UNION ALL
  MATCH (n:Facility) WHERE n.verdict IS NOT NULL
  RETURN 'facility' AS entity_type, n.facility_id AS entity_id, n.verdict AS verdict, toString(n.verdict_at) AS at
  UNION ALL
  MATCH (n:Pharmacy) WHERE n.verdict IS NOT NULL
  RETURN 'pharmacy' AS entity_type, n.pharmacy_id AS entity_id, n.verdict AS verdict, toString(n.verdict_at) AS at
}
RETURN entity_type, entity_id, verdict, at
ORDER BY entity_type, entity_id
