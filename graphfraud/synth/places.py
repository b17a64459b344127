"""Where care happens in a synthetic world: pooling regions, facilities, doctors, pharmacies.

Six Xiamen districts (统筹区) each get one or two public level-3 hospitals, a
public level-2 hospital, private level-1/2 hospitals, community health centres
(社区卫生服务中心), private clinics (诊所/门诊部), a specialty hospital and
retail pharmacies (定点零售药店), some of them in chains.  Counts scale with the
district's population; minimums guarantee that every fraud typology finds the
venues it needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from graphfraud.synth.strings import fixed_digits, join, take

#: Local pooling regions (Xiamen districts) with their name and population share.
DISTRICTS = (
    ("350203", "思明", 0.25),
    ("350205", "海沧", 0.11),
    ("350206", "湖里", 0.22),
    ("350211", "集美", 0.19),
    ("350212", "同安", 0.13),
    ("350213", "翔安", 0.10),
)
#: Out-of-area insured regions (异地): migrants and card collectors' holders.
OUT_REGIONS = ("350100", "350500", "360100")
REGIONS = tuple(d[0] for d in DISTRICTS) + OUT_REGIONS
N_LOCAL = len(DISTRICTS)
#: The city (地级市) code of :data:`DISTRICTS`: Xiamen.
CITY = "3502"


def district_codes(city: str = CITY) -> tuple[str, ...]:
    """The six local district codes of a city: ``city`` followed by the Xiamen district suffixes.

    >>> district_codes("3505")
    ('350503', '350505', '350506', '350511', '350512', '350513')
    """
    return tuple(city + code[len(CITY) :] for code, _, _ in DISTRICTS)


def region_codes(city: str = CITY) -> tuple[str, ...]:
    """Every insured-area code of a city's world: its districts, then :data:`OUT_REGIONS`."""
    return district_codes(city) + OUT_REGIONS


# Internal facility classes.
HOSP3, HOSP2, PRIV, COMM, CLINIC, SPEC = range(6)
CLASS_KIND = ("hospital", "hospital", "hospital", "community", "clinic", "specialty")
CLASS_OWNER = ("public", "public", "private", "public", "private", "public")
N_CLASSES = 6

DEPARTMENTS = (
    (
        "内科",
        "外科",
        "儿科",
        "妇产科",
        "骨科",
        "肾内科",
        "心血管内科",
        "内分泌科",
        "肿瘤科",
        "中医科",
        "康复医学科",
        "体检中心",
        "急诊科",
        "眼科",
        "耳鼻喉科",
        "呼吸内科",
    ),
    ("内科", "外科", "儿科", "肾内科", "体检中心", "妇产科", "骨科", "中医科", "急诊科"),
    ("内科", "康复医学科", "中医科", "老年病科", "外科"),
    ("全科医学科", "中医科", "预防保健科"),
    ("中医科", "全科医学科", "推拿科", "内科"),
    ("口腔科", "眼科", "皮肤科"),
)
TITLES = ("主任医师", "副主任医师", "主治医师", "医师")
SURNAMES = tuple(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁于余叶蒋杜苏魏程吕丁沈任姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严洪赖武"
)
GIVEN = tuple("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉梅鹏辉斌宇浩凯晨瑞嘉琳雪婷欣怡思远海波")
STREETS = (
    "鹭江",
    "中华",
    "滨海",
    "莲前",
    "嘉莲",
    "梧村",
    "筼筜",
    "开元",
    "江头",
    "金山",
    "殿前",
    "禾山",
    "侨英",
    "杏林",
    "灌口",
    "后溪",
    "新阳",
    "嵩屿",
    "大同",
    "祥平",
    "新店",
    "马巷",
    "内厝",
    "新圩",
)
PRIVATE_NAMES = ("仁爱", "康华", "博爱", "安康", "福寿", "颐和", "东方", "长青", "惠民", "百汇", "鹭康", "同济")
CHAINS = ("鹭燕大药房", "同春堂", "益丰大药房", "一心堂", "老百姓大药房")


