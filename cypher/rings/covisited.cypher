// In-ring (:Person)-[:CO_VISITED {ring_id, times, weight, venues}]->(:Person): two members of one
// ring at the same venue on the same day `times` times; weight = times / visit-days of the
// rarer visitor (1.0: every visit of one was with the other).  One relationship per pair
// and ring, from the smaller person_id to the larger.
UNWIND $rows AS row
MATCH (a:Person {person_id: row.a})
MATCH (b:Person {person_id: row.b})
MERGE (a)-[c:CO_VISITED {ring_id: row.ring_id}]->(b)
SET c.times = row.times, c.weight = row.weight, c.venues = row.venues
