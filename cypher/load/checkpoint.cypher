// Records how many batches of one load step are committed, in the batch's own transaction,
// so that an interrupted load resumes after the last committed batch.
MERGE (s:GraphfraudLoad {key: $key})
SET s.step = $step, s.batches = $batches, s.rows = $rows, s.fingerprint = $fingerprint
