"""Words of the report in Chinese (default) or English: labels, and reasons in plain language.

A reason is said from its code and its values (``args``, the last column of
``ring_reasons.csv``), never from its English text: the English sentence is
the one template of its code at detection
(:data:`graphfraud.score.reasons.TEMPLATES`), the Chinese sentence is the one
of :data:`graphfraud.score.wording.SENTENCES` (shared with the workbook, the
terminal views and Neo4j, with the one glossary of terms), and both show the numbers as detection printed them
(:func:`graphfraud.score.reasons.printed`: ``0.594`` as ``59%``), followed by
a note on how to check it from the pack's files.  A reason without values
(from an output directory written before ``ring_reasons.csv`` had ``args``)
is shown as its English text, as it is, without a note.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graphfraud.score.reasons import TEMPLATES, fields, printed, variant
from graphfraud.score.wording import SENTENCES  # noqa: F401 (re-exported)
from graphfraud.score.wording import say as said

#: code -> (how to check it from the pack's files, zh; en), filled with the values as detection printed them.
#: The benign codes have none: their groups are in explained.csv, never in a pack.
CHECKS: dict[str, tuple[str, str]] = {
    "steering": (
        "claims.csv 中该医师就诊后 {follow_days} 天内同一人在该药店、医保支付（统筹基金与个人账户）不低于门槛的购药记录（另列的现金支付成员：total_amount 不低于门槛；另列的未就诊成员：该药店结算的开方医师 doctor_id 为该医师）；分母、门槛、同行基线与该药店的高值购药人数见 steering.csv",
        "pharmacy purchases in claims.csv with insurance money (fund + personal account) >= the threshold within the follow-up days of a visit to the doctor (the members who paid cash: total_amount >= the threshold; the members without a visit: the pharmacy's claim names the doctor as prescriber, doctor_id); denominators, threshold, peer baseline and the pharmacy's high-value buyers in steering.csv",
    ),
    "indication": (
        "claims.csv 中成员在该医疗机构因该诊断的门诊就诊及其后 {follow_days} 天内在该药店的购药记录（total_amount）；"
        "同一诊断的药店购药金额中位数与全部“机构—诊断—药店”组合的比例来自全部结算数据，不在本证据包内",
        "members' outpatient visits to the facility for the diagnosis in claims.csv and their purchases at the pharmacy "
        "within {follow_days} days after (total_amount); the median purchase of the diagnosis and the share over every "
        "facility-diagnosis-pharmacy triple come from all claims, not in this pack",
    ),
    "two_homes": (
        "claims.csv 中该机构有时间且有 doctor_id 的全部结算：同一 doctor_id 在同一分钟（start_time）有两名以上 person_id 即为"
        "同一时刻身在两户；每名服务对象此类结算占其结算的比例达 {at_once_from} 者，或其结算的 {keyed_from} 以上在同一钟点分钟者，留在团伙内",
        "all the venue's claims in claims.csv with a time and a doctor_id: two or more person_id of one doctor_id at one "
        "minute (start_time) are two homes at once; a client with at least {at_once_from} of their claims so, or "
        "{keyed_from} of them at one time of day, stays in the ring",
    ),
    "batch_swipes": (
        "claims.csv 中团伙在药店的购药记录按 pharmacy_id 与 start_time 排序：同一药店连续 {batch_cards} 笔以上、不同 "
        "person_id、每笔距上一笔不超过 {batch_gap} 分钟为一批",
        "the ring's pharmacy purchases in claims.csv ordered by pharmacy_id and start_time: {batch_cards} or more in "
        "a row at one pharmacy, of different person_id, each within {batch_gap} min of the one before, are a batch",
    ),
    "twice_swiped": (
        "claims.csv 中团伙在该机构的结算：同一 person_id 同一天在同一 facility_id 有两笔以上结算者为当天再次结算；与该机构其他结算的同一比例相比",
        "the ring's claims in claims.csv at the venue: two or more claims of one person_id at one facility_id on one "
        "day are a card billed again that day; compared with the same share of the venue's other claims",
    ),
    "helper_phone": (
        "persons.csv 中绑定同一 phone 的成员；claims.csv 中各成员在该机构的就诊日数除以首末就诊日间的周数，取成员中位数，"
        "乘以每月 4.348 周；facilities.csv 的 kind 与 ownership；claim_items.csv 中单价 200 元及以上项目的金额占比",
        "the members bound to one phone in persons.csv; each member's days at the venue in claims.csv over the weeks "
        "from their first to last day there, the median over members, times 4.348 weeks a month; kind and ownership "
        "in facilities.csv; the share of the amount on claim_items.csv lines priced 200 yuan or more",
    ),
    "maintenance_cadence": (
        "claims.csv 中各成员在该机构的就诊日（start_time 的日期）：每人每周的就诊日数与最常见的星期几，取成员中位数；"
        "持续周数为首末就诊日所在的自然周数（含首末两周）",
        "each member's days at the venue in claims.csv (the date of start_time): their visit days a week and their "
        "commonest weekdays, the median over members; the weeks are the calendar weeks from the first to the last "
        "day, both counted",
    ),
    "holder_sessions": (
        "claims.csv 中该药店带时刻的购药记录按 start_time 排序：相邻两笔不超过 10 分钟为同一次连续刷卡，含团伙卡 2 张以上者为持卡人的一次刷卡；"
        "其中他人卡的购药 total_amount 不低于该店全部购药的 90% 分位数者计入",
        "the pharmacy's timed purchases in claims.csv sorted by start_time: purchases within 10 minutes of the one "
        "before are one sitting, a sitting with 2 or more of the ring's cards is the holder's; another card's purchase "
        "in it with total_amount at or above the 90th percentile of the shop's purchases is counted",
    ),
    "campaign_recalls": (
        "claims.csv 中该机构的门诊与门诊慢特病记录（不含住院）按 day 统计每日就诊人数：不少于 8 人且不低于该机构有就诊日中位数 4 倍的日子为集中就诊日；"
        "每人自首个集中就诊日起 21 天内在该机构恰有一个就诊日、其后 60 天内没有，即为恰好复诊一次",
        "outpatient and chronic claims at the venue in claims.csv (no stays), persons counted by day: a day with 8 or "
        "more and 4 times the median of the venue's days with a visit is a campaign day; a person with exactly one "
        "more day at the venue in the 21 days after their first campaign day and none in the 60 days after that was "
        "billed once more",
    ),
    "fund_checkups": (
        "claims.csv 中该机构诊断为 Z00 或 Z10-Z13（未导出诊断时：claim_items.csv 中至少 2 行且全部为 exam、lab 类别，成年人）"
        "且 fund_amount 大于 0 的门诊记录，按 day 计数（每日不少于 8 笔为一批，相隔 7 天以上为另一次）；"
        "第 147 步：在 90% 以上结算均为此类批量结算的机构，既无诊断也无 claim_items 明细的门诊记录一并计入；"
        "第 155 步：批量记录过半为 Z10-Z13 筛查、半年内复查不足 3 人的机构，按 270 天内 person_id 再次出现计数",
        "outpatient claims at the venue in claims.csv with a Z00 or Z10-Z13 diagnosis (without a diagnosis: 2 or more fee lines in "
        "claim_items.csv, every one of category exam or lab, for an adult) and fund_amount above 0, counted by day "
        "(8 or more on a day a batch; more than 7 days after the last, another campaign); step 147: at a venue whose "
        "claims are 90% or more such batches, outpatient claims with neither a diagnosis nor a claim_items line count too; "
        "step 155: at a venue whose batches are mostly Z10-Z13 screenings, with fewer than 3 persons back within 180 days, "
        "a person_id seen again within 270 days is counted",
    ),
    "co_admission": (
        "claims.csv 中主要机构的住院记录按 day 与 person_id 计数",
        "inpatient claims at the main venue in claims.csv, counted by day and person_id",
    ),
    "lockstep": (
        "claims.csv 中主要机构的记录（理由列出其他机构时，另加成员在该机构同日至少 3 人结算的记录）按 day 与 person_id 计数",
        "claims at the main venue in claims.csv (where the reason names other venues, also the claims there on days when "
        "at least 3 members were billed there), counted by day and person_id",
    ),
    "arrival_gap": (
        "claims.csv 中主要机构记录的 start_time 排序后，同日相邻两条之差的中位数",
        "median difference of consecutive start_time values on the same day at the main venue in claims.csv",
    ),
    "cycle": (
        "claims.csv 中主要机构的不同 day 之间的间隔",
        "gaps between the distinct days at the main venue in claims.csv",
    ),
    "relay": (
        "claims.csv 中主要机构各批人员的首末 day：每批的人只在本批的日期内出现，下一批在上一批结束后开始",
        "the first and last day of each cohort's persons at the main venue in claims.csv: each cohort's persons only "
        "within its own days, the next cohort beginning after the last one ends",
    ),
    "cost_ratio": (
        "claims.csv 的 fund_amount 与 cost_cell；同类全部结算的笔数与金额见 baselines.csv（减去本团伙自身）",
        "fund_amount and cost_cell in claims.csv; all claims per cell in baselines.csv (minus the ring's own)",
    ),
    "dominance": (
        "claims.csv 中该机构的笔数除以 venues.csv 的 all_claims",
        "the venue's claims in claims.csv divided by all_claims in venues.csv",
    ),
    "shared_phone": (
        "members.csv 的 phone 与 address 列",
        "the phone and address columns of members.csv",
    ),
    "out_of_region": (
        "members.csv 的 region 与 venues.csv 的 region",
        "region in members.csv against region in venues.csv",
    ),
    "off_hours": (
        "claims.csv 的 off_hours 列（由 start_time 得出）",
        "the off_hours column of claims.csv (from start_time)",
    ),
    "high_value": (
        "claims.csv 的 high_value_amount 之和除以 total_amount 之和",
        "sum of high_value_amount over sum of total_amount in claims.csv",
    ),
    "dup_trace": (
        "claims.csv 的 dup_trace、resold_trace_codes 与 trace_also_in 列",
        "the dup_trace, resold_trace_codes and trace_also_in columns of claims.csv",
    ),
    "misused_cards": (
        "claims.csv 的 start_time 与 patient_death_date、holder_death_date（死亡后结算），members.csv 的 phone 与 address（同一手机绑定多个住址的卡）；"
        "该机构与同类机构的卡数、被标记的卡数，以及各项同样使用检验的卡数与概率见 peers.csv（graphfraud verify 据此重算）",
        "start_time against patient_death_date and holder_death_date in claims.csv (after death), phone and address "
        "in members.csv (one phone, cards of several addresses); the institution's and its peers' cards, flagged "
        "cards and the counts and chance of each same-way test in peers.csv (graphfraud verify recomputes them)",
    ),
    "card_load": (
        "claims.csv 中该机构的结算按 person_id 计次数与 total_amount；同类结算（相同就诊类型与诊断、同类机构）的常见费用、"
        "该卡在其他机构的费用与同类机构的比率来自全部结算数据，不在本证据包内",
        "claims at the institution in claims.csv, counted by person_id with their total_amount; the usual cost of such "
        "claims (same visit type and diagnosis, institutions of the same kind), the card's claims elsewhere and the "
        "peers' rate come from all claims, not in this pack",
    ),
    "batch_cards": (
        "claims.csv 中该药店的购药记录按 start_time 排序：连续 {batch_cards} 笔以上不同 person_id、每笔距上一笔不超过 "
        "{gap_minutes} 分钟为一批；该药店其他顾客的成批比率来自全部结算数据，不在本证据包内",
        "the purchases at the pharmacy in claims.csv ordered by start_time: {batch_cards} or more in a row of different "
        "person_id, each within {gap_minutes} min of the one before, are a batch; the shop's other customers' batched "
        "rate comes from all claims, not in this pack",
    ),
    "kept_cards": (
        "claims.csv 中该机构的结算按 person_id 计结算日期与间隔，members.csv 的 address 计户数；同类机构的卡数与比率来自全部结算数据，"
        "不在本证据包内",
        "claims at the clinic in claims.csv, their days and intervals per person_id, households by address in "
        "members.csv; the peer clinics' cards and rate come from all claims, not in this pack",
    ),
    "paid_for_others": (
        "claims.csv 中该药店的结算按 holder_id 与 person_id 计代付的次数与 total_amount，members.csv 的 address 辨户；"
        "同类购药的常见费用与其他药店的比率来自全部结算数据，不在本证据包内",
        "purchases at the pharmacy in claims.csv, counted per holder_id and person_id with their total_amount, "
        "households by address in members.csv; the usual cost of such purchases and the other pharmacies' rate "
        "come from all claims, not in this pack",
    ),
    "after_death": (
        "claims.csv 的 start_time 与 patient_death_date、holder_death_date",
        "start_time against patient_death_date and holder_death_date in claims.csv",
    ),
    "repeat_stays": (
        "claims.csv 中主要机构的住院记录按 person_id 计入院次数（距上次出院不超过 split_days 天的再入院并作一次）；"
        "该机构与每家同类机构的住院人数和反复住院人数见 peers.csv，同类比率为各同类机构（反复住院人数+1）/（住院人数+2）的中位数"
        "（graphfraud verify 据此重算）；分解住院理由（含 splits）则按出院后 split_days 天内的再入院次数计（中途结算不计）",
        "inpatient claims at the main venue in claims.csv, admissions counted by person_id (a stay within split_days "
        "of a discharge counted with it); the venue's and each peer's inpatients and repeat patients in peers.csv, "
        "the peers' rate being the median of (repeat patients + 1) / (inpatients + 2) (graphfraud verify recomputes them); "
        "a split-stays reason (with splits) counts readmissions within split_days of a discharge instead (settlement "
        "cuts not counted)",
    ),
    "split_admission": (
        "claims.csv 的 split_admission 与 previous_discharge 列",
        "the split_admission and previous_discharge columns of claims.csv",
    ),
    "money": (
        "claims.csv 的 fund_amount 之和与行数",
        "sum of fund_amount and number of rows in claims.csv",
    ),
    "learned": (
        "检测输出目录 run.json 的 learned 记录（交叉验证 ROC AUC、model.pkl 的 SHA-256）",
        "the learned record of run.json in the detect output (cross-validated ROC AUC, SHA-256 of model.pkl)",
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Wording:
    """One reason said in the report's language."""

    code: str
    text: str  # the sentence with its numbers
    check: str  # how to recompute it from the pack
    values: tuple[str, ...]  # the values as the sentence prints them, in English sentence order (empty without args)


