// Everyone who shares a phone (bound to the e-voucher) or a household address with a person;
// many cards bound to one phone is a card-collector (职业收卡人) trace.
//
// Parameters:
//   $person_id  string  the person's id                      (Browser: :param person_id => 'P005')
// Returns one row per other person and shared identifier, with the rings that person is in.
MATCH (p:Person {person_id: $person_id})-[:HAS_PHONE|LIVES_AT]->(k)<-[:HAS_PHONE|LIVES_AT]-(other:Person)
WHERE other <> p
RETURN other.person_id AS person_id,
       CASE WHEN k:Phone THEN 'phone' ELSE 'address' END AS shared,
       coalesce(k.phone, k.address) AS value,
       COLLECT { MATCH (other)-[:MEMBER_OF]->(r:Ring) RETURN r.ring_id ORDER BY r.ring_id } AS rings
ORDER BY shared, value, person_id
