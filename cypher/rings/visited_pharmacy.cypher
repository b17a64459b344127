// Aggregated (:Person)-[:VISITED {claims, fund, first, last}]->(:Pharmacy) for ring persons:
// how many of their claims were at/by this pharmacy, the fund paid (yuan), first and last time.
UNWIND $rows AS row
MATCH (p:Person {person_id: row.person_id})
MATCH (v:Pharmacy {pharmacy_id: row.target_id})
MERGE (p)-[x:VISITED]->(v)
SET x.claims = row.claims, x.fund = row.fund, x.first = row.first, x.last = row.last
