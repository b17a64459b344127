// Investigators' verdicts (核查结论) on facilities (医疗机构) from cases.csv (`graphfraud load --cases`), kept on
// the node: `verdict` (confirmed | dismissed) and `verdict_at` (when that verdict was first written;
// row.at when restored after a bulk import).  Only nodes already in the graph; idempotent.
UNWIND $rows AS row
MATCH (n:Facility {facility_id: row.entity_id})
SET n.verdict_at = CASE WHEN n.verdict = row.verdict THEN n.verdict_at ELSE datetime(coalesce(row.at, $at)) END,
    n.verdict = row.verdict
RETURN count(n) AS written
