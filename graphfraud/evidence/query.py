"""query.cypher: a parameterised Neo4j Browser script that shows the pack's ring."""

from __future__ import annotations

from graphfraud.io.rings import check_ring_id

TEMPLATE = """// Ring {ring_id} in Neo4j Browser (graphfraud evidence pack).
// Load the claims and rings first: graphfraud load DATA_DIR --rings OUT_DIR
// Then paste this file into Browser (multi-statement editor) and run it.
:param ringId => '{ring_id}';

// 1. The ring, its members and their roles (graph view).
MATCH (r:Ring {{ring_id: $ringId}})<-[m:MEMBER_OF]-(x)
RETURN r, m, x;

// 2. Members and roles as a table.
MATCH (r:Ring {{ring_id: $ringId}})<-[m:MEMBER_OF]-(x)
RETURN labels(x) AS labels,
       coalesce(x.person_id, x.doctor_id, x.facility_id, x.pharmacy_id) AS id,
       m.role AS role, m.score AS score
ORDER BY role, id;

// 3. The members' claims at the ring's own venues (graph view; first 500).
MATCH (r:Ring {{ring_id: $ringId}})<-[:MEMBER_OF]-(p:Person)-[:RECEIVED|PAID_FOR]->(c:Claim)-[:AT]->(v)-[:MEMBER_OF]->(r)
RETURN p, c, v
LIMIT 500;
"""


def ring_query(ring_id: str) -> str:
    """The text of query.cypher for ``ring_id``, checked against the ring id grammar first.

    No quote, backslash or newline can reach the Cypher text: an id outside
    :data:`graphfraud.io.rings.RING_ID` raises ``ContractError``.

    >>> print(ring_query("R1").splitlines()[3])
    :param ringId => 'R1';
    """
    return TEMPLATE.format(ring_id=check_ring_id(ring_id, file="rings.csv"))