@dataclass
class Places:
    """Facilities, doctors and pharmacies as parallel numpy arrays (index = row)."""

    fac_district: np.ndarray
    fac_class: np.ndarray
    fac_level: np.ndarray
    fac_beds: np.ndarray
    fac_terminals: np.ndarray
    fac_first_doctor: np.ndarray
    fac_doctors: np.ndarray
    fac_ids: pa.Array
    fac_names: pa.Array
    doc_facility: np.ndarray
    doc_dept: np.ndarray  # index into DEPARTMENTS[class]
    doc_title: np.ndarray
    doc_ids: pa.Array
    doc_names: pa.Array
    ph_district: np.ndarray
    ph_chain: np.ndarray  # -1: independent
    ph_terminals: np.ndarray
    ph_ids: pa.Array
    ph_names: pa.Array
    fac_near_pharmacies: np.ndarray  # (facilities, 3): pharmacies near each facility
    # Multipliers on ordinary patients' choice of a venue (venue_ordinary_rate for fraud venues).
    fac_weight: np.ndarray = field(default_factory=lambda: np.ones(0))
    ph_weight: np.ndarray = field(default_factory=lambda: np.ones(0))
    city: str = CITY  # city code heading every district code (and so every venue and doctor id)

    def facilities_of(self, cls: int, district: int | None = None) -> np.ndarray:
        mask = self.fac_class == cls
        if district is not None:
            mask &= self.fac_district == district
        return np.flatnonzero(mask)

    def doctors_of(self, facility: int) -> np.ndarray:
        first = self.fac_first_doctor[facility]
        return np.arange(first, first + self.fac_doctors[facility])

    def dept_doctors(self, facility: int, dept: str) -> np.ndarray:
        docs = self.doctors_of(facility)
        names = DEPARTMENTS[self.fac_class[facility]]
        if dept not in names:
            return docs[:0]
        return docs[self.doc_dept[docs] == names.index(dept)]


