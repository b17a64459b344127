"""A small fee catalogue (医疗目录) and fee lines for each kind of care."""

from __future__ import annotations

import random

# code: (name, category, pack price in yuan, units per pack: a 4-decimal world bills drugs per tablet)
CATALOG: dict[str, tuple[str, str, float, int]] = {
    "XD001": ("硝苯地平缓释片", "drug", 12.80, 30),
    "XD002": ("二甲双胍片", "drug", 9.60, 48),
    "XD003": ("阿莫西林胶囊", "drug", 6.50, 24),
    "XD004": ("头孢克肟分散片", "drug", 18.40, 12),
    "XD005": ("阿托伐他汀钙片", "drug", 5.10, 7),
    "XD006": ("复方丹参滴丸", "drug", 26.00, 180),
    "XD007": ("布洛芬混悬液", "drug", 11.20, 1),
    "XD008": ("奥司他韦颗粒", "drug", 68.00, 10),
    "XD009": ("甘精胰岛素注射液", "drug", 178.00, 1),
    "XD010": ("安宫牛黄丸", "drug", 780.00, 1),
    "XD011": ("氯吡格雷片", "drug", 98.00, 28),
    "XD012": ("注射用头孢曲松钠", "drug", 3.45, 1),
    "XD013": ("0.9%氯化钠注射液", "drug", 2.15, 1),
    "XD014": ("阿胶", "drug", 398.00, 1),
    "XD015": ("脑心通胶囊", "drug", 45.00, 48),
    "XD016": ("重组人促红素注射液", "drug", 120.00, 1),
    "XD017": ("蒙脱石散", "drug", 8.20, 10),
    "XD018": ("小儿氨酚黄那敏颗粒", "drug", 9.90, 12),
    "XD019": ("血栓通注射液", "drug", 36.50, 1),
    "XH001": ("中药饮片(配方颗粒)", "herbal", 32.00, 1),
    "XE001": ("心电图", "exam", 25.00, 1),
    "XE002": ("DR胸部正位片", "exam", 80.00, 1),
    "XE003": ("腹部彩超", "exam", 120.00, 1),
    "XE004": ("头颅CT平扫", "exam", 260.00, 1),
    "XE005": ("一般健康检查", "exam", 50.00, 1),
    "XE006": ("视力听力筛查", "exam", 12.00, 1),
    "XL001": ("血常规", "lab", 20.00, 1),
    "XL002": ("肝功能", "lab", 60.00, 1),
    "XL003": ("肾功能", "lab", 36.00, 1),
    "XL004": ("血糖测定", "lab", 8.00, 1),
    "XL005": ("糖化血红蛋白", "lab", 70.00, 1),
    "XL006": ("肿瘤标志物组合", "lab", 280.00, 1),
    "XL007": ("尿常规", "lab", 10.00, 1),
    "XL008": ("甲乙型流感病毒抗原检测", "lab", 80.00, 1),
    "XL009": ("血红蛋白测定(儿保)", "lab", 6.00, 1),
    "XT001": ("普通针刺", "treatment", 25.00, 1),
    "XT002": ("推拿治疗", "treatment", 35.00, 1),
    "XT003": ("中频脉冲电治疗", "treatment", 18.00, 1),
    "XT004": ("拔罐", "treatment", 12.00, 1),
    "XT005": ("艾灸", "treatment", 20.00, 1),
    "XT006": ("血液透析", "treatment", 420.00, 1),
    "XT007": ("清创缝合", "treatment", 150.00, 1),
    "XT008": ("静脉输液", "treatment", 8.00, 1),
    "XT009": ("康复评定", "treatment", 40.00, 1),
    "XN001": ("一级护理", "nursing", 30.00, 1),
    "XN002": ("二级护理", "nursing", 18.00, 1),
    "XB001": ("床位费", "bed", 30.00, 1),
    "XC001": ("一次性输液器", "consumable", 3.20, 1),
    "XC002": ("透析器", "consumable", 180.00, 1),
    "XC003": ("电子血压计", "consumable", 148.00, 1),
    "XO001": ("诊查费", "other", 10.00, 1),
    "XO002": ("一般诊疗费", "other", 10.00, 1),
}

COMMON_DRUGS = ["XD001", "XD002", "XD003", "XD004", "XD005", "XD006", "XD015", "XD017"]
CHILD_DRUGS = ["XD003", "XD007", "XD017", "XD018"]
HIGH_VALUE = ["XD009", "XD010", "XD011", "XD014", "XD015"]


def line(code: str, packs: float, decimals: int, rng: random.Random | None = None) -> tuple[str, float, float]:
    """One fee line (code, quantity, unit price); with 4 decimals a drug is billed per unit (片).

    >>> line("XD001", 1, 4)
    ('XD001', 30, 0.4267)
    >>> line("XD001", 2, 2)
    ('XD001', 2, 12.8)
    """
    _, cat, price, units = CATALOG[code]
    if decimals == 4 and cat == "drug" and units > 1:
        return (code, int(round(packs * units)), round(price / units, 4))
    return (code, packs, price)


def drugs(r: random.Random, pool: list[str], n: int, dec: int) -> list[tuple[str, float, float]]:
    return [line(c, r.choice([1, 1, 2, 3]), dec) for c in r.sample(pool, min(n, len(pool)))]


def outpatient_lines(r: random.Random, setting: str, dec: int, child: bool = False) -> list[tuple[str, float, float]]:
    """Fee lines of an ordinary visit at a village clinic, a township centre, a hospital or a TCM clinic."""
    pool = CHILD_DRUGS if child else COMMON_DRUGS
    out = [line("XO002" if setting in ("village", "township") else "XO001", 1, dec)]
    out += drugs(r, pool, r.choice([1, 1, 2]), dec)
    if setting in ("village", "township") and r.random() < 0.25:
        out += [line("XT008", 1, dec), line("XD013", 2, dec), line("XC001", 1, dec)]
    if setting in ("county", "city", "private", "mch") and r.random() < 0.45:
        out += [
            line(c, 1, dec)
            for c in r.sample(["XL001", "XL002", "XL003", "XL004", "XL007", "XE001", "XE002", "XE003"], 2)
        ]
    if setting == "tcm":
        out += (
            [line("XH001", r.choice([5, 7, 7, 10]), dec)]
            if r.random() < 0.6
            else [line("XT001", 1, dec), line("XT002", 1, dec)]
        )
    return out


def inpatient_lines(
    r: random.Random, days: int, setting: str, dec: int, padded: float = 1.0
) -> list[tuple[str, float, float]]:
    """A stay's lines; `padded` multiplies nursing and therapy (挂床 and induced stays bill more of them)."""
    bed = 20.0 if setting == "township" else 30.0
    out = [("XB001", days, bed), line("XN002" if padded <= 1 else "XN001", days, dec)]
    out += [
        line("XD012", 2 * days, dec),
        line("XD013", 2 * days, dec),
        line("XT008", days, dec),
        line("XC001", days, dec),
    ]
    out += [line(c, 1, dec) for c in ["XL001", "XL002", "XL003", "XE001"]]
    if r.random() < 0.5:
        out.append(line(r.choice(["XE002", "XE003", "XE004"]), 1, dec))
    if padded > 1:
        out += [
            line("XT003", round(days * padded), dec),
            line("XT001", round(days * padded), dec),
            line("XD019", days, dec),
        ]
    out += drugs(r, COMMON_DRUGS, 2, dec)
    return out
