// Ring nodes (团伙) from rings.csv.  A new ring starts with case status 'open'; re-loading
// keeps the case status and notes.  Alert levels also become labels (RedAlert, OrangeAlert,
// YellowAlert) so that Browser's style.grass can colour rings by alert.
UNWIND $rows AS row
MERGE (r:Ring {ring_id: row.ring_id})
ON CREATE SET r.status = 'open', r.notes = []
SET r += row.props
REMOVE r:RedAlert:OrangeAlert:YellowAlert
FOREACH (_ IN CASE WHEN row.alert = 'red' THEN [1] ELSE [] END | SET r:RedAlert)
FOREACH (_ IN CASE WHEN row.alert = 'orange' THEN [1] ELSE [] END | SET r:OrangeAlert)
FOREACH (_ IN CASE WHEN row.alert = 'yellow' THEN [1] ELSE [] END | SET r:YellowAlert)