def _counts(pop: float, rings: int, rng: np.random.Generator) -> list[int]:
    """Facilities per class in one district of population ``pop``."""
    per = -(-rings // N_LOCAL)  # rings per district, rounded up
    return [
        1 + int(pop > 100_000),
        1,
        max(2, int(pop / 15_000), per + 1),
        max(2, int(pop / 25_000)),
        max(4, int(pop / 5_000), 2 * per + 2),
        1,
    ]


def _doctors(cls: int, pop: float, rng: np.random.Generator) -> int:
    if cls == HOSP3:
        return max(16, int(pop / 900 * rng.uniform(0.8, 1.2)))
    if cls == HOSP2:
        return max(10, int(pop / 3_000 * rng.uniform(0.8, 1.2)))
    if cls == PRIV:
        return int(rng.integers(5, 16))
    if cls == COMM:
        return max(4, int(rng.integers(4, 12) * max(1.0, pop / 100_000)))
    if cls == CLINIC:
        return int(rng.choice([1, 2, 3, 4, 5, 6], p=[0.15, 0.25, 0.25, 0.15, 0.12, 0.08]))
    return max(5, int(pop / 6_000))


def build_places(rng: np.random.Generator, persons: int, rings: int, *, city: str = CITY) -> Places:
    """Facilities, doctors and pharmacies for ``persons`` insured persons.

    ``rings`` (rings per typology) raises the minimum number of private clinics,
    private hospitals and pharmacies so that every ring gets its own venue.
    ``city`` heads the district codes, so worlds of different cities share no
    venue or doctor id.
    """
    f_d, f_c, f_n = [], [], []
    p_d = []
    for d, (_, _, share) in enumerate(DISTRICTS):
        pop = persons * share
        for cls, count in enumerate(_counts(pop, rings, rng)):
            for _ in range(count):
                f_d.append(d)
                f_c.append(cls)
                f_n.append(_doctors(cls, pop, rng))
        p_d += [d] * max(6, int(pop / 2_000), -(-4 * rings // N_LOCAL) + 6)
    fac_district, fac_class, fac_doctors = (np.array(x, dtype=np.int32) for x in (f_d, f_c, f_n))
    nf = len(fac_class)
    level = np.select(
        [fac_class == HOSP3, fac_class == HOSP2, fac_class == PRIV, fac_class == COMM],
        [3, 2, rng.integers(1, 3, nf), 1],
        0,
    )
    beds = np.select(
        [fac_class == HOSP3, fac_class == HOSP2, fac_class == PRIV, fac_class == COMM, fac_class == SPEC],
        [fac_doctors * 3, fac_doctors * 3, fac_doctors * 6, 20, fac_doctors * 2],
        0,
    )
    terminals = np.select([fac_class == HOSP3, fac_class == HOSP2, fac_class == CLINIC], [12, 6, 1], 3).astype(np.int32)
    first = np.concatenate([[0], np.cumsum(fac_doctors)[:-1]]).astype(np.int64)
    doc_facility = np.repeat(np.arange(nf), fac_doctors)
    within = np.arange(len(doc_facility)) - first[doc_facility]
    ndept = np.array([len(x) for x in DEPARTMENTS])
    doc_dept = (within % ndept[fac_class[doc_facility]]).astype(np.int32)
    doc_title = rng.choice(4, size=len(doc_facility), p=[0.1, 0.2, 0.4, 0.3]).astype(np.int32)

    ph_district = np.array(p_d, dtype=np.int32)
    nph = len(ph_district)
    ph_chain = np.where(rng.random(nph) < 0.45, rng.integers(0, len(CHAINS), nph), -1).astype(np.int32)
    ph_terminals = rng.choice([1, 2, 3], size=nph, p=[0.5, 0.35, 0.15]).astype(np.int32)
    near = np.empty((nf, 3), dtype=np.int64)
    for f in range(nf):
        local = np.flatnonzero(ph_district == fac_district[f])
        near[f] = rng.choice(local, 3, replace=len(local) < 3)

    regions = pa.array(list(district_codes(city)), pa.large_string())
    fac_ids = join(take(regions, fac_district), fixed_digits(_serials(rng, fac_district, 10**5), 5))
    fac_ids = join("H", fac_ids)
    doc_ids = join(
        "D",
        take(regions, fac_district[doc_facility]),
        fixed_digits(_serials(rng, fac_district[doc_facility], 10**6), 6),
    )
    ph_ids = join("P", take(regions, ph_district), fixed_digits(_serials(rng, ph_district, 10**5), 5))
    places = Places(
        fac_district,
        fac_class,
        level.astype(np.int32),
        beds.astype(np.int32),
        terminals,
        first,
        fac_doctors.astype(np.int64),
        fac_ids,
        _facility_names(rng, fac_district, fac_class),
        doc_facility,
        doc_dept,
        doc_title,
        doc_ids,
        _person_names(rng, len(doc_facility)),
        ph_district,
        ph_chain,
        ph_terminals,
        ph_ids,
        _pharmacy_names(rng, ph_district, ph_chain),
        near,
        city=city,
    )
    places.fac_weight = np.ones(nf)
    places.ph_weight = np.ones(nph)
    return places


def _serials(rng: np.random.Generator, district: np.ndarray, space: int) -> np.ndarray:
    """Unique random serial numbers within each district, increasing with row order."""
    out = np.empty(len(district), dtype=np.int64)
    for d in range(N_LOCAL):
        rows = np.flatnonzero(district == d)
        out[rows] = np.sort(rng.choice(space, len(rows), replace=False))
    return out


def _person_names(rng: np.random.Generator, n: int) -> pa.Array:
    sur = pa.array(SURNAMES, pa.large_string())
    giv = pa.array(GIVEN + ("",) * 12, pa.large_string())
    return join(
        take(sur, rng.integers(0, len(SURNAMES), n)),
        take(giv, rng.integers(0, len(GIVEN), n)),
        take(giv, rng.integers(0, len(GIVEN) + 12, n)),
    )


def _facility_names(rng: np.random.Generator, district: np.ndarray, cls: np.ndarray) -> pa.Array:
    names = []
    seen: dict[str, int] = {}
    h3 = 0
    for d, c in zip(district.tolist(), cls.tolist(), strict=True):
        dn = DISTRICTS[d][1]
        if c == HOSP3:
            h3 += 1
            name = f"厦门市第{'一二三四五六七八九十'[(h3 - 1) % 10]}医院" + ("" if h3 <= 10 else f"{dn}院区")
        elif c == HOSP2:
            name = f"厦门市{dn}区医院"
        elif c == PRIV:
            name = f"厦门{PRIVATE_NAMES[rng.integers(len(PRIVATE_NAMES))]}{['康复医院', '中西医结合医院', '老年病医院'][rng.integers(3)]}"
        elif c == COMM:
            name = f"{dn}区{STREETS[rng.integers(len(STREETS))]}街道社区卫生服务中心"
        elif c == CLINIC:
            name = f"厦门{dn}{SURNAMES[rng.integers(len(SURNAMES))]}氏{['中医诊所', '门诊部', '综合门诊部', '中医馆'][rng.integers(4)]}"
        else:
            name = f"厦门{dn}{['口腔医院', '眼科医院', '皮肤病医院'][rng.integers(3)]}"
        k = seen.get(name, 0)
        seen[name] = k + 1
        names.append(name if k == 0 else f"{name}({dn}{k + 1}部)")
    return pa.array(names, pa.large_string())


def _pharmacy_names(rng: np.random.Generator, district: np.ndarray, chain: np.ndarray) -> pa.Array:
    names = []
    for i, (d, c) in enumerate(zip(district.tolist(), chain.tolist(), strict=True)):
        dn = DISTRICTS[d][1]
        street = STREETS[rng.integers(len(STREETS))]
        if c >= 0:
            names.append(f"{CHAINS[c]}({dn}{street}{i + 1}店)")
        else:
            names.append(
                f"{dn}{street}{SURNAMES[rng.integers(len(SURNAMES))]}{['氏', '记', '康'][rng.integers(3)]}药店{i + 1}号"
            )
    return pa.array(names, pa.large_string())
