// Person nodes (参保人) with their attributes; Patient/CardHolder labels come with the claims.
UNWIND $rows AS row
MERGE (p:Person {person_id: row.person_id})
SET p += row.props
