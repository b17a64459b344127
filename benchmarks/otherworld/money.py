"""Fee lines (费用明细) per kind of claim, totals from the lines, fund and personal-account shares, trace codes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .claims import FLAVOURS, INP, PHA

# code, name, category, unit price (yuan), min qty, max qty, weight;  qty -1 = length of stay in days
CATALOGUE = {
    "common_drug": [
        ("XJ01CA04A001", "阿莫西林胶囊", "drug", 0.445, 12, 36, 3),
        ("XR05CB01A001", "氨溴索片", "drug", 0.62, 10, 30, 2),
        ("ZA01AAL0183", "连花清瘟胶囊", "drug", 0.5612, 24, 48, 3),
        ("XC09CA01A001", "缬沙坦胶囊", "drug", 1.83, 14, 28, 2),
        ("XA10BA02A001", "二甲双胍片", "drug", 0.0852, 48, 96, 2),
        ("XN02BE01A001", "布洛芬缓释胶囊", "drug", 0.95, 10, 20, 2),
    ],
    "high_value": [
        ("XA10AE04A001", "甘精胰岛素注射液", "drug", 178.5, 1, 4, 3),
        ("XB01AC04A001", "硫酸氢氯吡格雷片", "drug", 3.2, 28, 84, 3),
        ("ZA12AAX0001", "片仔癀", "drug", 590.0, 1, 3, 2),
        ("XC10AA05A001", "阿托伐他汀钙片", "drug", 2.45, 28, 90, 2),
        ("XB05AA01A001", "人血白蛋白", "drug", 398.0, 1, 3, 1),
    ],
    "targeted": [
        ("XL01EB02A001", "吉非替尼片", "drug", 54.8, 30, 30, 2),
        ("XL01XC03A001", "曲妥珠单抗注射液", "drug", 1688.0, 1, 2, 1),
        ("XL01EX01A001", "甲磺酸奥希替尼片", "drug", 170.0, 30, 30, 1),
    ],
    "exam": [
        ("250101001", "血常规", "lab", 20.0, 1, 1, 3),
        ("250301001", "肝功能", "lab", 60.0, 1, 1, 2),
        ("210102001", "胸部DR", "exam", 80.0, 1, 1, 2),
        ("220301001", "腹部彩超", "exam", 150.0, 1, 1, 2),
        ("250401001", "肿瘤标志物", "lab", 240.0, 1, 1, 1),
        ("110200001", "普通门诊诊查费", "treatment", 12.0, 1, 1, 4),
    ],
    "therapy": [
        ("440000003", "针刺", "treatment", 45.0, 1, 6, 3),
        ("440000012", "推拿", "treatment", 60.0, 1, 4, 3),
        ("430000019", "中频脉冲电治疗", "treatment", 28.0, 1, 8, 2),
        ("T001", "中药饮片(配方)", "herbal", 3.6512, 20, 120, 3),
        ("440000021", "艾灸", "treatment", 30.0, 1, 6, 2),
    ],
    "ward": [
        ("120100001", "床位费", "bed", 45.0, -1, -1, 4),
        ("120200002", "二级护理", "nursing", 28.0, -1, -1, 4),
        ("430000019", "中频脉冲电治疗", "treatment", 28.0, 3, 20, 2),
        ("250101001", "血常规", "lab", 20.0, 1, 3, 2),
        ("XB05BA03A001", "葡萄糖注射液", "drug", 3.2, 5, 30, 3),
        ("C120300001", "一次性输液器", "consumable", 2.5, 5, 30, 2),
    ],
    "dialysis": [
        ("311000005", "血液透析", "treatment", 400.0, 1, 1, 6),
        ("C110400001", "血液透析器", "consumable", 180.0, 1, 1, 5),
        ("XB03XA01A001", "重组人促红素注射液", "drug", 36.0, 1, 3, 2),
    ],
    "checkup": [
        ("250101001", "血常规", "lab", 20.0, 1, 1, 3),
        ("250301001", "肝功能", "lab", 60.0, 1, 1, 3),
        ("210102001", "胸部DR", "exam", 80.0, 1, 1, 3),
        ("220301001", "腹部彩超", "exam", 150.0, 1, 1, 3),
        ("310701001", "常规心电图", "exam", 25.0, 1, 1, 3),
    ],
    "vaccine": [
        ("250101001", "血常规", "lab", 20.0, 1, 1, 1),
        ("110200001", "普通门诊诊查费", "treatment", 12.0, 1, 1, 3),
    ],
    "daily": [("Z99001", "保健品(按药品结算)", "other", 98.0, 1, 3, 1)],
}
# flavour -> (min lines, max lines, [(catalogue, weight)])
RECIPES = {
    "ord_out": (1, 4, [("exam", 1), ("common_drug", 2)]),
    "ord_pharm": (1, 3, [("common_drug", 5), ("high_value", 0.3)]),
    "inpatient": (5, 12, [("ward", 1)]),
    "chronic": (1, 3, [("common_drug", 3), ("exam", 1)]),
    "lab": (1, 3, [("exam", 1)]),
    "staged": (2, 5, [("therapy", 3), ("exam", 1)]),
    "collector": (1, 3, [("high_value", 5), ("daily", 0.5)]),
    "induced": (7, 14, [("ward", 3), ("therapy", 1)]),
    "dialysis": (2, 3, [("dialysis", 1)]),
    "checkup": (3, 5, [("checkup", 1)]),
    "rehab": (1, 3, [("therapy", 1)]),
    "chemo": (2, 4, [("targeted", 1), ("exam", 1)]),
    "dtp": (1, 1, [("targeted", 1)]),
    "steered": (1, 3, [("high_value", 3), ("common_drug", 1)]),
    "vaccine": (1, 2, [("vaccine", 1)]),
}


def _menu(name: str) -> list[tuple]:
    lo, hi, books = RECIPES[name]
    items = []
    for book, w in books:
        rows = CATALOGUE[book]
        tot = sum(r[6] for r in rows)
        items += [(*r[:6], w * r[6] / tot) for r in rows]
    return items


def fee_lines(rng: np.random.Generator, c: dict, *, decimals: int) -> pd.DataFrame:
    """One row per fee line: claim (row index), item_code, item_name, category, quantity, unit_price, amount."""
    parts = []
    for f, name in enumerate(FLAVOURS):
        idx = np.flatnonzero(c["flavour"] == f)
        if len(idx) == 0:
            continue
        lo, hi, _ = RECIPES[name]
        menu = _menu(name)
        w = np.array([m[6] for m in menu])
        k = rng.integers(lo, hi + 1, len(idx))
        claim = np.repeat(idx, k)
        item = rng.choice(len(menu), size=len(claim), p=w / w.sum())
        qmin = np.array([m[4] for m in menu])[item]
        qmax = np.array([m[5] for m in menu])[item]
        qty = rng.integers(np.maximum(qmin, 1), np.maximum(qmax, 1) + 1).astype(float)
        stay = qmin < 0
        qty[stay] = np.maximum(c["los"][claim[stay]], 1)
        price = np.array([m[3] for m in menu])[item] * rng.choice([0.95, 1.0, 1.0, 1.08], len(claim))
        price = np.round(price, decimals)
        parts.append(
            pd.DataFrame(
                {
                    "claim": claim,
                    "item_code": np.array([m[0] for m in menu])[item],
                    "item_name": np.array([m[1] for m in menu])[item],
                    "category": np.array([m[2] for m in menu])[item],
                    "quantity": qty,
                    "unit_price": price,
                    "amount": np.round(qty * price, 2),
                }
            )
        )
    lines = pd.concat(parts, ignore_index=True)
    # one line per (claim, item): merge duplicates so a claim does not list the same code twice
    lines = lines.groupby(["claim", "item_code", "item_name", "category", "unit_price"], as_index=False, sort=True).agg(
        quantity=("quantity", "sum")
    )
    lines["amount"] = np.round(lines["quantity"] * lines["unit_price"], 2)
    return lines


def settle(rng: np.random.Generator, c: dict, total: np.ndarray, employee: np.ndarray, pooled_pharmacy: np.ndarray):
    """fund_amount and account_amount of each claim (yuan, 2 decimals, fund <= total)."""
    n = len(total)
    vt = c["vtype"]
    ratio = np.where(employee, rng.uniform(0.5, 0.75, n), rng.uniform(0.3, 0.55, n))
    ratio = np.where(vt == INP, rng.uniform(0.65, 0.9, n), ratio)
    is_ph = vt == PHA
    at_pharmacy = c["pha"] >= 0
    pooled = np.where(at_pharmacy, pooled_pharmacy[np.maximum(c["pha"], 0)], True)
    ratio = np.where(is_ph & ~pooled, 0.0, ratio)
    ratio = np.where((total < 60) & (vt != INP) & (rng.random(n) < 0.5), 0.0, ratio)  # below the deductible
    fund = np.round(total * ratio, 2)
    rest = total - fund
    account = np.where(employee, np.round(rest * rng.uniform(0.5, 1.0, n), 2), 0.0)
    return fund, np.minimum(account, np.round(rest, 2))


def trace_codes(rng: np.random.Generator, lines: pd.DataFrame, c: dict, *, share: float) -> np.ndarray:
    """Traceability codes on scanned drug lines at pharmacies; some boxes a collector bought come back (回流)."""
    claim = lines["claim"].to_numpy()
    drug = (lines["category"].to_numpy() == "drug") & (c["pha"][claim] >= 0) & (rng.random(len(lines)) < share)
    codes = np.full(len(lines), "", dtype=object)
    codes[drug] = [f"8{v:019d}" for v in rng.integers(0, 10**18, int(drug.sum()))]
    tags = c["tag"][claim]
    coll = np.flatnonzero(drug & np.char.startswith(tags.astype(str), "card_collector"))
    resale = np.flatnonzero(drug & (tags == "ordinary"))
    if len(coll) and len(resale):
        back = rng.choice(coll, size=len(coll) // 3, replace=False)
        later = rng.choice(resale, size=len(back), replace=False)
        codes[later] = codes[back]
    return codes
