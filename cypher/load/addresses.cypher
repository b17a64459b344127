// (Person)-[:LIVES_AT]->(Address): household address key; shared addresses are evidence.
UNWIND $rows AS row
MATCH (p:Person {person_id: row.person_id})
MERGE (a:Address {address: row.address})
MERGE (p)-[:LIVES_AT]->(a)
