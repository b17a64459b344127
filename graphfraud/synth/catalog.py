"""Clinical vocabularies of synthetic worlds: diagnoses (ICD-10) and the fee catalogue.

The fee catalogue (医保目录) lists items with a fixed unit price, a usual quantity
range and a tag; a *profile* is a recipe of fee lines (费用明细) for one kind of
claim: fixed first lines (registration fee, bed, nursing) and weighted pools for
the rest.  Prices are plausible Xiamen prices in yuan, not official ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# ---------------------------------------------------------------- diagnoses
DX_GROUPS: dict[str, tuple[tuple[str, float], ...]] = {
    "child": (
        ("J06.9", 35),
        ("J20.9", 15),
        ("J02.9", 10),
        ("K52.9", 10),
        ("R50.9", 10),
        ("L30.9", 5),
        ("H10.9", 5),
        ("J18.9", 5),
        ("B08.4", 5),
    ),
    "adult": (
        ("J06.9", 20),
        ("K29.7", 10),
        ("M54.5", 10),
        ("I10", 10),
        ("E11.9", 5),
        ("J20.9", 8),
        ("N39.0", 5),
        ("L30.9", 5),
        ("H10.9", 4),
        ("K52.9", 5),
        ("R51", 5),
        ("M17.9", 5),
    ),
    "elder": (
        ("I10", 25),
        ("E11.9", 15),
        ("I25.1", 10),
        ("J44.9", 7),
        ("M17.9", 8),
        ("J06.9", 10),
        ("K29.7", 5),
        ("I69.3", 5),
        ("M54.5", 5),
        ("R42", 5),
        ("E78.5", 5),
    ),
    "chronic": (("I10", 35), ("E11.9", 30), ("I25.1", 10), ("E78.5", 8), ("J44.9", 7), ("I69.3", 5), ("N18.9", 5)),
    "inpatient": (
        ("J18.9", 15),
        ("I63.9", 12),
        ("I21.9", 5),
        ("K80.2", 6),
        ("S72.0", 5),
        ("I50.9", 7),
        ("J44.1", 8),
        ("C34.9", 5),
        ("K35.8", 5),
        ("O80", 4),
        ("N20.0", 5),
        ("M51.2", 5),
        ("I10", 4),
        ("E11.9", 4),
    ),
    "clinic": (
        ("M54.5", 20),
        ("J06.9", 20),
        ("K29.7", 10),
        ("M17.9", 10),
        ("I10", 10),
        ("M47.8", 10),
        ("R51", 10),
        ("L30.9", 10),
    ),
    "specialty": (("K02.9", 40), ("H52.1", 30), ("L20.9", 30)),
    "pharmacy": (("I10", 40), ("E11.9", 30), ("J06.9", 30)),
    "induced": (("I67.8", 30), ("M47.8", 25), ("R42", 20), ("I10", 15), ("I69.3", 10)),
    "high_value": (
        ("E11.9", 25),
        ("B18.1", 20),
        ("M06.9", 15),
        ("C34.9", 15),
        ("L40.0", 10),
        ("M45", 10),
        ("E23.0", 5),
    ),
    "dialysis": (("N18.5", 1),),
    "nursing": (("I10", 30), ("E11.9", 20), ("I69.3", 20), ("F03", 15), ("I25.1", 15)),
    "checkup": (("Z00.0", 1),),
}
DIAGNOSES: tuple[str, ...] = tuple(sorted({code for group in DX_GROUPS.values() for code, _ in group}))


def diagnoses(rng: np.random.Generator, group: str, n: int) -> np.ndarray:
    """``n`` diagnosis indices (into :data:`DIAGNOSES`) drawn from ``group``."""
    codes, weights = zip(*DX_GROUPS[group], strict=True)
    idx = np.array([DIAGNOSES.index(c) for c in codes], dtype=np.int16)
    w = np.array(weights, dtype=float)
    return idx[rng.choice(len(idx), size=n, p=w / w.sum())]


# ---------------------------------------------------------------- fee catalogue
# (code, name, category, unit price yuan, min qty, max qty, tag); qty 0..0 = one per day of stay.
CATALOG: tuple[tuple[str, str, str, float, int, int, str], ...] = (
    ("110200001", "普通门诊诊查费", "other", 15.0, 1, 1, "visit"),
    ("110200005", "副主任医师诊查费", "other", 30.0, 1, 1, "visit"),
    ("110900001", "住院诊查费", "other", 20.0, 0, 0, "ward"),
    ("XJ01CAA040", "阿莫西林胶囊", "drug", 12.5, 1, 3, "rx"),
    ("XJ01DDA130", "头孢克肟分散片", "drug", 28.0, 1, 2, "rx"),
    ("XM01AEB015", "布洛芬缓释胶囊", "drug", 15.8, 1, 2, "rx"),
    ("XA02BCA010", "奥美拉唑肠溶胶囊", "drug", 21.0, 1, 3, "rx"),
    ("XA07BCA020", "蒙脱石散", "drug", 11.2, 1, 3, "rx"),
    ("XR05DAF001", "复方甘草片", "drug", 6.5, 1, 2, "rx"),
    ("ZA01BBL020", "连花清瘟胶囊", "drug", 14.8, 1, 3, "rx"),
    ("XR06AAC001", "小儿氨酚黄那敏颗粒", "drug", 9.5, 1, 2, "rx"),
    ("XC08CAA010", "苯磺酸氨氯地平片", "drug", 18.6, 1, 3, "chronic_rx"),
    ("XA10BAA010", "盐酸二甲双胍片", "drug", 9.8, 1, 4, "chronic_rx"),
    ("XC10AAA050", "阿托伐他汀钙片", "drug", 32.5, 1, 3, "chronic_rx"),
    ("XC08CAN060", "硝苯地平控释片", "drug", 35.0, 1, 3, "chronic_rx"),
    ("XC09CAE010", "厄贝沙坦片", "drug", 26.0, 1, 3, "chronic_rx"),
    ("XB01ACA020", "阿司匹林肠溶片", "drug", 15.0, 1, 2, "chronic_rx"),
    ("XB05BBA010", "0.9%氯化钠注射液", "drug", 3.2, 2, 10, "infusion"),
    ("XJ01DDA010", "注射用头孢曲松钠", "drug", 18.0, 2, 8, "infusion"),
    ("XA10BJB010", "司美格鲁肽注射液", "drug", 420.0, 1, 2, "hv"),
    ("XL04ABA040", "阿达木单抗注射液", "drug", 1290.0, 1, 2, "hv"),
    ("XL01EBA090", "甲磺酸奥希替尼片", "drug", 2480.0, 1, 1, "hv"),
    ("XA10BJA020", "利拉鲁肽注射液", "drug", 385.0, 1, 3, "hv"),
    ("XH01ACA010", "重组人生长激素注射液", "drug", 980.0, 1, 2, "hv"),
    ("XL01EXA060", "盐酸安罗替尼胶囊", "drug", 1680.0, 1, 1, "hv"),
    ("XL04AAA290", "枸橼酸托法替布片", "drug", 680.0, 1, 2, "hv"),
    ("XB05AAA010", "人血白蛋白注射液", "drug", 420.0, 1, 3, "hv"),
    ("XB03XAA010", "重组人促红素注射液", "drug", 85.0, 1, 2, "epo"),
    ("T000100115", "黄芪饮片", "herbal", 0.12, 60, 200, "herb"),
    ("T000100230", "当归饮片", "herbal", 0.28, 50, 150, "herb"),
    ("T000100412", "党参饮片", "herbal", 0.35, 50, 150, "herb"),
    ("T000100508", "枸杞子饮片", "herbal", 0.15, 50, 200, "herb"),
    ("T000200101", "红参饮片", "herbal", 2.8, 30, 120, "herb_dear"),
    ("T000200233", "西洋参饮片", "herbal", 3.5, 30, 100, "herb_dear"),
    ("T000200318", "冬虫夏草饮片", "herbal", 18.0, 5, 20, "herb_dear"),
    ("210102001", "胸部X线摄影", "exam", 60.0, 1, 1, "exam"),
    ("220600001", "腹部彩色多普勒超声", "exam", 120.0, 1, 1, "exam"),
    ("310701001", "常规心电图检查", "exam", 25.0, 1, 1, "exam"),
    ("210300101", "头颅CT平扫", "exam", 280.0, 1, 1, "exam_big"),
    ("210500101", "腰椎磁共振平扫", "exam", 600.0, 1, 1, "exam_big"),
    ("250101015", "血常规检查", "lab", 20.0, 1, 1, "lab"),
    ("250102001", "尿常规检查", "lab", 10.0, 1, 1, "lab"),
    ("250305001", "肝功能检查", "lab", 60.0, 1, 1, "lab"),
    ("250307001", "肾功能检查", "lab", 45.0, 1, 1, "lab"),
    ("250304001", "血脂四项", "lab", 40.0, 1, 1, "lab"),
    ("250302003", "糖化血红蛋白测定", "lab", 55.0, 1, 1, "lab"),
    ("250401030", "C反应蛋白测定", "lab", 30.0, 1, 1, "lab"),
    ("250403001", "肿瘤标志物检测(CEA)", "lab", 50.0, 1, 1, "lab_tumour"),
    ("250403012", "肿瘤标志物检测(AFP)", "lab", 50.0, 1, 1, "lab_tumour"),
    ("C140100001", "一次性使用无菌注射器", "consumable", 1.2, 1, 5, "consumable"),
    ("C140200003", "一次性输液器", "consumable", 5.0, 1, 3, "consumable"),
    ("C020300012", "医用纱布敷料", "consumable", 3.0, 1, 4, "consumable"),
    ("C110400001", "血液透析器", "consumable", 180.0, 1, 1, "dialyzer"),
    ("440000001", "针刺治疗", "treatment", 35.0, 1, 3, "tcm"),
    ("450000002", "推拿治疗", "treatment", 45.0, 1, 3, "tcm"),
    ("440000010", "中医定向透药疗法", "treatment", 30.0, 1, 3, "tcm"),
    ("340100007", "红外线治疗", "treatment", 15.0, 1, 3, "tcm"),
    ("120400001", "静脉输液", "treatment", 8.0, 1, 2, "treat"),
    ("311000017", "雾化吸入", "treatment", 12.0, 1, 2, "treat"),
    ("331601001", "清创缝合", "treatment", 80.0, 1, 1, "treat"),
    ("340200001", "康复训练", "treatment", 60.0, 1, 2, "rehab"),
    ("340100011", "中频脉冲电治疗", "treatment", 25.0, 1, 2, "rehab"),
    ("311000005", "血液透析", "treatment", 400.0, 1, 1, "dialysis"),
    ("120100002", "一级护理", "nursing", 30.0, 0, 0, "nursing"),
    ("120100003", "二级护理", "nursing", 20.0, 0, 0, "nursing"),
    ("110900003", "普通病房床位费", "bed", 40.0, 0, 0, "bed"),
    ("110900004", "双人间床位费", "bed", 60.0, 0, 0, "bed"),
    ("120400006", "健康体检(套餐)", "exam", 150.0, 1, 1, "checkup"),
)
CODES = tuple(r[0] for r in CATALOG)
NAMES = tuple(r[1] for r in CATALOG)
CATEGORY = tuple(r[2] for r in CATALOG)
PRICE_CENTS = np.array([round(r[3] * 100) for r in CATALOG], dtype=np.int64)
QTY_LO = np.array([r[4] for r in CATALOG], dtype=np.int64)
QTY_HI = np.array([r[5] for r in CATALOG], dtype=np.int64)
PER_DAY = QTY_HI == 0
TAGS = tuple(r[6] for r in CATALOG)


def pool(*tags: str) -> np.ndarray:
    """Catalogue indices of items carrying one of ``tags``."""
    return np.array([i for i, t in enumerate(TAGS) if t in tags], dtype=np.int64)


@dataclass(frozen=True)
class Profile:
    """A recipe of fee lines: ``slots`` are the first lines, the rest come from ``rest``."""

    name: str
    lines: tuple[tuple[int, float], ...]  # (number of lines, weight)
    slots: tuple[tuple[str, ...], ...]  # tags of the fixed first lines
    rest: tuple[tuple[tuple[str, ...], float], ...]  # (tags, weight) of the other lines


PROFILES: tuple[Profile, ...] = (
    Profile(
        "hospital",
        ((1, 10), (2, 30), (3, 30), (4, 18), (5, 12)),
        (("visit",),),
        (
            (("rx", "chronic_rx"), 45),
            (("lab",), 20),
            (("exam", "exam_big"), 15),
            (("treat",), 10),
            (("consumable",), 10),
        ),
    ),
    Profile(
        "community",
        ((1, 20), (2, 40), (3, 30), (4, 10)),
        (("visit",),),
        ((("rx", "chronic_rx"), 70), (("lab",), 15), (("treat", "tcm"), 15)),
    ),
    Profile("clinic", ((1, 35), (2, 40), (3, 25)), (), ((("rx",), 45), (("tcm",), 35), (("herb",), 20))),
    Profile("chronic", ((1, 30), (2, 40), (3, 30)), (), ((("chronic_rx",), 80), (("lab",), 20))),
    Profile(
        "pharmacy",
        ((1, 50), (2, 35), (3, 15)),
        (),
        ((("rx",), 55), (("chronic_rx",), 33), (("herb",), 6), (("consumable",), 5), (("hv",), 1)),
    ),
    Profile(
        "inpatient",
        ((4, 15), (5, 30), (6, 30), (7, 25)),
        (("bed",), ("nursing",), ("ward",)),
        (
            (("infusion",), 40),
            (("lab", "lab_tumour"), 25),
            (("exam", "exam_big"), 15),
            (("treat",), 10),
            (("consumable",), 10),
        ),
    ),
    Profile(
        "staged",
        ((3, 30), (4, 40), (5, 30)),
        (("visit",),),
        ((("tcm", "rehab"), 40), (("lab", "lab_tumour"), 25), (("herb", "herb_dear"), 35)),
    ),
    Profile("collector", ((1, 40), (2, 40), (3, 20)), (), ((("hv",), 1),)),
    Profile(
        "induced",
        ((6, 30), (7, 40), (8, 30)),
        (("bed",), ("nursing",), ("ward",)),
        ((("tcm", "rehab"), 45), (("lab", "lab_tumour"), 20), (("infusion",), 20), (("exam", "exam_big"), 15)),
    ),
    Profile("steered", ((1, 60), (2, 40)), (), ((("hv",), 1),)),
    Profile("dialysis", ((2, 60), (3, 40)), (("dialysis",), ("dialyzer",)), ((("epo",), 1),)),
    Profile("nursing_home", ((1, 40), (2, 45), (3, 15)), (("visit",),), ((("chronic_rx",), 80), (("lab",), 20))),
    Profile("checkup", ((5, 1),), (("checkup",), ("lab",), ("lab",), ("exam",), ("exam",)), ()),
    Profile("after_visit", ((1, 55), (2, 35), (3, 10)), (), ((("rx",), 50), (("chronic_rx",), 40), (("hv",), 10))),
)
PROFILE = {p.name: i for i, p in enumerate(PROFILES)}
