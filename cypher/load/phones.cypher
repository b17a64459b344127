// (Person)-[:HAS_PHONE]->(Phone): the phone bound to a person's e-voucher; shared phones are evidence.
UNWIND $rows AS row
MATCH (p:Person {person_id: row.person_id})
MERGE (ph:Phone {phone: row.phone})
MERGE (p)-[:HAS_PHONE]->(ph)
