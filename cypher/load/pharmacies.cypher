// Pharmacy nodes (定点零售药店).
UNWIND $rows AS row
MERGE (ph:Pharmacy {pharmacy_id: row.pharmacy_id})
SET ph += row.props
