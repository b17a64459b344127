"""Words of the report in Chinese (default) or English: labels, and reasons in plain language.

A reason is said from its code and its values (``args``, the last column of
``ring_reasons.csv``), never from its English text: the English sentence is
the one template of its code at detection
(:data:`graphfraud.score.reasons.TEMPLATES`), the Chinese sentence is the one
of :data:`SENTENCES` here, and both show the numbers as detection printed them
(:func:`graphfraud.score.reasons.printed`: ``0.594`` as ``59%``), followed by
a note on how to check it from the pack's files.  A reason without values
(from an output directory written before ``ring_reasons.csv`` had ``args``)
is shown as its English text, as it is, without a note.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graphfraud.score.reasons import printed, template, variant

#: code -> (Chinese sentences, one for each English template of the code in
#: ``score.reasons.TEMPLATES`` and with the same fields; how to check (zh); how to check (en)).
#: Sentences and notes are filled with the values as detection printed them (``{share}`` is ``59%``).
#: The benign codes have none: their groups are in explained.csv, never in a pack.
SENTENCES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "steering": (
        ("医师 {doctor} 的 {doctor_patients} 名患者中有 {patients} 名（{share}）在就诊后 {follow_days} 天内到药店 "
         "{pharmacy} 购药，而同机构其他医师的患者仅 {peer_share}（倍数 {lift}，z 值 {z}；仅计基金支付不低于 {min_fund} "
         "元的购药）",),
        "claims.csv 中该医师就诊后 {follow_days} 天内同一人在该药店、基金支付不低于门槛的购药记录；分母、门槛与同行基线见 steering.csv",
        "pharmacy purchases in claims.csv with fund >= the threshold within the follow-up days of a visit to the doctor; denominators, threshold and peer baseline in steering.csv",
    ),
    "co_admission": (
        ("{persons} 人中有 {regulars} 人在 {venue} 的 {days} 个集体入院日中至少 4 天一同入院",
         "{persons} 人在 {venue} 的 {days} 个日子里成批入院"),
        "claims.csv 中主要机构的住院记录按 day 与 person_id 计数",
        "inpatient claims at the main venue in claims.csv, counted by day and person_id",
    ),
    "lockstep": (
        ("{persons} 人中有 {regulars} 人在 {venue} 的同样 {days} 个日子里至少 4 天同时出现",),
        "claims.csv 中主要机构的记录按 day 与 person_id 计数",
        "claims at the main venue in claims.csv, counted by day and person_id",
    ),
    "arrival_gap": (
        ("团伙日内成员相继到达的时间间隔中位数为 {minutes} 分钟",),
        "claims.csv 中主要机构记录的 start_time 排序后，同日相邻两条之差的中位数",
        "median difference of consecutive start_time values on the same day at the main venue in claims.csv",
    ),
    "cycle": (
        ("{days} 天周期：团伙日之间的间隔有 {regularity} 与之相差不超过 1 天",),
        "claims.csv 中主要机构的不同 day 之间的间隔",
        "gaps between the distinct days at the main venue in claims.csv",
    ),
    "cost_ratio": (
        ("每笔基金支付为同类（相同就诊类型与诊断）其他结算的 {ratio} 倍（{ring} 元对 {peers} 元）",),
        "claims.csv 的 fund_amount 与 cost_cell；同类全部结算的笔数与金额见 baselines.csv（减去本团伙自身）",
        "fund_amount and cost_cell in claims.csv; all claims per cell in baselines.csv (minus the ring's own)",
    ),
    "dominance": (
        ("团伙结算占 {venue} 全部结算的 {share}",),
        "claims.csv 中该机构的笔数除以 venues.csv 的 all_claims",
        "the venue's claims in claims.csv divided by all_claims in venues.csv",
    ),
    "shared_phone": (
        ("{addresses} 个不同住址的 {persons} 人绑定同一手机号 {phone}",),
        "members.csv 的 phone 与 address 列",
        "the phone and address columns of members.csv",
    ),
    "out_of_region": (
        ("{persons} 人中有 {outside} 人的参保地不在 {venue} 所在区划 {region}",),
        "members.csv 的 region 与 venues.csv 的 region",
        "region in members.csv against region in venues.csv",
    ),
    "off_hours": (
        ("{share} 的团伙结算发生在 07:00 之前或 19:00 之后",),
        "claims.csv 的 off_hours 列（由 start_time 得出）",
        "the off_hours column of claims.csv (from start_time)",
    ),
    "high_value": (
        ("{share} 的费用来自单价不低于 200 元的项目",),
        "claims.csv 的 high_value_amount 之和除以 total_amount 之和",
        "sum of high_value_amount over sum of total_amount in claims.csv",
    ),
    "dup_trace": (
        ("{claims} 笔结算售出的药品追溯码在其他结算中也出现过（疑似回流药）",),
        "claims.csv 的 dup_trace、resold_trace_codes 与 trace_also_in 列",
        "the dup_trace, resold_trace_codes and trace_also_in columns of claims.csv",
    ),
    "after_death": (
        ("{claims} 笔结算发生在患者或持卡人死亡之后",),
        "claims.csv 的 start_time 与 patient_death_date、holder_death_date",
        "start_time against patient_death_date and holder_death_date in claims.csv",
    ),
    "split_admission": (
        ("{admissions} 次入院距同一机构上次出院不超过 3 天（疑似分解住院）",),
        "claims.csv 的 split_admission 与 previous_discharge 列",
        "the split_admission and previous_discharge columns of claims.csv",
    ),
    "money": (
        ("团伙 {claims} 笔结算共由基金支付 {fund} 元",),
        "claims.csv 的 fund_amount 之和与行数",
        "sum of fund_amount and number of rows in claims.csv",
    ),
    "learned": (
        ("模型根据 {verdicts} 条核查结论学习：确认概率 {probability}（{model}），规则分 {rule}；影响最大的特征：{top}",),
        "检测输出目录 run.json 的 learned 记录（交叉验证 ROC AUC、model.pkl 的 SHA-256）",
        "the learned record of run.json in the detect output (cross-validated ROC AUC, SHA-256 of model.pkl)",
    ),
}  # fmt: skip

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
    values: tuple[str, ...]  # the values as the sentence prints them, in English sentence order (empty without args)


def say(code: str, args: Mapping[str, object] | None, lang: str, *, text: str = "") -> Wording:
    """A reason in ``lang`` (``zh`` or ``en``), from its code and values, with how to check it.

    Parameters
    ----------
    code : str
        The reason's code (``off_hours``).
    args : mapping or None
        The values its sentence is made of (``ring_reasons.csv`` column ``args``);
        None for a reason of a detect run that wrote no args.
    lang : {"zh", "en"}
    text : str, default ""
        The English sentence of detection, shown as it is when ``args`` is None.

    Examples
    --------
    >>> say("off_hours", {"share": 0.5939}, "zh").text
    '59% 的团伙结算发生在 07:00 之前或 19:00 之后'
    >>> say("off_hours", {"share": 0.5939}, "en").text
    '59% of ring claims before 07:00 or after 19:00'
    >>> say("off_hours", None, "zh", text="59% of ring claims before 07:00 or after 19:00").check
    ''
    """
    if args is None:
        return Wording(code, text, "", ())
    shown = printed(code, args)
    values = tuple(shown.values())
    english = template(code, args).format(**args)
    entry = SENTENCES.get(code)
    if entry is None:  # a benign code: said in English, without a note
        return Wording(code, english, "", values)
    sentences, check_zh, check_en = entry
    if lang == "en":
        return Wording(code, english, check_en.format(**shown), values)
    sentence = variant(sentences, args)
    if sentence is None:
        raise ValueError(f"reason {code!r} has no Chinese sentence with the values ({', '.join(args)})")
    return Wording(code, sentence.format(**shown), check_zh.format(**shown), values)