def say(code: str, args: Mapping[str, object] | None, lang: str, *, text: str = "") -> Wording:
    """A reason in ``lang`` (``zh`` or ``en``), from its code and values, with how to check it.

    Parameters
    ----------
    code : str
        The reason's code (``off_hours``).
    args : mapping or None
        The values its sentence is made of (``ring_reasons.csv`` column ``args``);
        None for a reason of a detect run that wrote no args; values that no sentence of today
        takes (a run written before the sentences said their thresholds) count as None.
    lang : {"zh", "en"}
    text : str, default ""
        The English sentence of detection, shown as it is when ``args`` is None.

    Examples
    --------
    >>> say("off_hours", {"share": 0.5939, "off_hours_share_from": 0.1}, "zh").text
    '59% 的团伙结算发生在 07:00 之前或 19:00 之后（超过 10% 起计分）'
    >>> say("off_hours", {"share": 0.5939, "off_hours_share_from": 0.1}, "en").text
    '59% of ring claims before 07:00 or after 19:00 (scored above 10%)'
    >>> say("off_hours", None, "zh", text="59% of ring claims before 07:00 or after 19:00").check
    ''
    """
    if args is None or variant(TEMPLATES.get(code, ()), args) is None:
        return Wording(code, text, "", ())
    shown = printed(code, args)
    values = tuple(shown.values())
    entry = CHECKS.get(code)
    if entry is None:  # a benign code: no note (its group is in explained.csv, never in a pack)
        return Wording(code, said(code, args, lang), "", values)
    check = entry[0] if lang == "zh" else entry[1]
    if not set(fields(check)) <= set(shown):  # another sentence of the code, with its own note (step 150)
        check = OTHER_CHECKS[code][0 if lang == "zh" else 1]
    return Wording(code, said(code, args, lang), check.format(**shown), values)


#: The notes of a code's other sentence where its values differ from the first's (``two_homes``, step 150: dates
#: only, the clients billed the same amount on every visit).
OTHER_CHECKS: dict[str, tuple[str, str]] = {
    "two_homes": (
        "claims.csv 中该机构的全部结算按 person_id 计 total_amount：就诊 {visits_from} 次及以上、其结算的 {alike_from} "
        "为同一金额者，留在团伙内",
        "all the venue's claims in claims.csv, per person_id with their total_amount: a client of {visits_from} visits "
        "or more with {alike_from} of them at one amount stays in the ring",
    ),
}
