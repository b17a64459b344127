// Card bursts at one settlement terminal (POS): runs of claims with less than $gap_minutes
// between consecutive swipes, paid with at least $min_cards different persons' cards
// (one operator swiping many collected cards, 刷卡).
//
// Parameters:
//   $terminal_id  string   terminal id                       (Browser: :param terminal_id => 'PH001-POS2')
//   $gap_minutes  number   a longer gap ends a burst         (Browser: :param gap_minutes => 10)
//   $min_cards    integer  smallest number of cards to show  (Browser: :param min_cards => 3)
// Returns one row per burst, in time order.
MATCH (c:Claim {terminal_id: $terminal_id})
WITH c ORDER BY c.start_time
WITH collect(c) AS cs
WITH cs, [i IN range(0, size(cs) - 1)
          WHERE i = 0 OR duration.inSeconds(cs[i - 1].start_time, cs[i].start_time).seconds >= $gap_minutes * 60] AS starts
UNWIND range(0, size(starts) - 1) AS k
WITH cs[starts[k] .. coalesce(starts[k + 1], size(cs))] AS burst
UNWIND burst AS b
MATCH (h:Person)-[:PAID_FOR]->(b)
WITH burst, collect(DISTINCT h.person_id) AS cards, sum(b.fund_amount) AS fund,
     min(b.start_time) AS first, max(b.start_time) AS last
WHERE size(cards) >= $min_cards
RETURN first AS burst_start, last AS burst_end, size(burst) AS claims, size(cards) AS cards,
       round(fund, 2) AS fund_amount, cards AS card_holders
ORDER BY burst_start
