// Batches already committed for one load step (none when the step never ran).
OPTIONAL MATCH (s:GraphfraudLoad {key: $key})
RETURN coalesce(s.batches, 0) AS batches
