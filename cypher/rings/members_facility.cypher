// (:Facility)-[:MEMBER_OF {role, role_zh, score}]->(:Ring) for ring_members.csv rows with entity_type 'facility'.
UNWIND $rows AS row
MATCH (r:Ring {ring_id: row.ring_id})
MATCH (x:Facility {facility_id: row.entity_id})
MERGE (x)-[m:MEMBER_OF]->(r)
SET m.role = row.role, m.role_zh = row.role_zh, m.score = row.score
