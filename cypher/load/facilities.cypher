// Facility nodes (定点医疗机构).
UNWIND $rows AS row
MERGE (f:Facility {facility_id: row.facility_id})
SET f += row.props
