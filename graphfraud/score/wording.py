"""One glossary and one set of sentences for everything people read: Chinese first, English on request.

Every output that shows a ring to a person (``rings``, ``show``, the workbook,
the evidence pack, the ring properties written to Neo4j) names typologies,
alert levels, roles and entity kinds with the words of :data:`GLOSSARY`, and
says each reason with :func:`say`: from its code and its values (``args``,
the last column of ``ring_reasons.csv``), never by translating the English
text.  The English sentence is the one template of the code
(:data:`graphfraud.score.reasons.TEMPLATES`), the Chinese sentence the one of
:data:`SENTENCES`; both print the numbers the same way
(:func:`graphfraud.score.reasons.printed`: ``0.594`` as ``59%``), so the two
languages agree digit for digit.

Layer: in ``score``, below ``views``, ``export``, ``evidence`` and ``neo4j``,
which all import it (the evidence pack adds how to check each reason,
:mod:`graphfraud.evidence.wording`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping

from graphfraud.contract import ROLE_TABLE, TYPOLOGY_TABLE
from graphfraud.errors import ParamError
from graphfraud.score.reasons import TEMPLATES, printed, template, variant

LANGS = ("zh", "en")

#: code -> the Chinese sentences, one for each English template of the code in
#: ``score.reasons.TEMPLATES`` and with the same fields, filled with the values as printed.
SENTENCES: dict[str, tuple[str, ...]] = {
    "steering": (
        "医师 {doctor} 的 {doctor_patients} 名患者中有 {patients} 名（{share}）在就诊后 {follow_days} 天内到药店 "
        "{pharmacy} 购药，而同行医师的患者仅 {peer_share}（倍数 {lift}，z 值 {z}；仅计医保支付（统筹基金与个人账户）不低于 {min_fund} "
        "元的购药）；超出同行比例的 {excess} 名患者占该药店 {pharmacy_buyers} 名高值购药人的 {business}（倍数超过 {lift_from}、"
        "z 值超过 {steering_z_from} 或占比超过 {steering_business_from} 起计分）",
        "医师 {doctor} 的 {doctor_patients} 名患者中有 {patients} 名（{share}）在就诊后 {follow_days} 天内到药店 "
        "{pharmacy} 购药，而同行医师的患者仅 {peer_share}（倍数 {lift}，z 值 {z}；仅计医保支付（统筹基金与个人账户）不低于 {min_fund} "
        "元的购药）；超出同行比例的 {excess} 名患者占该药店 {pharmacy_buyers} 名高值购药人的 {business}（倍数超过 {lift_from}、"
        "z 值超过 {steering_z_from} 或占比超过 {steering_business_from} 起计分）；另有该医师的 {self_paid} 名患者在该药店"
        "购买同等价位的药品而医保支付较少（现金或个人账户支付，如药店未纳入门诊统筹），一并列为成员，其金额不计入",
        "医师 {doctor} 的 {doctor_patients} 名患者中有 {patients} 名（{share}）在就诊后 {follow_days} 天内到药店 "
        "{pharmacy} 购药，而同行医师的患者仅 {peer_share}（倍数 {lift}，z 值 {z}；按药品价格计，不论由谁支付（含现金，医保支付很少或为零），"
        "仅计不低于 {min_price} 元的购药）；超出同行比例的 {excess} 名患者占该药店 {pharmacy_buyers} 名高值购药人的 {business}"
        "（倍数超过 {lift_from}、z 值超过 {steering_z_from} 或占比超过 {steering_business_from} 起计分）",
        "医师 {doctor} 的 {doctor_patients} 名患者中有 {patients} 名（{share}）在就诊后 {follow_days} 天内到另一机构 "
        "{site} 结算，而同行医师的患者仅 {peer_share}（倍数 {lift}，z 值 {z}）；超出同行比例的 {excess} 名患者占该机构 "
        "{site_patients} 名门诊患者的 {business}（疑似检查引流收取回扣，如影像或检验；倍数超过 {lift_from}、"
        "z 值超过 {steering_z_from} 或占比超过 {steering_business_from} 起计分）",
    ),
    "indication": (
        "因诊断 {diagnosis} 在 {site} 门诊就诊、并于就诊后 {follow_days} 天内到药店 {pharmacy} 购药的 {buyers} 人中，有 {patients} 人"
        "（{share}）在该药店的购药金额达该诊断药店购药金额中位数的 {ratio} 倍以上，而全部医疗机构与药店中同一诊断的此类购药人仅 "
        "{peer_share}（倍数 {lift}，z 值 {z}；在 {tested} 个有此类购药人的“机构—诊断—药店”组合中偶然出现的概率为 {chance}）；"
        "数据中无医师编号，以就诊诊断代替开方医师（疑似处方引流，倍数超过 {lift_from} 或 z 值超过 {steering_z_from} 起计分）",
        "因诊断 {diagnosis} 在 {site} 门诊就诊、并于就诊后 {follow_days} 天内到药店 {pharmacy} 购药的 {buyers} 人中，有 {patients} 人"
        "（{share}）在该药店的购药金额达该诊断药店购药金额中位数的 {ratio} 倍以上，而全部医疗机构与药店中同一诊断的此类购药人仅 "
        "{peer_share}（倍数 {lift}，z 值 {z}；在 {tested} 个有此类购药人的“机构—诊断—药店”组合中偶然出现的概率为 {chance}）；"
        "数据中无医师编号，以就诊诊断代替开方医师（疑似处方引流，倍数超过 {lift_from} 或 z 值超过 {steering_z_from} 起计分）；"
        "同一药店或连锁的另外 {more} 个组合（其他医疗机构、诊断或门店）同样超出偶然，此类购药人共 {persons} 人",
    ),
    "learned": ("模型根据 {verdicts} 条核查结论学习：确认概率 {probability}（{model}），规则分 {rule}；影响最大的特征：{top}",),
    "two_homes": (
        "{venue} 的 {persons} 名服务对象中有 {kept} 人的上门服务被结算为护理员同一时刻身在两户（其中 {once} 人：其服务的 {at_once_from} "
        "以上与同一护理员为另一服务对象的服务在同一分钟）或与之同样固定录入在同一时刻（其服务的 {keyed_from} 以上）；"
        "居家护理站的服务对象按排班在同一天接受服务而并不在一处，故团伙仅为这 {kept} 人（不计分）",
        "{venue} 的 {persons} 名服务对象中有 {kept} 人每次上门服务的结算金额都相同（其服务的 {alike_from} 为同一金额，"
        "{visits_from} 次及以上），是护理站按模板录入，而非护理员实际服务的时长；"
        "居家护理站的服务对象按排班在同一天接受服务而并不在一处，故团伙仅为这 {kept} 人（不计分）",
    ),
    "batch_swipes": (
        "该团伙 {purchases} 笔药店购药中有 {batched} 笔（{share}）成批刷卡，多在 {pharmacy}：{cards} 张卡，连续 "
        "{batch_cards} 张以上、每张距上一张不超过 {batch_gap} 分钟；凭处方被引流的患者是一个个来的，来的是卡而不是人"
        "（占 {batch_share_from} 起定为收卡刷卡；不计分）",
    ),
    "twice_swiped": (
        "该团伙在 {venue} 的 {claims} 笔结算中有 {twice} 笔（{share}）所用的卡当天在该机构再次结算，该机构其他结算为 {usual}："
        "患者一天看一次病，收卡人持卡当场再刷（高出该机构 {twice_excess_from} 起定为收卡刷卡；不计分）",
    ),
    "helper_phone": (
        "其中 {phone} 人绑定同一手机号，视为代办人（如社区网格员为独居老人代取慢病药）的手机：每张卡每月在该机构就诊 {monthly} 天"
        "（不超过 {monthly_from} 天视为代办），机构未登记为民营、为基层医疗机构，无高值项目，费用为同类的 {cost_ratio} 倍，无死亡后结算",
    ),
    "maintenance_cadence": (
        "成员各自每周就诊 {weekly} 次，{timetable} 的就诊在各自固定的星期几，持续 {weeks} 周：连续数月的治疗是维持性治疗，"
        "维持性血液透析每周 3 次，超出的治疗次数疑为未实际治疗而结算（每周 {weekly_from} 次、持续 {weeks_from} 周起；不计分）",
    ),
    "holder_sessions": (
        "另有 {joined} 张卡在 {shop} 的 {sessions} 次连续刷卡中与团伙卡逐张相继刷卡（{claims} 笔，每张距前一笔不超过 {gap} 分钟，"
        "每笔不低于 {dear} 元，属该店金额最高的 {tail}）：同一人手持多卡逐张刷卡（不计分）",
    ),
    "campaign_recalls": (
        "{venue} 在 {campaign_days} 个集中就诊日（历时 {months} 个月；当日不少于 {batch} 人且为该机构日中位数 {median_day} 人的 "
        "{fold} 倍）接诊的 {persons} 人中，{recalled} 人（{share}）在 {recall} 天内恰好再就诊一次、此后 {quiet} 天未再就诊："
        "集中就诊的人群随后各回各处，几乎人人恰好复诊一次，疑为只结算未诊疗的虚构复诊（{share_from} 起计分）",
    ),
    "fund_checkups": (
        "{venue} 以一般检查（Z00，无主诉）向统筹基金结算 {persons} 人的体检 {claims} 笔，分 {campaigns} 次成批开展"
        "（{batch_days} 个批量日，历时 {months} 个月），其中 {again} 人半年内体检两次：健康体检不属基本医保支付范围，"
        "集体体检只开展一次（{campaigns_from} 次起计分）",
        "{venue} 以一般检查（Z00，或未导出诊断时费用明细仅为检查、化验的体检套餐 {packages} 笔）向统筹基金结算 {persons} 人的体检 "
        "{claims} 笔，分 {campaigns} 次成批开展（{batch_days} 个批量日，历时 {months} 个月），其中 {again} 人半年内体检两次："
        "健康体检不属基本医保支付范围，集体体检只开展一次（{campaigns_from} 次起计分）",
        "{venue} 以一般检查或专项筛查（Z00、Z10-Z13，无主诉；其中筛查 {screenings} 笔）向统筹基金结算 {persons} 人的体检、筛查 "
        "{claims} 笔，分 {campaigns} 次成批开展（{batch_days} 个批量日，历时 {months} 个月），其中 {again} 人半年内检查两次："
        "健康体检与公共卫生筛查均不属基本医保支付范围，集体体检或一轮筛查只开展一次（{campaigns_from} 次起计分）",
        "{venue} 以一般检查或专项筛查（Z00、Z10-Z13，无主诉；其中筛查 {screenings} 笔；或未导出诊断时费用明细仅为检查、化验的体检套餐 "
        "{packages} 笔）向统筹基金结算 {persons} 人的体检、筛查 {claims} 笔，分 {campaigns} 次成批开展（{batch_days} 个批量日，"
        "历时 {months} 个月），其中 {again} 人半年内检查两次：健康体检与公共卫生筛查均不属基本医保支付范围，"
        "集体体检或一轮筛查只开展一次（{campaigns_from} 次起计分）",
    ),
    "co_admission": (
        "{persons} 人中有 {regulars} 人在 {venue} 的 {days} 个集体入院日中至少 4 天一同入院（超过 {event_days_from} 天起计分）",
        "{persons} 人在 {venue} 的 {days} 个日子里成批入院（超过 {event_days_from} 天起计分）",
    ),
    "repeat_stays": (
        "{venue} 的 {inpatients} 名住院患者中有 {repeaters} 人（{rate}）在该机构住院 {times} 次及以上，而 {peers} 家同类机构"
        "（{peer_group}）仅 {peer_rate}（{ratio} 倍）；其中住院 {member_times} 次及以上的 {persons} 人共 {admissions} 次入院"
        "（出院后数日内再入院并作一次；疑似挂床住院，超过 {repeat_ratio_from} 倍起计分）",
        "{venue} 的 {inpatients} 名住院患者中有 {repeaters} 人（{rate}）在该机构住院 {times} 次及以上，而 {peers} 家同类机构"
        "（{peer_group}）仅 {peer_rate}（{ratio} 倍）；其中住院 {member_times} 次及以上的 {persons} 人共 {admissions} 次入院"
        "（出院后数日内再入院并作一次；疑似挂床住院，超过 {repeat_ratio_from} 倍起计分）；另有同一批医生收治、迄今仅住院一次的 "
        "{once} 人，这些医生的患者反复住院远超偶然（导出期短，轮换尚只一轮）",
        "{venue} 的 {inpatients} 名住院患者中有 {repeaters} 人（{rate}）在该机构住院 {times} 次及以上，而 {peers} 家同类机构"
        "（{peer_group}）仅 {peer_rate}（{ratio} 倍）；其中住院 {member_times} 次及以上的 {persons} 人共 {admissions} 次入院"
        "（出院后数日内再入院并作一次；疑似挂床住院，超过 {repeat_ratio_from} 倍起计分）；另有 {outside} 人在该机构仅住院一次，"
        "与其中 {outside_members} 人同为 {outside_city} 参保，在本次导出中除这些住院外别无结算（外地参保身份只见住院：疑似异地就医虚假住院）",
        "{repeaters} 名患者反复出院后 0-{split_days} 天内再入院（分解住院）：{venue} 的 {inpatients} 名住院患者中有 {repeaters} 人"
        "（{rate}）在该机构出院后 {split_days} 天内再入院 {times} 次及以上，而 {peers} 家同类机构（{peer_group}）仅 {peer_rate}"
        "（{ratio} 倍）；这 {persons} 人共 {splits} 次出院后数日内再入院（中途结算不计；超过 {repeat_ratio_from} 倍起计分）",
        "{repeaters} 名患者反复出院后 0-{split_days} 天内再入院（分解住院）：{venue} 的 {inpatients} 名住院患者中有 {repeaters} 人"
        "（{rate}）在该机构出院后 {split_days} 天内再入院 {times} 次及以上，而 {peers} 家同类机构（{peer_group}）仅 {peer_rate}"
        "（{ratio} 倍）；这 {persons} 人共 {splits} 次出院后数日内再入院（中途结算不计；超过 {repeat_ratio_from} 倍起计分）；"
        "另有 {batched} 人在 {batch_days} 个日子里成批入院，远超该机构平日的入院人数（一并列为成员：疑似招揽入院）",
        "{venue} 的 {inpatients} 名住院患者中有 {repeaters} 人（{rate}）的住院结算含救护车等转运费用（{item}），且入院前未在"
        "其他机构就诊（非转院），而 {peers} 家同类机构（{peer_group}）仅 {peer_rate}（{ratio} 倍）；这 {persons} 人共 {fetched} "
        "次由该机构接来住院（疑似车接车送诱导住院，超过 {repeat_ratio_from} 倍起计分）",
    ),
    "misused_cards": (
        "{venue} 结算的 {flagged} 张医保卡不可能由本人使用：{dead} 张在持卡人死亡超过 {grace_days} 天后仍有结算，"
        "{phone} 张与其他家庭的卡绑定同一收卡人手机；该机构另有 {joined} 张卡以同样方式结算，共 {persons} 张"
        "（超过 {misused_cards_from} 张起计分）",
        "{venue} 结算的 {flagged} 张医保卡不可能由本人使用：{dead} 张在持卡人死亡超过 {grace_days} 天后仍有结算，"
        "{phone} 张与其他家庭的卡绑定同一收卡人手机；仅凭这些卡不足以认定，但该机构另有 {joined} 张卡以同样方式结算，"
        "即使在 {tested} 家有此类卡的机构中按同类机构比率也属罕见，共 {persons} 张（超过 {misused_cards_from} 张起计分）",
        "{venue} 结算的 {flagged} 张医保卡不可能由本人使用：{dead} 张在持卡人死亡超过 {grace_days} 天后仍有结算，"
        "{phone} 张与其他家庭的卡绑定同一收卡人手机；另有 {ghost} 张卡在该机构住院而本人别无就医记录，住院费用达该机构常见"
        "住院费用的 {ghost_ratio} 倍以上，其经治医生此类住院按同类机构比率属罕见（疑似冒名住院）；连同以同样方式结算的卡，"
        "共 {joined} 张并入，共 {persons} 张（超过 {misused_cards_from} 张起计分）",
        "{ghost} 张卡在 {venue} 住院而本人别无就医记录，住院费用达该机构常见住院费用的 {ghost_ratio} 倍以上，其经治医生此类住院"
        "即使在 {tested} 名有此类卡的医生中按同类机构比率也属罕见（疑似冒名住院）；连同以同样方式结算的卡，除 {flagged} 张"
        "不可能由本人使用的卡（{dead} 张在持卡人死亡超过 {grace_days} 天后仍有结算，{phone} 张与其他家庭的卡绑定同一收卡人手机）"
        "外共 {joined} 张，共 {persons} 张（超过 {misused_cards_from} 张起计分）",
    ),
    "card_load": (
        "{venue} 结算的 {cards} 张医保卡中有 {flagged} 张在该机构结算 {min_claims} 次及以上、费用达同类结算常见费用"
        "及该卡在其他机构自身费用的 {ratio} 倍以上（典型为 {times} 次、{card_ratio} 倍；超出常见费用的金额占该机构全部结算金额的 {share}），"
        "而同类机构仅 {peer_rate} 的卡如此"
        "（疑似收卡空刷或套现，超过 {card_load_from} 张起计分）",
        "{venue} 结算的 {cards} 张医保卡中有 {flagged} 张在该机构结算 {min_claims} 次及以上、费用达同类结算常见费用"
        "及该卡在其他机构自身费用的 {ratio} 倍以上，其中 {spread} 张连同其在其他药店同样高额的购药合并计次（一卡分散在多家药店刷）"
        "（典型为在此 {times} 次、{card_ratio} 倍；超出常见费用的金额占该机构全部结算金额的 {share}），"
        "而同类机构仅 {peer_rate} 的卡如此"
        "（疑似收卡空刷或套现，超过 {card_load_from} 张起计分）",
        "{venue} 结算的 {cards} 张医保卡中有 {flagged} 张在该机构结算 {min_claims} 次及以上、费用达同类结算常见费用"
        "及该卡在其他机构自身费用的 {ratio} 倍以上（典型为 {times} 次、{card_ratio} 倍；超出常见费用的金额占该机构全部结算金额的 {share}），"
        "而同类机构仅 {peer_rate} 的卡如此（疑似收卡空刷或套现，超过 {card_load_from} 张起计分）；"
        "该机构另有 {joined} 张卡以同样方式结算、次数较少（费用通常同样达 {ratio} 倍以上），按同类机构比率属罕见，共 {persons} 张",
        "{venue} 结算的 {cards} 张医保卡中有 {flagged} 张在该机构结算 {min_claims} 次及以上、费用达同类结算常见费用"
        "及该卡在其他机构自身费用的 {ratio} 倍以上，其中 {spread} 张连同其在其他药店同样高额的购药合并计次（一卡分散在多家药店刷）"
        "（典型为在此 {times} 次、{card_ratio} 倍；超出常见费用的金额占该机构全部结算金额的 {share}），"
        "而同类机构仅 {peer_rate} 的卡如此（疑似收卡空刷或套现，超过 {card_load_from} 张起计分）；"
        "该机构另有 {joined} 张卡以同样方式结算、次数较少（费用通常同样达 {ratio} 倍以上），按同类机构比率属罕见，共 {persons} 张",
        "{venue} 结算的 {cards} 张医保卡中有 {flagged} 张在该机构结算 {min_claims} 次及以上、费用达同类结算常见费用"
        "及该卡在其他机构自身费用的 {ratio} 倍以上（典型为 {times} 次、{card_ratio} 倍；超出常见费用的金额占该机构全部结算金额的 {share}），"
        "而同类机构仅 {peer_rate} 的卡如此（超过 {card_load_from} 张起计分）；这 {prescribed} 张卡在该药店的结算有 {filled} "
        "发生在持卡人本人到医疗机构就诊当天或其后 {follow_days} 天内：系患者持处方被引流至该药店（疑似处方引流、回扣），而非收卡空刷；"
        "另有同一医疗机构的 {alike} 名患者在就诊后 {follow_days} 天内到该药店购买不低于 {min_price} 元的药品，一并列为成员",
    ),
    "batch_cards": (
        "{venue} 结算的 {cards} 张医保卡中有 {flagged} 张多数日子在该药店成批刷卡（连续 {batch_cards} 张以上不同的卡、每张距上一张"
        "不超过 {gap_minutes} 分钟，通常相隔 {gap} 分钟），同一批卡在 {sessions} 天里一起刷（其在该药店的购药 {share} 成批），"
        "而该药店其他顾客的购药日仅 {peer_rate} 成批（按此比率预计 {expected} 张）（疑似一人持多张医保卡刷卡，超过 "
        "{batch_cards_from} 张起计分）",
    ),
    "kept_cards": (
        "{venue} 结算的 {cards} 张医保卡中有 {flagged} 张（{households} 户）在该机构结算 {days} 天及以上，"
        "通常每 {cycle} 天或更短即结算一次且从未间断一个月，病人不会如此就诊（急病来去、慢病随访按月），"
        "而同类机构仅 {peer_rate} 的卡如此（疑似代保管医保卡虚构诊疗，超过 {kept_cards_from} 张起计分）",
    ),
    "paid_for_others": (
        "{holders} 名参保人的个人账户在 {venue} 为 {patients} 名非同户人员支付购药（家庭共济），在该药店代付的 {venue_pairs} 对"
        "（参保人、购药人）中有 {pairs} 对结算 {min_claims} 次及以上、费用达同类购药常见费用的 {ratio} 倍以上"
        "（典型为 {times} 次、{card_ratio} 倍），而其他药店仅 {peer_rate} 的代付如此"
        "（疑似借家庭共济套现，超过 {paid_for_others_from} 对起计分）",
        "{patients} 名居民参保人在 {venue} 的购药由个人账户支付，而居民医保并无个人账户（即他人账户经家庭共济代付），"
        "在该药店被代付的 {venue_pairs} 人中有 {pairs} 人结算 {min_claims} 次及以上、费用达同类购药常见费用的 {ratio} 倍以上"
        "（典型为 {times} 次、{card_ratio} 倍），而其他药店仅 {peer_rate} 如此（疑似借家庭共济套现，超过 {paid_for_others_from} 人起计分）",
        "{patients} 人在 {venue} 的购药在其 {days} 个购药日中有 {split_days} 天同日分两笔及以上结算（每人至少 {min_split_days} 天），"
        "而该店其他顾客的购药日仅 {peer_rate} 如此：同日的药品由多个个人账户分别支付（门诊共济），按每人单日最多结算笔数计"
        "至少 {pairs} 对（账户、购药人），数据未给出账户持有人（疑似借家庭共济套现，超过 {paid_for_others_from} 对起计分）",
    ),
    "lockstep": ("{persons} 人中有 {regulars} 人在 {venue} 的同样 {days} 个日子里至少 4 天同时出现（超过 {regular_share_from} 起计分）",
                 "{persons} 人中有 {regulars} 人在 {venue} 或一同在团伙的其他机构（另 {others} 家）的同样 {days} 个日子里至少 4 天同时出现"
                 "（超过 {regular_share_from} 起计分）",),
    "arrival_gap": ("团伙日内成员相继到达的时间间隔中位数为 {minutes} 分钟（低于 {median_arrival_gap_from} 分钟起计分）",),
    "cycle": ("{days} 天周期：团伙日之间的间隔有 {regularity} 与之相差不超过 1 天（超过 {cycle_regularity_from} 起计分）",),
    "relay": ("{venue} 的 {persons} 人分 {cohorts} 批轮换就诊（{first} 至 {last}），每批只在本批的几周内结算，"
              "下一批在上一批结束后 {gap} 天内开始（病人一批批被替换，占其全部结算的 {share}；超过 {relay_cohorts_from} 批起计分）",),
    "cost_ratio": (
        "每笔基金支付为同类（相同就诊类型与诊断）其他结算的 {ratio} 倍（{ring} 元对 {peers} 元，超过 {cost_ratio_from} 倍起计分）",
        "每笔基金支付为同类（相同就诊类型与诊断）其他结算的 {ratio} 倍（{ring} 元对 {peers} 元，超过 {cost_ratio_from} 倍起计分）；"
        "其中 {slot_joined} 人是 {slot_doctor} 的另外的疗程病人，各自在固定的星期几每周来做疗程，每人疗程费用均不低于"
        "同类诊疗的 {slot_cost} 倍，与团伙相同：同一医师的不同时段，亦为成员",
        "每笔基金支付为 {venue} 本机构同一就诊类型其他结算的 {ratio} 倍（{ring} 元对 {peers} 元；未提供诊断，"
        "与全部同一就诊类型结算相比为 {type_ratio} 倍；超过 {cost_ratio_from} 倍起计分）",
    ),
    "dominance": ("团伙结算占 {venue} 全部结算的 {share}（超过 {dominance_from} 起计分）",),
    "shared_phone": ("{addresses} 个不同住址的 {persons} 人绑定同一手机号 {phone}（超过 {phone_hub_persons_from} 人起计分）",),
    "out_of_region": ("{persons} 人中有 {outside} 人的参保地不在 {venue} 所在区划 {region}（该比例高出该机构其他患者 "
                      "超过 {outside_excess_from} 起计分）",),
    "off_hours": ("{share} 的团伙结算发生在 07:00 之前或 19:00 之后（超过 {off_hours_share_from} 起计分）",),
    "high_value": ("{share} 的费用来自单价不低于 {price} 元的项目（超过 {high_value_share_from} 起计分）",),
    "dup_trace": ("{claims} 笔结算售出的药品追溯码在其他结算中也出现过（疑似回流药，超过 {dup_trace_claims_from} 笔起计分）",),
    "after_death": ("{claims} 笔结算发生在患者或持卡人死亡之后（超过 {after_death_claims_from} 笔起计分）",),
    "split_admission": ("{admissions} 次入院距同一机构上次出院不超过 {split_days} 天（疑似分解住院，超过 {split_admissions_from} 次起计分）",),
    "money": ("团伙 {claims} 笔结算共用医保资金 {stake} 元，其中统筹基金支付 {fund} 元（超过 {stake_from} 元起计分）",),
    "benign_chronic": (
        "疑为公立机构的慢性病治疗队列：{chronic_share} 为门诊慢特病结算，{diagnosis_share} 诊断为 {diagnosis}，"
        "每 {cycle_days} 天一次；费用为同类的 {cost_ratio} 倍",
        "疑为慢性病治疗队列（机构未登记为民营，所有制{ownership}）：{chronic_share} 为门诊慢特病结算，{diagnosis_share} 诊断为 "
        "{diagnosis}，每 {cycle_days} 天一次；费用为同类的 {cost_ratio} 倍",
    ),
    "benign_schedule": (
        "疑为按固定时间表的治疗队列（如血液透析排班、养老院定期巡诊）：成员各自参加了 {days} 次治疗中的 {attendance}，"
        "其中 {weekday_share} 在固定的 3 个星期几；费用为同类的 {cost_ratio} 倍",
        "疑为按疗程的治疗队列（如血液透析、康复）：成员各自每周就诊 {weekly} 次，{timetable} 的就诊在各自固定的星期几，"
        "持续 {weeks} 周；费用为同类的 {cost_ratio} 倍",
        "疑为按周期的治疗队列（如化疗）：成员各自保持每 {period} 天一次的周期（{regularity} 的间隔），持续 {weeks} 周，"
        "各人只在团伙日的 {attendance} 出现；费用为同类的 {cost_ratio} 倍",
        "疑为科室的定期复诊患者（如高血压、糖尿病每月复诊），各自按自己的日子就诊：{persons} 名成员在 {weeks} 周内"
        "各自只在团伙 {days} 个就诊日中的 {attendance} 出现，机构未登记为民营；费用为同类的 {cost_ratio} 倍",
        "疑为科室的定期复诊患者（如高血压、糖尿病每月复诊），各自按自己的日子就诊：{persons} 名成员在 {weeks} 周内"
        "各自只在团伙 {days} 个就诊日中的 {attendance} 出现，机构未登记为民营；费用为同类的 {cost_ratio} 倍，"
        "高出 {chance} 个标准误：在偶然波动范围内",
        "疑为科室的定期复诊患者（如高血压、糖尿病每月复诊），各自按自己的日子就诊：{persons} 名成员在 {weeks} 周内"
        "各自只在团伙 {days} 个就诊日中的 {attendance} 出现，机构未登记为民营；费用为同类的 {cost_ratio} 倍，"
        "为全市同类诊断其他复诊（同一人在同一机构 {follow_up_visits} 次及以上）的 {follow_up_cost} 倍",
        "疑为科室开具长处方的定期复诊患者，各自按自己的日子就诊：{persons} 名成员在 {weeks} 周内各自只在团伙 {days} 个就诊日中的 "
        "{attendance} 出现，机构未登记为民营；每笔费用为同类的 {cost_ratio} 倍，但每次为中位数 {supply_days} 天的配药量，"
        "按每天用药量计为全市同类诊断其他复诊的 {supply_cost} 倍",
        "疑为机构的日常门诊患者，各自按自己的日子就诊：{persons} 名成员各自只在团伙 {days} 个就诊日中的 {attendance} 出现，"
        "成员到达间隔中位数 {gap} 分钟（并非成批到达），机构登记为公立；费用为同类的 {cost_ratio} 倍",
        "疑为机构的日常门诊患者，各自按自己的日子就诊：{persons} 名成员各自只在团伙 {days} 个就诊日中的 {attendance} 出现，"
        "成员到达间隔中位数 {gap} 分钟（并非成批到达），机构登记为公立；费用为同类的 {cost_ratio} 倍，"
        "高出 {chance} 个标准误：在偶然波动范围内",
        "疑为机构的日常门诊患者，各自按自己的日子就诊：{persons} 名成员各自只在团伙 {days} 个就诊日中的 {attendance} 出现，"
        "成员到达间隔中位数 {gap} 分钟（并非成批到达），仅占该机构结算的 {share}（数据未提供机构所有制）；费用为同类的 {cost_ratio} 倍",
        "疑为机构的日常门诊患者，各自按自己的日子就诊：{persons} 名成员各自只在团伙 {days} 个就诊日中的 {attendance} 出现，"
        "成员到达间隔中位数 {gap} 分钟（并非成批到达），仅占该机构结算的 {share}（数据未提供机构所有制）；费用为同类的 {cost_ratio} 倍，"
        "高出 {chance} 个标准误：在偶然波动范围内",
        "疑为每月固定日期的门诊日（如高血压、糖尿病两病患者的随访日）：成员各自参加了 {days} 次中的 {attendance}，"
        "其中 {monthday_share} 在每月同一日期（前后 1 天内）；费用为同类的 {cost_ratio} 倍",
    ),
    "benign_venue_care": (
        "疑为该机构对所有患者的常规诊疗：这 {persons} 人唯一的可疑之处是费用为其他机构同类就诊（同一就诊类型与诊断）的 {cost_ratio} 倍"
        "（到达间隔、机构占比与金额是该机构任何一群就诊者都会有的），但其结算的次均费用仅为该机构其他结算的 {venue_cost} 倍，"
        "而其他结算是该机构的主要业务（该群体占其结算的 {share}）：贵的是该机构对所有人的诊疗（如民族医院的民族药），不是这群人；"
        "机构整体收费偏高应另行开展价格核查，不构成团伙",
    ),
    "benign_institution": (
        "疑为同一机构（如养老院）的住户：{persons} 人中 {residents} 人住址相同；费用为同类的 {cost_ratio} 倍",
        "疑为同一机构（如养老院）的住户：{persons} 人中 {residents} 人住址相同；费用为同类的 {cost_ratio} 倍，但仅为该机构其他结算的 "
        "{venue_cost} 倍（该机构本身患者的诊疗同样费用；该群体占其结算的 {share}）",
        "疑为同一机构（如养老院）的住户：{persons} 人中 {on_phone} 人的医保卡绑定同一手机号（无住址可比）；费用为同类的 {cost_ratio} 倍",
        "疑为同一机构（如养老院）的住户、由医师定期巡诊：{persons} 名患者在 {sessions} 个巡诊日就诊，每 {cycle} 天一次（{fixed} 的间隔与之"
        "相差不超过一天），另有 {other} 个其他就诊日；费用为同类的 {cost_ratio} 倍",
        "疑为同一机构（如养老院）的住户、由医师定期巡诊：{persons} 名患者中 {shared} 名属于在该医师所在机构已解释为定期诊疗的"
        "群体（每 {cycle} 天一次巡诊）；费用为同类的 {cost_ratio} 倍",
    ),
    "benign_home_round": (
        "疑为养老院住户、由机构医师每月巡诊：{persons} 名成员的年龄中位数为 {age} 岁（达 {age_from} 岁视为住户），"
        "共 {rounds} 轮巡诊、每 {cycle} 天一轮（{monthly} 的间隔为一个月），每轮诊及其中 {coverage}（达 {coverage_from} 即认定）；"
        "费用为同类的 {cost_ratio} 倍（不超过 {bound} 倍视为常规诊疗）",
        "疑为养老院住户、由机构医师每月巡诊：{persons} 名成员的年龄中位数为 {age} 岁（达 {age_from} 岁视为住户），"
        "共 {rounds} 轮巡诊、每 {cycle} 天一轮（{monthly} 的间隔为一个月），每轮诊及其中 {coverage}（达 {coverage_from} 即认定）；"
        "费用为同类的 {cost_ratio} 倍（不超过 {bound} 倍视为常规诊疗）；其中 {phone} 人绑定同一手机号，视为养老院代办住户的电子凭证",
    ),
    "benign_home_visits": (
        "疑为居家护理站护士按路线上门护理：{persons} 名成员（年龄中位数 {age} 岁）各在自己固定的星期几接受上门服务（占本人就诊日的 "
        "{timetable}），持续 {weeks} 周，{staff} 的服务由同一名护士提供；护士每天上门 {visits} 人（不超过 {visits_from} 人视为一条路线）；"
        "该机构每名医护人员每天服务 {venue_visits} 人，其结算 {planned} 来自固定在各自星期几的服务对象，最忙的星期几仅占其结算的 "
        "{weekday}（为居家护理站的路线而非门诊的接诊）；"
        "费用为其他门诊的 {cost_ratio} 倍（含上门服务费）",
    ),
    "benign_designated": (
        "疑为 {diagnosis} 类药品的定点药店（双通道）：非医师 {doctor} 患者的其他 {buyers} 名高值购药人中有 {market} 也在 {pharmacy} "
        "购药，该医师的患者为 {share}（医药回扣须高出 {lift_from} 倍）",
        "疑为定点药店（双通道）的患者：{persons} 人中 {shared} 人属于其医师引导至 {pharmacy} 购药、已解释为定点药店的患者，"
        "高额结算为该药品治疗的费用（达 {share_from} 即认定）",
        "疑为门特（门诊慢特病）患者到定点药店（双通道）按疗程取药：患者在 {pharmacy} 购药前到医师 {doctor} 的 {visits} 次就诊中 "
        "{chronic} 为门诊慢特病就诊（达 {chronic_from} 即认定），每人每月购药 {monthly} 次（一个疗程的量：不超过 {monthly_from} 次）；"
        "无其他机构同一药品的费用明细可比价格",
        "疑为门特（门诊慢特病）患者到定点药店（双通道）按疗程取药：患者在 {pharmacy} 购药前到医师 {doctor} 的 {visits} 次就诊中 "
        "{chronic} 为门诊慢特病就诊（达 {chronic_from} 即认定），每人每月购药 {monthly} 次（一个疗程的量：不超过 {monthly_from} 次）；"
        "药品单价为其他机构的 {price} 倍（不超过 {price_from} 倍），每条明细数量为其他机构的 {quantity} 倍（不超过 {quantity_from} 倍），"
        "可比金额占 {compared}",
    ),
    "benign_online": (
        "疑为互联网医院的线上复诊患者（在线问诊、复诊续方）：团伙 {share} 的结算在该互联网医院，线上就诊不是同时到场，"
        "任何时段都可就诊；费用为同类的 {cost_ratio} 倍",
        "疑为互联网医院复诊续方、处方流转至同一药店配送：医师 {doctor} 在线接诊这些患者，患者每 {period} 天在 {pharmacy} "
        "续方购药一次（{steady} 的间隔在此周期的四分之一以内，达 {steady_from} 视为续方）；费用为同类的 {cost_ratio} 倍",
        "疑为互联网医院复诊续方、处方流转至同一药店配送：医师 {doctor} 在线接诊这些患者，患者每 {period} 天在 {pharmacy} "
        "续方购药一次（{steady} 的间隔在此周期的四分之一以内，达 {steady_from} 视为续方）；费用为同类的 {cost_ratio} 倍，"
        "高出 {chance} 个标准误：在偶然波动范围内",
    ),
    "benign_refill": (
        "疑为慢性病患者按月续方购药（如降压药、降糖药）：成员各自每 {period} 天到 {pharmacy} 购药一次（{steady} 的间隔在此周期的四分之一以内），"
        "每人 {family} 的购药为同一类诊断，次均医保金额为全市同类诊断其他续方购药（同一人在同一药店购药 {refills} 次及以上）的 {cost} 倍",
        "疑为慢性病患者按月续方购药（如降压药、降糖药）：成员各自每 {period} 天到 {pharmacy} 购药一次（{steady} 的间隔在此周期的四分之一以内），"
        "次均医保金额为全市其他药店续方购药（同一人在同一药店购药 {refills} 次及以上）的 {cost} 倍（无诊断可比）",
    ),
    "benign_own_purchases": (
        "疑为顾客本人账户（个人账户）日常购药，非收卡团伙：成员在 {pharmacy} 共花费医保资金 {stake} 元，其中统筹基金支付 {fund_share}，"
        "次均金额为全市同类其他购药的 {cost} 倍（收卡人的卡多购贵药：{cost_from} 倍以上）",
    ),
    "benign_kin_account": (
        "疑为亲属用已故参保人的个人账户家庭共济购药，非卡团伙：{accounts} 个个人账户在参保人死亡 {grace_days} 天以后"
        "为 {relatives} 名同住亲属（有住址时核对）在 {venues} 家药店支付 {purchases} 笔购药；账户未按规定清算（交个人账户管理部门处理）",
    ),
    "benign_household": (
        "疑为同一家庭：{persons} 人共 {addresses} 个住址；费用为同类的 {cost_ratio} 倍",
        "疑为几户人家各自结伴就诊：{persons} 人分属 {parties} 伙，各伙从未同时到达，每伙 {smallest}-{largest} 人、"
        "至多 {party_addresses} 个住址，成员 {together} 的就诊与本伙同到；费用为同类的 {cost_ratio} 倍",
        "疑为同一家庭：{persons} 人共 {addresses} 个住址；费用为同类的 {cost_ratio} 倍，高出 {chance} 个标准误："
        "结算笔数少，在偶然波动范围内",
        "疑为几户人家各自结伴就诊：{persons} 人分属 {parties} 伙，各伙从未同时到达，每伙 {smallest}-{largest} 人、"
        "至多 {party_addresses} 个住址，成员 {together} 的就诊与本伙同到；费用为同类的 {cost_ratio} 倍，"
        "高出 {chance} 个标准误：结算笔数少，在偶然波动范围内",
    ),
    "benign_referral": (
        "疑为对口支援专家团队（或专科下乡）的门诊收治需手术者：该组 {stays} 次住院中 {referred} 在入院前 {days} 天内"
        "（含当天）由同一医师在该院门诊接诊（共 {doctors} 名医师），每人仅住院一次；收治的 {admitted} 人占这些医师在那些"
        "门诊日接诊的 {crowd} 人的 {share}（门诊分诊收治，不超过 {share_to} 即认定）；费用为同诊断其他住院的 {cost_ratio} 倍"
        "（手术费用）",
        "疑为对口支援专家团队（或专科下乡）的门诊收治需手术者：该组 {stays} 次住院中 {referred} 在入院前 {days} 天内"
        "（含当天）曾在该院门诊就诊（数据未记录医师，以该院门诊视作团队门诊），每人仅住院一次；收治的 {admitted} 人占"
        "那些门诊日在该院门诊就诊的 {crowd} 人的 {share}（门诊分诊收治，不超过 {share_to} 即认定）；费用为同诊断其他住院"
        "的 {cost_ratio} 倍（手术费用）",
    ),
    "benign_caseload": (
        "疑为医院自身的收治病人，而非招募的团伙：{persons} 人，其中在该院住院者占该院全部住院者的 {share}，"
        "其住院由相当于 {doctors} 名医师均分收治（一个或数个科室的规模：{doctors_from} 名医师、住院者的 {share_from} "
        "起即认定），无主导医师；医院的收治范围（含异地就医患者）即其病人，应作为对医院的核查，而非团伙",
    ),
    "benign_one_off": (
        "一次性事件：仅 {days} 个团伙日（如集体体检）",
        "疑为公立机构的季节性集中诊疗（如三伏贴、三九贴、季节性接种）：{persons} 人各自参加了仅 {sessions} 个日间诊疗日中的 "
        "{attendance}，机构未登记为民营；费用为同类的 {cost_ratio} 倍",
        "疑为公立机构的季节性集中诊疗（如三伏贴、三九贴、季节性接种）：{persons} 人各自参加了仅 {sessions} 个日间诊疗日中的 "
        "{attendance}，属于这些诊疗日中半数以上在场（且多数就诊日为这些日子）的 {crowd} 人之列，机构未登记为民营；"
        "费用为同类的 {cost_ratio} 倍",
    ),
    "benign_aftercare": (
        "疑为本院出院患者的复查（如车间职业中毒后定期复查）：在该机构门诊就诊的 {members} 名成员中有 {discharged} 名"
        "在本组首次就诊前已从该机构出院（其中 {same} 名住院与复查诊断同属一类），机构未登记为民营；费用为同类的 "
        "{cost_ratio} 倍",
    ),
    "benign_children": (
        "疑为婴幼儿的常规保健（儿童健康体检、预防接种）：{persons} 名成员的年龄中位数为 {age} 岁，在公立机构就诊；费用为同类的 {cost_ratio} 倍",
        "疑为婴幼儿的常规保健（儿童健康体检、预防接种）：{persons} 名成员的年龄中位数为 {age} 岁，就诊机构的所有制未导出（未登记为民营）；"
        "费用为同类的 {cost_ratio} 倍（不超过 {bound} 倍视为常规诊疗）",
    ),
    "benign_primary": (
        "疑为成员本地基层医疗机构的定期服务（如家庭医生签约随访日、儿童保健日、敬老院巡诊）：{persons} 名成员中 {local} "
        "平时也自行到该机构就诊，团伙结算的次均费用为该机构其他结算的 {own_cost_ratio} 倍",
        "疑为村级家庭医生签约随访日：{sessions} 个随访日，每 {cycle} 天一次（{fixed} 的间隔与之相差不超过一天），"
        "每名成员在工作时间参加其中 {attendance}；{persons} 名成员中 {local} 平时也自行到该机构就诊，"
        "团伙结算的次均费用为该机构其他结算的 {own_cost_ratio} 倍",
    ),
}  # fmt: skip

#: Step 151, as reasons.SETTLED_WHOLE.
SETTLED_WHOLE = (
    "；按就诊计（同一次就诊的分解结算合并为一次），次均费用为该机构其他就诊的 {own_visit_cost} 倍、其他机构同类就诊的 {visit_cost} 倍"
    "（按结算计为 {cost_ratio} 倍）",
    "；按就诊计（同一次就诊的分解结算合并为一次），次均费用为其他机构同类就诊的 {visit_cost} 倍（按结算计为 {cost_ratio} 倍）",
)
SENTENCES["benign_primary"] += tuple(SENTENCES["benign_primary"][1] + t for t in SETTLED_WHOLE)

#: Step 100: the facility kind inferred from the venue's own claims, as reasons.INFERRED_KIND.
INFERRED_KIND = "（该机构类别未导出，按其自身结算推断为 {inferred_kind}）"
for _code in ("benign_primary", "kept_cards"):
    SENTENCES[_code] += tuple(t + INFERRED_KIND for t in SENTENCES[_code])

#: A loaded-card ring joined over several institutions (score.rings.join_cards, step 91), as reasons.CARD_JOIN.
CARD_JOIN = "；这些卡共在 {institutions} 家机构以同样方式结算，各机构的可疑卡中有 {shared} 张相互重合，远超偶然（疑似同一收卡人持卡在多家机构刷卡）"
SENTENCES["card_load"] += tuple(t + CARD_JOIN for t in SENTENCES["card_load"] if "{prescribed}" not in t)
#: Step 127, as reasons.SPREAD.
SPREAD = (
    "{flagged} 张医保卡分别在包括 {venue} 在内的 {institutions} 家药店各结算 {min_claims} 次及以上，费用通常达同类购药常见费用的 "
    "{ratio} 倍以上（典型为每店 {times} 次、{card_ratio} 倍；超出常见费用的金额占这些药店全部结算金额的 {share}），"
    "而按各药店自身此类卡的比率偶然出现的仅约 {spread_expected} 张：疑似一人收卡分散在多家药店刷卡；"
    "以同样方式在其中两家及以上药店结算的卡共 {persons} 张（超过 {card_load_from} 张起计分）"
)
SENTENCES["card_load"] += (SPREAD,)
#: Step 136, as reasons.HOSPITALS.
HOSPITALS = (
    "{flagged} 张医保卡分别在包括 {venue} 在内的同一组 {institutions} 家三级医院中的两家及以上有门诊结算，费用达该院门诊结算中位数的 "
    "{ratio} 倍以上（典型为每院 {times} 次、{card_ratio} 倍；超出中位数的金额占这些医院全部结算金额的 {share}），"
    "而按各医院自身此类卡的比率偶然出现的仅约 {hospital_expected} 张，且结算日期相互重合：疑似一人持多张医保卡在多家医院代开药倒卖；"
    "以同样方式结算的卡共 {persons} 张（超过 {card_load_from} 张起计分）"
)
SENTENCES["card_load"] += (HOSPITALS,)

#: A steered pair with the patients its doctor's named prescriptions bring (step 97), as reasons.NAMED.
NAMED = "；另有 {named} 名患者在该药店的高值购药记录中开方医师为该医师（药店结算记录载明开方医师，如处方流转平台的处方），虽未计入上述比例，一并列为成员"
SENTENCES["steering"] += tuple(t + NAMED for t in SENTENCES["steering"] if "{site}" not in t)

#: Step 147, as reasons.ONLY_CHECKUPS.
ONLY_CHECKUPS = "；其历次体检中有 {again_any} 人（不限间隔）体检两次，且该机构 {only} 的结算均为这些体检：除体检外不向基金结算其他费用，同一批人一次又一次体检"
SENTENCES["fund_checkups"] += tuple(t + ONLY_CHECKUPS for t in SENTENCES["fund_checkups"])
#: Step 155, as reasons.RESCREENED.
RESCREENED = "；{rescreened} 人在 {screen_again_days} 天内被筛查两次：公共卫生筛查每人每年至多一轮，一年之内同一批人再筛一轮，疑为只结算未筛查"
SENTENCES["fund_checkups"] += tuple(t + RESCREENED for t in SENTENCES["fund_checkups"] if "{screenings}" in t)
#: Step 147, as reasons' sentence of a venue of unnamed batches.
SENTENCES["fund_checkups"] += (
    "{venue} 向统筹基金结算 {persons} 人的门诊 {claims} 笔，全部成批发生（{campaigns} 次，{batch_days} 个批量日，历时 {months} 个月，"
    "每次不超过一周），其中 {bare} 笔既无诊断也无费用明细（无从知晓为何种诊疗）；{again} 人半年内、{again_any} 人（不限间隔）被结算两次；"
    "该机构 {only} 的结算均为这些批量结算：除此之外不向基金结算其他费用，同一批人一次又一次，形同以集体体检反复向基金结算"
    "（健康体检不属基本医保支付范围；{campaigns_from} 次起计分）",
)


class Names(Mapping[str, str]):
    """The ``zh`` or ``en`` names of a table of :mod:`graphfraud.contract` (typologies, roles), read live.

    A row added to the table is in the glossary at once (a new typology needs no word here).

    >>> Names(ROLE_TABLE, "zh")["recruit"], dict(Names(TYPOLOGY_TABLE, "en"))["kickback"]
    ('被招募人员', 'doctor-pharmacy steering (kickbacks)')
    """

    def __init__(self, table: Mapping[str, object], lang: str) -> None:
        self._table, self._lang = table, lang

    def __getitem__(self, key: str) -> str:
        return str(getattr(self._table[key], self._lang))

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)


#: The one glossary: each term of the domain in Chinese and English (typologies and roles from the contract's tables).
GLOSSARY: dict[str, Mapping[str, Mapping[str, str]]] = {
    "typology": {lang: Names(TYPOLOGY_TABLE, lang) for lang in LANGS},  # graphfraud.contract.TYPOLOGY_TABLE
    "alert": {
        "zh": {"red": "红色（建议立案）", "orange": "橙色（现场核查）", "yellow": "黄色（约谈提醒）"},
        "en": {"red": "red (open a case)", "orange": "orange (on-site check)", "yellow": "yellow (reminder letter)"},
    },
    "alert_level": {
        "zh": {"red": "红色", "orange": "橙色", "yellow": "黄色"},
        "en": {"red": "red", "orange": "orange", "yellow": "yellow"},
    },
    "role": {lang: Names(ROLE_TABLE, lang) for lang in LANGS},  # graphfraud.contract.ROLE_TABLE
    "entity_type": {
        "zh": {"person": "参保人", "doctor": "医师", "facility": "医疗机构", "pharmacy": "零售药店"},
        "en": {"person": "person", "doctor": "doctor", "facility": "facility", "pharmacy": "pharmacy"},
    },
    "venue_kind": {
        "zh": {"hospital": "医院", "clinic": "诊所", "community": "社区卫生服务中心", "specialty": "专科医院",
               "pharmacy": "零售药店", "facility": "医疗机构"},
        "en": {"hospital": "hospital", "clinic": "clinic", "community": "community health centre",
               "specialty": "specialty hospital", "pharmacy": "pharmacy", "facility": "facility"},
    },
    "ownership": {
        "zh": {"public": "公立", "private": "民营"},
        "en": {"public": "public", "private": "private"},
    },
    "time_resolution": {
        "zh": {"minute": "精确到分钟", "day": "仅到日期", "mixed": "部分机构仅到日期，其余精确到分钟"},
        "en": {"minute": "to the minute", "day": "dates only", "mixed": "dates only at some venues, to the minute elsewhere"},
    },
}  # fmt: skip


def check_lang(lang: str, func: str) -> str:
    """``lang`` if it is ``zh`` or ``en``, else a ParamError naming ``func``.

    >>> check_lang("zh", "say")
    'zh'
    """
    if lang not in LANGS:
        raise ParamError(f"The 'lang' parameter of {func} must be 'zh' or 'en'. Got {lang!r} instead.")
    return lang


def term(kind: str, value: object, lang: str) -> str:
    """The glossary's word for ``value`` of ``kind`` (``typology``, ``alert``, ...); unknown values as they are.

    >>> term("role", "recruit", "zh"), term("role", "recruit", "en"), term("role", "boss", "zh")
    ('被招募人员', 'recruit', 'boss')
    """
    text = str(value)
    return GLOSSARY[kind][lang].get(text, text)


def say(code: str, args: Mapping[str, object], lang: str) -> str:
    """A reason in ``lang`` from its code and values.

    Raises
    ------
    ValueError
        ``code`` has no sentence with exactly the fields of ``args`` (a programming error).

    Examples
    --------
    >>> say("off_hours", {"share": 0.5939, "off_hours_share_from": 0.1}, "zh")
    '59% 的团伙结算发生在 07:00 之前或 19:00 之后（超过 10% 起计分）'
    >>> say("off_hours", {"share": 0.5939, "off_hours_share_from": 0.1}, "en")
    '59% of ring claims before 07:00 or after 19:00 (scored above 10%)'
    """
    if lang == "en":
        return template(code, args).format(**args)
    sentence = variant(SENTENCES.get(code, ()), args)
    if sentence is None:
        raise ValueError(f"reason {code!r} has no Chinese sentence with the values ({', '.join(args)})")
    return sentence.format(**printed(code, args))


def say_row(code: object, args: object, text: object, lang: str) -> str:
    """A ``ring_reasons.csv`` row in ``lang``: from ``args`` (JSON text or a mapping), else its English ``text``.

    A row without args (a run written before ``ring_reasons.csv`` had them), or with values no
    sentence of today takes (a run written before the sentences said their thresholds), is shown
    as its text.

    >>> say_row("dominance", '{"share":0.61,"venue":"P1","dominance_from":0.03}', "ring claims are 61% ...", "zh")
    '团伙结算占 P1 全部结算的 61%（超过 3% 起计分）'
    >>> say_row("dominance", '{"share":0.61,"venue":"P1"}', "ring claims are 61% of all claims at P1", "zh")
    'ring claims are 61% of all claims at P1'
    >>> say_row("dominance", "", "ring claims are 61% of all claims at P1", "zh")
    'ring claims are 61% of all claims at P1'
    """
    values = parse_args(args)
    sentences = TEMPLATES if lang == "en" else SENTENCES
    if values is None or variant(sentences.get(str(code), ()), values) is None:
        return str(text)  # an older run's values that no sentence of today takes: its text as written
    return say(str(code), values, lang)


def parse_args(args: object) -> dict[str, object] | None:
    """The ``args`` column of ``ring_reasons.csv`` as a dict; None when empty (an older run)."""
    if isinstance(args, Mapping):
        return dict(args)
    if args is None or (isinstance(args, float) and args != args) or not str(args).strip():
        return None
    return json.loads(str(args))


def reasons_by_ring(reasons: object, lang: str) -> dict[str, list[str]]:
    """``ring_id -> [reason in lang, ...]`` (file order) from a ``ring_reasons.csv`` frame."""
    out: dict[str, list[str]] = {}
    columns = getattr(reasons, "columns", ())
    if "args" not in columns:
        for r in reasons.itertuples(index=False):  # type: ignore[attr-defined]
            out.setdefault(str(r.ring_id), []).append(str(r.text))
        return out
    for r in reasons.itertuples(index=False):  # type: ignore[attr-defined]
        out.setdefault(str(r.ring_id), []).append(say_row(r.code, r.args, r.text, lang))
    return out


def joined(texts: list[str], lang: str) -> str:
    """Reasons joined as one cell: ``；`` in Chinese, ``; `` in English."""
    return ("；" if lang == "zh" else "; ").join(texts)
