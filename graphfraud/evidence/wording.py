"""Words of the report in Chinese (default) or English: labels, and reasons in plain language.

A reason's English text (``ring_reasons.csv``) is parsed back into its
numbers by the pattern of its code, then said again in the report's
language, with a note on how to check it from the pack's files.  A reason
whose text matches no pattern is shown as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

N = r"([-\d.,]+|nan)"
ID = r"(\S*?)"

#: code -> (pattern of the English text, Chinese template, how to check (zh), how to check (en)).
PATTERNS: dict[str, tuple[str, str, str, str]] = {
    "steering": (
        rf"{N} of {N} patients of {ID} \({N}%\) bought at {ID} within {N} days of the visit, vs {N}% of peer "
        rf"doctors' patients \(lift {N}x, z = {N}\), counting purchases with fund >= {N} yuan",
        "医师 {2} 的 {1} 名患者中有 {0} 名（{3}%）在就诊后 {5} 天内到药店 {4} 购药，而同机构其他医师的患者仅 {6}%"
        "（倍数 {7}，z 值 {8}；仅计基金支付不低于 {9} 元的购药）",
        "claims.csv 中该医师就诊后 {5} 天内同一人在该药店、基金支付不低于门槛的购药记录；分母、门槛与同行基线见 steering.csv",
        "pharmacy purchases in claims.csv with fund >= the threshold within the follow-up days of a visit to the doctor; denominators, threshold and peer baseline in steering.csv",
    ),
    "co_admission": (
        rf"{N} of {N} persons admitted to {ID} together on >= 4 of {N} group admission days",
        "{1} 人中有 {0} 人在 {2} 的 {3} 个集体入院日中至少 4 天一同入院",
        "claims.csv 中主要机构的住院记录按 day 与 person_id 计数",
        "inpatient claims at the main venue in claims.csv, counted by day and person_id",
    ),
    "lockstep": (
        rf"{N} of {N} persons were at {ID} on >= 4 of the same {N} days",
        "{1} 人中有 {0} 人在 {2} 的同样 {3} 个日子里至少 4 天同时出现",
        "claims.csv 中主要机构的记录按 day 与 person_id 计数",
        "claims at the main venue in claims.csv, counted by day and person_id",
    ),
    "arrival_gap": (
        rf"median {N} min between consecutive member arrivals on ring days",
        "团伙日内成员相继到达的时间间隔中位数为 {0} 分钟",
        "claims.csv 中主要机构记录的 start_time 排序后，同日相邻两条之差的中位数",
        "median difference of consecutive start_time values on the same day at the main venue in claims.csv",
    ),
    "cycle": (
        rf"{N}-day cycle: {N}% of gaps between ring days within 1 day of it",
        "{0} 天周期：团伙日之间的间隔有 {1}% 与之相差不超过 1 天",
        "claims.csv 中主要机构的不同 day 之间的间隔",
        "gaps between the distinct days at the main venue in claims.csv",
    ),
    "cost_ratio": (
        rf"fund per claim {N}x that of other claims with the same visit type and diagnosis \({N} vs {N} yuan\)",
        "每笔基金支付为同类（相同就诊类型与诊断）其他结算的 {0} 倍（{1} 元对 {2} 元）",
        "claims.csv 的 fund_amount 与 cost_cell；同类全部结算的笔数与金额见 baselines.csv（减去本团伙自身）",
        "fund_amount and cost_cell in claims.csv; all claims per cell in baselines.csv (minus the ring's own)",
    ),
    "dominance": (
        rf"ring claims are {N}% of all claims at {ID}",
        "团伙结算占 {1} 全部结算的 {0}%",
        "claims.csv 中该机构的笔数除以 venues.csv 的 all_claims",
        "the venue's claims in claims.csv divided by all_claims in venues.csv",
    ),
    "shared_phone": (
        rf"{N} persons at {N} addresses bound to one phone {ID}",
        "{1} 个不同住址的 {0} 人绑定同一手机号 {2}",
        "members.csv 的 phone 与 address 列",
        "the phone and address columns of members.csv",
    ),
    "out_of_region": (
        rf"{N} of {N} persons insured outside {ID}'s region {ID}",
        "{1} 人中有 {0} 人的参保地不在 {2} 所在区划 {3}",
        "members.csv 的 region 与 venues.csv 的 region",
        "region in members.csv against region in venues.csv",
    ),
    "off_hours": (
        rf"{N}% of ring claims before 07:00 or after 19:00",
        "{0}% 的团伙结算发生在 07:00 之前或 19:00 之后",
        "claims.csv 的 off_hours 列（由 start_time 得出）",
        "the off_hours column of claims.csv (from start_time)",
    ),
    "high_value": (
        rf"{N}% of the amount billed on items priced >= 200 yuan",
        "{0}% 的费用来自单价不低于 200 元的项目",
        "claims.csv 的 high_value_amount 之和除以 total_amount 之和",
        "sum of high_value_amount over sum of total_amount in claims.csv",
    ),
    "dup_trace": (
        rf"{N} claims sold a drug box whose traceability code was also sold elsewhere",
        "{0} 笔结算售出的药品追溯码在其他结算中也出现过（疑似回流药）",
        "claims.csv 的 dup_trace、resold_trace_codes 与 trace_also_in 列",
        "the dup_trace, resold_trace_codes and trace_also_in columns of claims.csv",
    ),
    "after_death": (
        rf"{N} claims after the patient's or card holder's death",
        "{0} 笔结算发生在患者或持卡人死亡之后",
        "claims.csv 的 start_time 与 patient_death_date、holder_death_date",
        "start_time against patient_death_date and holder_death_date in claims.csv",
    ),
    "split_admission": (
        rf"{N} admissions within 3 days of a discharge from the same facility \(split stays\)",
        "{0} 次入院距同一机构上次出院不超过 3 天（疑似分解住院）",
        "claims.csv 的 split_admission 与 previous_discharge 列",
        "the split_admission and previous_discharge columns of claims.csv",
    ),
    "money": (
        rf"{N} yuan paid by the fund on {N} ring claims",
        "团伙 {1} 笔结算共由基金支付 {0} 元",
        "claims.csv 的 fund_amount 之和与行数",
        "sum of fund_amount and number of rows in claims.csv",
    ),
}

TYPOLOGY = {
    "zh": {"staged_clinic": "虚构诊疗（诊所团伙）", "card_collector": "职业收卡人（药店刷卡）",
           "induced_admission": "诱导住院 / 挂床", "kickback": "医师—药店处方引流（回扣）",
           "split_admission": "分解住院", "claims_after_death": "死亡后结算", "other": "其他"},
    "en": {"staged_clinic": "staged clinic", "card_collector": "professional card collector",
           "induced_admission": "induced or phantom hospitalisation", "kickback": "doctor-pharmacy steering (kickbacks)",
           "split_admission": "split admissions", "claims_after_death": "claims after death", "other": "other"},
}  # fmt: skip
ALERT = {
    "zh": {"red": "红色（建议立案）", "orange": "橙色（现场核查）", "yellow": "黄色（约谈提醒）"},
    "en": {"red": "red (open a case)", "orange": "orange (on-site check)", "yellow": "yellow (reminder letter)"},
}
ROLE = {
    "zh": {"organizer": "组织者", "doctor": "医师", "recruit": "被招募人员", "card_holder": "持卡人",
           "patient": "患者", "venue": "机构/药店"},
    "en": {"organizer": "organizer", "doctor": "doctor", "recruit": "recruit", "card_holder": "card holder",
           "patient": "patient", "venue": "venue"},
}  # fmt: skip
ENTITY = {
    "zh": {"person": "参保人", "doctor": "医师", "facility": "医疗机构", "pharmacy": "零售药店"},
    "en": {"person": "person", "doctor": "doctor", "facility": "facility", "pharmacy": "pharmacy"},
}


@dataclass(frozen=True)
class Wording:
    """One reason said in the report's language."""

    code: str
    text: str  # the sentence with its numbers
    check: str  # how to recompute it from the pack
    numbers: tuple[str, ...]  # the numbers and names parsed from the English text (empty if unparsed)


def parse(code: str, text: str) -> tuple[str, ...] | None:
    """The numbers and names in a reason's English text, or None when it matches no pattern.

    >>> parse("arrival_gap", "median 2.5 min between consecutive member arrivals on ring days")
    ('2.5',)
    >>> parse("money", "1,234.50 yuan paid by the fund on 12 ring claims")
    ('1,234.50', '12')
    """
    pattern = PATTERNS.get(code)
    if pattern is None:
        return None
    match = re.fullmatch(pattern[0], text.strip())
    return match.groups() if match else None


def say(code: str, text: str, lang: str) -> Wording:
    """A reason in ``lang`` (``zh`` or ``en``), with how to check it.

    >>> say("off_hours", "59% of ring claims before 07:00 or after 19:00", "zh").text
    '59% 的团伙结算发生在 07:00 之前或 19:00 之后'
    """
    numbers = parse(code, text)
    if numbers is None:
        return Wording(code, text, "", ())
    _, zh, check_zh, check_en = PATTERNS[code]
    if lang == "zh":
        return Wording(code, zh.format(*numbers), check_zh.format(*numbers), numbers)
    return Wording(code, text, check_en, numbers)
