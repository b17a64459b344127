"""Toy worlds shared by the detect tests and the evidence tests (``from detect.worlds import ...``).

- :func:`write_stays`: inpatient stays written as a claims directory (the phantom-stay county of
  test_beds.py, the induced-admission villages of test_induced.py);
- :func:`beds_county`: townspeople at ten township centres and three hospitals, optionally a centre's
  phantom stays (挂床) or a hospital's split stays;
- :func:`card_world`: township centres and a pharmacy chain billing cards that cannot have been there
  (冒用医保卡), in memory;
- :func:`hospital_phone_world`: a county hospital and a shop, one phone binding a family's and strangers' cards;
- :func:`broker_phone_world`: a hospital and small clinics, one phone binding ten households' cards that the
  hospital bills most and a clinic bills beyond chance (or the other way round);
- :func:`kept_world`: village clinics, one doctor keying visits on the cards he keeps (村医代保管医保卡) and
  one village's family-doctor day, in memory;
- :func:`indication_city`: three hospitals without doctor ids, each with its shop next door, and diabetics of one
  sent to buy dear at another shop (the kickback of detect/indication.py, step 65);
- :func:`mutual_world`: six pharmacies, families paying for a parent (家庭共济) and at P0 a few employees' accounts
  paying dear again and again for elders of other households (the cash-out of detect/mutual.py, step 75);
- :func:`split_world`: six pharmacies, and at P0 a few elders whose purchases of a day are settled in parts, day
  after day, by strangers' accounts the export does not name (门诊共济 drained, detect/mutual.py, step 150);
- :func:`batch_world`: five pharmacies of a county town, one holder swiping his pool of cards in handfuls at P0
  (成批刷卡, detect/cardbatch.py, step 112), families buying together, a rush hour and a carer's monthly round;
- :func:`write_town_clinics`: given claims at clinics C0..C19, a town of 2,000 persons seen at them
  around, written as a claims directory (the brokers of test_pieces.py and test_thin.py).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from graphfraud.contract import CLAIM_ITEMS, CLAIMS, DOCTORS, FACILITIES, PERSONS, PHARMACIES, ClaimsData
from graphfraud.graph.build import build_graph
from graphfraud.synth.toy import _table

EPOCH = pd.Timestamp("2024-01-01 09:00")
CENTRES = 10  # township health centres C0..C9 (community, level 1) of beds_county; hospitals H0..H2 (level 2)
CARD_CENTRES = [f"H{i}" for i in range(5)]  # the township centres of card_world
SHOPS = ["P0", "P1", "P2", "P3"]  # card_world's pharmacies, P0 and P1 one chain


def write_stays(
    folder: Path,
    stays: pd.DataFrame,
    facilities: pd.DataFrame,
    *,
    town: list[str],
    discharge: bool,
    total: float,
    fund: float,
) -> Path:
    """Write ``stays`` (``patient_id``, ``facility_id``, ``day``, ``end``: days after 2024-01-01) as inpatient
    claims in ``folder``, admitted at 09:00, each billed ``total`` yuan (``fund`` from the fund).

    Persons are the patients and the ``town`` (each at an address of their own), ``facilities`` is written as
    it is (``facility_id`` and its ``kind``, ``level``), each facility has one doctor ``D<facility_id>``, and
    there are no pharmacies.  ``discharge`` writes ``end_time``.  Returns ``folder``.
    """

    def times(days: pd.Series) -> np.ndarray:
        return (EPOCH + pd.to_timedelta(days, unit="D")).dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy()

    claims = pd.DataFrame({
        "claim_id": [f"K{i:05d}" for i in range(len(stays))], "patient_id": stays["patient_id"].to_numpy(),
        "facility_id": stays["facility_id"].to_numpy(), "doctor_id": ("D" + stays["facility_id"]).to_numpy(),
        "visit_type": "inpatient", "start_time": times(stays["day"]), "total_amount": total, "fund_amount": fund,
    })  # fmt: skip
    if discharge:
        claims["end_time"] = times(stays["end"])
    claims.to_csv(folder / "claims.csv", index=False)
    persons = sorted(set(stays["patient_id"]) | set(town))
    pd.DataFrame({"person_id": persons, "address": [f"A{p}" for p in persons]}).to_csv(
        folder / "persons.csv", index=False
    )
    facilities.to_csv(folder / "facilities.csv", index=False)
    ids = facilities["facility_id"]
    pd.DataFrame({"doctor_id": "D" + ids, "facility_id": ids}).to_csv(folder / "doctors.csv", index=False)
    (folder / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    return folder


def _stay(rows: list, person: str, venue: str, day: int, length: int, rng: np.random.Generator, split: float) -> None:
    """One admission of ``length`` days, split with chance ``split`` into two stays 0-2 days apart."""
    if length >= 6 and rng.random() < split:
        cut = int(rng.integers(2, length - 2))
        rows.append((person, venue, day, day + cut))
        again = day + cut + int(rng.integers(0, 3))
        rows.append((person, venue, again, again + length - cut))
    else:
        rows.append((person, venue, day, day + length))


def beds_county(folder: Path, *, beds_ring: bool, busy_hospital: bool, discharge: bool) -> tuple[Path, set[str]]:
    """A county of 4,000 townspeople: each centre admits 60 of them once in 300 days (stays of 3-12 days, 10%
    split) and readmits 4 elderly a second time (chronic readmissions); each hospital admits 150 and
    readmits 8.

    With ``beds_ring``, centre C0 also keeps 20 villagers "in hospital" 2-6 times each at random dates (stays
    of 7-15 days, 40% split).  With ``busy_hospital``, hospital H0 splits half of its long stays and readmits
    30 elderly once (three times its peers' rate of patients admitted twice).  Returns the claims directory
    and the villagers."""
    rng = np.random.default_rng(5)
    rows: list = []
    town = [f"T{i:04d}" for i in range(4000)]
    venues = [(f"C{c}", 60, 4) for c in range(CENTRES)] + [(f"H{h}", 150, 8) for h in range(3)]
    for venue, patients, again in venues:
        busy = busy_hospital and venue == "H0"
        chosen = rng.choice(len(town), patients, replace=False)
        for j, i in enumerate(chosen):
            admissions = 2 if j < (30 if busy else again) else 1
            for day in rng.choice(300, admissions, replace=False):
                _stay(rows, town[i], venue, int(day), int(rng.integers(3, 13)), rng, 0.5 if busy else 0.1)
    ring = {f"V{i:02d}" for i in range(20)}
    if beds_ring:
        for person in sorted(ring):
            for day in rng.choice(280, int(rng.integers(2, 7)), replace=False):
                _stay(rows, person, "C0", int(day), int(rng.integers(7, 16)), rng, 0.4)
    stays = pd.DataFrame(rows, columns=["patient_id", "facility_id", "day", "end"])
    facilities = pd.DataFrame({"facility_id": [v for v, _, _ in venues], "kind": ["community"] * CENTRES + ["hospital"] * 3,
                               "level": [1] * CENTRES + [2] * 3})  # fmt: skip
    write_stays(folder, stays, facilities, town=town, discharge=discharge, total=3000.0, fund=2400.0)
    return folder, ring


def card_world(*, family_phone: str = "F1", collector_phone: str = "COLLECTOR", clinic: str = "") -> ClaimsData:
    """Five township centres, four pharmacies (P0 and P1 one chain), ordinary patients at each.

    - H0 bills stays on 5 villagers who died a year before (冒名住院) and on 6 living cards with no care of
      their own, billed the same way;
    - H1 bills the final stays of 4 patients who died in hospital, settled 1-2 days after death;
    - H2 sees a family of 6 bound to one phone at two addresses;
    - the chain P0/P1 swipes 8 cards of 8 households bound to one collector's phone, every 20 days (``clinic``: the
      centre of that name bills them instead, as outpatient visits of ten times an ordinary visit's cost).
    """
    persons, claims = [], []
    n = [0]

    def person(pid, *, death=None, phone=None, address=None):  # type: ignore[no-untyped-def]
        persons.append(
            (pid, "F", "1950-01-01", "350206", "resident", phone or f"ph{pid}", address or f"ad{pid}", death)
        )

    def claim(pid, venue, day, total, *, visit_type="outpatient", doctor=None):  # type: ignore[no-untyped-def]
        n[0] += 1
        pharmacy = venue.startswith("P")
        when = pd.Timestamp("2024-01-01 09:00") + pd.Timedelta(days=int(day))
        claims.append((f"C{n[0]:06d}", pid, None, None if pharmacy else venue, venue if pharmacy else None,
                       doctor, visit_type, when, None, float(total), round(total * 0.6), 0.0, "I10", None))  # fmt: skip

    rng = np.random.default_rng(3)
    for c in CARD_CENTRES:  # ordinary patients: a stay and their own care around it
        for k in range(40):
            pid = f"{c}-p{k}"
            person(pid)
            claim(pid, c, rng.integers(0, 300), rng.uniform(500, 900), visit_type="inpatient", doctor=f"D{c}a")
            for _ in range(3):
                claim(pid, c, rng.integers(0, 330), 30, doctor=f"D{c}b")
            claim(pid, SHOPS[rng.choice(4, p=[0.1, 0.1, 0.4, 0.4])], rng.integers(0, 330), rng.uniform(20, 90))
    for k in range(5):  # the dead, billed for stays a year after death
        person(f"dead{k}", death="2023-01-10")
        claim(f"dead{k}", "H0", 40 + 30 * k, 1800 + 10 * k, visit_type="inpatient", doctor="DH0a")
    for k in range(6):  # living cards billed the same way, with no care of their own
        person(f"away{k}")
        claim(f"away{k}", "H0", 50 + 30 * k, 1850 + 10 * k, visit_type="inpatient", doctor="DH0a")
    for k in range(4):  # died in hospital: the final stay settled one or two days after death
        death = pd.Timestamp(f"2024-0{k + 3}-10")
        person(f"ward{k}", death=str(death.date()))
        after = (death - pd.Timestamp("2024-01-01")).days + 1 + k % 2
        claim(f"ward{k}", "H1", after, 2500, visit_type="inpatient", doctor="DH1a")
    for k in range(6):  # one family, two homes, one phone (家庭共济)
        person(f"fam{k}", phone=family_phone, address=f"home{k % 2}")
        for d in range(4):
            claim(f"fam{k}", "H2", 60 * d + k, 40, doctor="DH2b")
    for k in range(8):  # a collector's cards, swiped at the chain's shops every 20 days
        person(f"card{k}", phone=collector_phone, address=f"house{k}")
        for d in range(8):
            if clinic:
                claim(f"card{k}", clinic, 20 * d + k, 300 + k, doctor=f"D{clinic}b")
            else:
                claim(f"card{k}", SHOPS[d % 2], 20 * d + k, 300 + k)
    facilities = [(c, f"{c}乡镇卫生院", "community", 1, "public", "350206", 30) for c in CARD_CENTRES]
    doctors = [(f"D{c}{x}", c, "医生", "医师", "全科") for c in CARD_CENTRES for x in "ab"]
    pharmacies = [(s, f"药店{s}", "CHAIN" if s in ("P0", "P1") else None, "350206") for s in SHOPS]
    return ClaimsData(
        _table(PERSONS, persons), _table(FACILITIES, facilities), _table(PHARMACIES, pharmacies),
        _table(DOCTORS, doctors), _table(CLAIMS, claims), _table(CLAIM_ITEMS, []),
    )  # fmt: skip


class _Ledger:
    """Single-person households and their outpatient claims (80 yuan, I10, one per call, numbered in order; at a
    venue whose id starts with ``P`` a pharmacy purchase without a doctor): the phone worlds' book."""

    def __init__(self) -> None:
        self.persons: list[tuple] = []
        self.claims: list[tuple] = []

    def person(self, pid: str, *, phone: str | None = None, address: str | None = None) -> None:
        self.persons.append(
            (pid, "F", "1950-01-01", "350206", "resident", phone or f"ph{pid}", address or f"ad{pid}", None)
        )

    def claim(self, pid: str, venue: str, day: int) -> None:
        shop = venue.startswith("P")
        when = EPOCH + pd.Timedelta(days=int(day))
        self.claims.append((f"C{len(self.claims) + 1:06d}", pid, None, None if shop else venue, venue if shop else None,
                            None if shop else f"D{venue}", "outpatient", when, None, 80.0, 40.0, 0.0, "I10", None))  # fmt: skip

    def data(self, facilities: list, doctors: list, pharmacies: list) -> ClaimsData:
        return ClaimsData(
            _table(PERSONS, self.persons), _table(FACILITIES, facilities), _table(PHARMACIES, pharmacies),
            _table(DOCTORS, doctors), _table(CLAIMS, self.claims), _table(CLAIM_ITEMS, []),
        )  # fmt: skip


def hospital_phone_world(*, family: int = 5, strangers: int = 4, at: str = "H0") -> ClaimsData:
    """A county of 100 single-person households: 40 go to the county hospital H0, 60 to the centre C0 and
    a pharmacy P0 sees 5 of them; and one phone binding a family of ``family`` at one address and
    ``strangers`` cards of other households, all billed at ``at`` (H0: where their care is; P0: swiped at a
    shop that sees few of the county's households, a collector's).
    """
    book = _Ledger()
    person, claim = book.person, book.claim
    for k in range(100):
        person(f"p{k}")
        claim(f"p{k}", "H0" if k < 40 else "C0", 3 * k)
        if k % 20 == 0:
            claim(f"p{k}", "P0", 3 * k + 1)
    bound = [(f"fam{k}", "home") for k in range(family)] + [(f"other{k}", f"house{k}") for k in range(strangers)]
    for k, (pid, home) in enumerate(bound):
        person(pid, phone="SHARED", address=home)
        for d in range(3):
            claim(pid, at, 40 * d + k)
    facilities = [("H0", "县人民医院", "hospital", 2, "public", "350206", 500),
                  ("C0", "镇卫生院", "community", 1, "public", "350206", 30)]  # fmt: skip
    doctors = [("DH0", "H0", "医生", "医师", "内科"), ("DC0", "C0", "医生", "医师", "全科")]
    return book.data(facilities, doctors, [("P0", "药店P0", None, "350206")])


def broker_phone_world(*, hub: str = "K0", hospital: int = 60) -> ClaimsData:
    """A district of 200 single-person households: ``hospital`` go to the hospital H0, the rest of 180 to the
    centre C0, 20 to the clinics K0 and K1 (10 each); and one phone binding ten cards of ten households.

    ``hub`` ``K0``: a broker's recruits (synth ``--vary`` seed 138): each card billed twice at the clinic K0 and
    four times at H0, their own hospital (the hospital bills them most; the clinic holds them beyond chance).
    ``hub`` ``H0``: a collector at the hospital: all ten billed four times at H0, five of them (one village) once
    at their village clinic K1 (the clinic holds a larger share of its cards, the hospital more beyond chance).
    """
    book = _Ledger()
    person, claim = book.person, book.claim
    for k in range(200):
        person(f"p{k}")
        claim(f"p{k}", "H0" if k < hospital else "C0" if k < 180 else "K0" if k < 190 else "K1", k)
    for k in range(10):
        person(f"card{k}", phone="BROKER", address=f"house{k}")
        for d in range(4):
            claim(f"card{k}", "H0", 30 * d + k)
        if hub == "K0":
            for d in range(2):
                claim(f"card{k}", "K0", 50 * d + k + 7)
        elif k < 5:
            claim(f"card{k}", "K1", k + 200)
    facilities = [("H0", "区医院", "hospital", 2, "public", "350206", 200),
                  ("C0", "社区卫生服务中心", "community", 1, "public", "350206", 20),
                  ("K0", "诊所K0", "clinic", 0, "private", "350206", 0),
                  ("K1", "村卫生室K1", "clinic", 0, "public", "350206", 0)]  # fmt: skip
    doctors = [(f"D{f}", f, "医生", "医师", "内科") for f in ("H0", "C0", "K0", "K1")]
    return book.data(facilities, doctors, [])


def helper_phone_world(*, apart: bool = False) -> ClaimsData:
    """A district of 400 single-person households: 20 go to the community centre C0, 380 to the hospital H0, and
    the shop P0 sees 10 of them; and a community helper's (代办) phone binding 12 elders of 4 buildings.

    On the family doctor's day each month (six months) she fetches the 12 elders' refills at C0 together
    (``apart``: each elder's on a day of their own, as a collector who swipes one card a day); each elder also
    buys once at P0, their street's shop, on a day of their own.  P0 holds the phone's four buildings further
    beyond chance than C0 (it sees fewer of the district's households).
    """
    book = _Ledger()
    person, claim = book.person, book.claim
    for k in range(400):
        person(f"p{k}")
        claim(f"p{k}", "C0" if k < 20 else "H0", k % 300)
        if k % 40 == 0:
            claim(f"p{k}", "P0", k % 300 + 1)
    for k in range(12):
        person(f"elder{k}", phone="HELPER", address=f"bldg{k % 4}")
        for m in range(6):
            claim(f"elder{k}", "C0", 30 * m + 3 + (7 * k if apart else 0))
        claim(f"elder{k}", "P0", 11 * k + 5)
    facilities = [("H0", "区医院", "hospital", 2, "public", "350206", 200),
                  ("C0", "社区卫生服务中心", "community", 1, "public", "350206", 20)]  # fmt: skip
    doctors = [(f"D{f}", f, "医生", "医师", "全科") for f in ("H0", "C0")]
    return book.data(facilities, doctors, [("P0", "药店P0", None, "350206")])


VILLAGES = [f"V{i}" for i in range(6)]  # the village clinics of village_world


def village_world(*, dead: int = 1, kept: int = 15) -> ClaimsData:
    """Six village clinics (村卫生室), 60 ordinary villagers each (1-5 visits of 20-60 yuan, a visit elsewhere).

    - V0's doctor keys visits on ``kept`` cards he keeps (村医代保管医保卡), each every 12-20 days for the
      year, at ordinary cost, and on ``dead`` cards of villagers who died in the spring, the same way after
      their death;
    - V1 has one ordinary villager whose death date is recorded a month before her last two visits (a
      recording error), and 15 chronic patients seen monthly (两病随访), no flag on them.
    """
    persons, claims = [], []
    n = [0]
    rng = np.random.default_rng(7)

    def person(pid, death=None):  # type: ignore[no-untyped-def]
        persons.append((pid, "F", "1950-01-01", "350206", "resident", f"ph{pid}", f"ad{pid}", death))

    def claim(pid, venue, day, total):  # type: ignore[no-untyped-def]
        n[0] += 1
        when = pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(day))
        claims.append((f"C{n[0]:06d}", pid, None, venue, None, f"D{venue}", "outpatient", when, None,
                       float(round(total, 2)), round(total * 0.5, 2), 0.0, "J06.9", None))  # fmt: skip

    for v in VILLAGES:
        for k in range(60):
            pid = f"{v}-p{k}"
            person(pid)
            for _ in range(int(rng.integers(1, 6))):
                claim(pid, v, rng.integers(0, 360), rng.uniform(20, 60))
            claim(pid, "T0", rng.integers(0, 360), rng.uniform(40, 90))
    for k in range(kept + dead):
        pid = f"kept{k}" if k < kept else f"dead{k - kept}"
        person(pid, death="2024-03-01" if k >= kept else None)
        day = int(rng.integers(0, 15))
        while day < 360:
            if k < kept or day > 70:
                claim(pid, "V0", day, rng.uniform(30, 70))
            day += int(rng.integers(12, 21))
    person("stray", death="2024-05-01")
    for day in (20, 80, 150, 160):
        claim("stray", "V1", day, rng.uniform(20, 60))
    for k in range(15):
        person(f"chronic{k}")
        for m in range(12):
            claim(f"chronic{k}", "V1", 30 * m + k, rng.uniform(30, 50))
    facilities = [(v, f"{v}村卫生室", "clinic", 0, "public", "350206", 0) for v in VILLAGES]
    facilities.append(("T0", "乡镇卫生院", "community", 1, "public", "350206", 30))
    doctors = [(f"D{v}", v, "乡村医生", "医师", "全科") for v in [*VILLAGES, "T0"]]
    return ClaimsData(
        _table(PERSONS, persons), _table(FACILITIES, facilities), _table(PHARMACIES, []),
        _table(DOCTORS, doctors), _table(CLAIMS, claims), _table(CLAIM_ITEMS, []),
    )  # fmt: skip


KEPT = [f"kept{k}" for k in range(15)]  # kept_world's villagers whose cards V0's doctor keeps
MIGRANTS = [f"away{k}" for k in range(5)]  # kept_world's migrants, working in the city
DEAD = [f"dead{k}" for k in range(2)]  # kept_world's villagers who died in the spring
SIGNED = [f"signed{k}" for k in range(30)]  # kept_world's signed elders of V2's family-doctor day


HOMETOWN = [f"laoxiang{k}" for k in range(150)]  # kept_world's V5 patients from one home county (``hometown``)


def kept_world(*, evening: bool = True, deaths: bool = True, hometown: bool = False) -> ClaimsData:
    """Eight village clinics V0..V7 (村卫生室), 60 ordinary villagers each (1-5 daytime visits of 20-60 yuan and one
    at the township centre T0) and 8 chronic patients each seen monthly (28-35 days, now and then missed).

    - V0's doctor keys visits on the cards he keeps (村医代保管医保卡): :data:`KEPT` villagers', :data:`MIGRANTS`'
      (away working: their own care is at the city hospital X0) and :data:`DEAD` (died 2024-03-01; the death is
      recorded when ``deaths``), each every 10-25 days for the year (the dead's after death), at 21:00-21:40 in
      the evening (``evening``) or at an hour of the day like a visit;
    - V2 holds a family-doctor day (家庭医生签约随访) every 30 days for :data:`SIGNED`, queued three minutes apart
      from 08:00, 85% attending, who also come on their own 2-5 times a year;
    - with ``hometown``, V5's doctor is a 老乡 doctor whom :data:`HOMETOWN` (migrant workers of his home county) see
      in the evenings 2-8 times each, on days of their own within a spell of 60-120 days in town (ninthworld's
      ``hometown_clinic``): the busiest of them are billed as steadily as a kept card, the tail of the many just
      under them.
    """
    persons, claims = [], []
    rng = np.random.default_rng(11)

    def person(pid, death=None):  # type: ignore[no-untyped-def]
        persons.append((pid, "F", "1950-01-01", "350206", "resident", f"ph{pid}", f"ad{pid}", death))

    def claim(pid, venue, day, minute, total):  # type: ignore[no-untyped-def]
        when = pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(day), minutes=int(minute))
        claims.append((f"C{len(claims):06d}", pid, None, venue, None, f"D{venue}", "outpatient", when, None,
                       float(round(total, 2)), round(total * 0.5, 2), 0.0, "J06.9", None))  # fmt: skip

    def daytime():  # type: ignore[no-untyped-def]
        return int(rng.integers(8 * 60, 17 * 60))

    villages = [f"V{i}" for i in range(8)]
    for v in villages:
        for k in range(60):
            pid = f"{v}-p{k}"
            person(pid)
            for _ in range(int(rng.integers(1, 6))):
                claim(pid, v, rng.integers(0, 360), daytime(), rng.uniform(20, 60))
            claim(pid, "T0", rng.integers(0, 360), daytime(), rng.uniform(40, 90))
        for k in range(8):
            pid = f"{v}-chronic{k}"
            person(pid)
            day = int(rng.integers(0, 30))
            while day < 360:
                if rng.random() < 0.85:
                    claim(pid, v, day, daytime(), rng.uniform(30, 50))
                day += int(rng.integers(28, 36))
    for pid in MIGRANTS:
        for _ in range(int(rng.integers(3, 7))):
            claim(pid, "X0", rng.integers(0, 360), daytime(), rng.uniform(150, 400))
    for pid in KEPT + MIGRANTS + DEAD:
        person(pid, death="2024-03-01" if pid in DEAD and deaths else None)
        day = int(rng.integers(0, 15))
        while day < 360:
            if pid not in DEAD or day > 70:
                claim(pid, "V0", day, 21 * 60 + int(rng.integers(0, 40)) if evening else daytime(), rng.uniform(40, 80))
            day += int(rng.integers(10, 26))
    for pid in HOMETOWN if hometown else []:
        person(pid)
        start, spell = int(rng.integers(0, 240)), int(rng.integers(60, 121))
        for day in rng.choice(spell, size=int(rng.integers(2, 9)), replace=False):
            claim(pid, "V5", start + int(day), 19 * 60 + int(rng.integers(0, 120)), rng.uniform(40, 90))
    for pid in SIGNED:
        person(pid)
        for _ in range(int(rng.integers(2, 6))):
            claim(pid, "V2", rng.integers(0, 360), daytime(), rng.uniform(20, 60))
    for m in range(12):
        for i, pid in enumerate(SIGNED):
            if rng.random() < 0.85:
                claim(pid, "V2", 30 * m + 5, 8 * 60 + 3 * i, rng.uniform(25, 45))
    facilities = [(v, f"{v}村卫生室", "clinic", 0, "public", "350206", 0) for v in villages]
    facilities.append(("T0", "乡镇卫生院", "community", 1, "public", "350206", 30))
    facilities.append(("X0", "市人民医院", "hospital", 3, "public", "350200", 800))
    doctors = [(f"D{v}", v, "乡村医生", "医师", "全科") for v in [*villages, "T0", "X0"]]
    return ClaimsData(
        _table(PERSONS, persons), _table(FACILITIES, facilities), _table(PHARMACIES, []),
        _table(DOCTORS, doctors), _table(CLAIMS, claims), _table(CLAIM_ITEMS, []),
    )  # fmt: skip


MENU_SHOPS = [f"P{i}" for i in range(6)]  # menu_world's pharmacies, P0 and P1 one chain
MENU = (98.0, 148.0, 198.0)  # menu_world's chain's baskets


def menu_world(
    *,
    menu: tuple = MENU,
    cards: int = 10,
    swipes: int = 6,
    prescribed: bool = False,
    trade: float = 1.0,
    chain: bool = True,
) -> ClaimsData:
    """Six pharmacies (P0 and P1 one chain), 80 ordinary customers each buying what they need (20-80 yuan).

    - the chain swipes ``cards`` employees' cards ``swipes`` times each for a basket from ``menu`` (套现 at
      two to four times the usual purchase);
    - P2 fills 12 chronic patients' monthly refill, the same 45.50 each time (the same total on many cards,
      at the usual cost);
    - P3 sells 10 customers three dear baskets each, each basket what that customer needed (120-180 yuan,
      no two alike);
    - with ``prescribed``, each of the chain's baskets follows the card's own visit to clinic H0 the day before
      (a patient filling what the doctor prescribed, as a DTP pharmacy's cancer patients do);
    - the chain's own 80 customers a shop pay ``trade`` times what the others' do (a 民族药 chain: its trade is dear);
    - without ``chain``, P0 and P1 are two shops of no chain (a cash-out working two independent shops).
    """
    persons, claims = [], []
    n = [0]
    rng = np.random.default_rng(11)

    def person(pid):
        persons.append((pid, "F", "1960-01-01", "350206", "employee", None, None, None))

    def claim(pid, venue, day, total):
        n[0] += 1
        when = pd.Timestamp("2024-01-01 09:00") + pd.Timedelta(days=int(day), minutes=int(n[0] % 600))
        shop = venue.startswith("P")
        claims.append((f"C{n[0]:06d}", pid, None, None if shop else venue, venue if shop else None, None,
                       "pharmacy" if shop else "outpatient", when, None,
                       float(round(total, 2)), round(total / 2, 2), round(total / 2, 2), "I10", None))  # fmt: skip

    for s in MENU_SHOPS:
        for k in range(80):
            pid = f"{s}-c{k}"
            person(pid)
            for _ in range(int(rng.integers(1, 4))):
                claim(pid, s, rng.integers(0, 330), rng.uniform(20, 80) * (trade if s in ("P0", "P1") else 1.0))
    for k in range(cards):
        pid = f"card{k}"
        person(pid)
        claim(pid, "P4", 5 + k, rng.uniform(20, 80))  # the holder's own purchase elsewhere
        for d in range(swipes):
            if prescribed:
                claim(pid, "H0", 14 + 30 * d + k, 30.0)
            claim(pid, MENU_SHOPS[d % 2], 15 + 30 * d + k, menu[(k * swipes + d) % len(menu)])
    for k in range(12):
        pid = f"refill{k}"
        person(pid)
        for d in range(9):
            claim(pid, "P2", 30 * d + k, 45.5)
    for k in range(10):
        pid = f"dear{k}"
        person(pid)
        for d in range(3):
            claim(pid, "P3", 60 * d + k, rng.uniform(120, 180))
    pharmacies = [(s, f"药店{s}", "CHAIN" if chain and s in ("P0", "P1") else None, "350206") for s in MENU_SHOPS]
    return ClaimsData(
        _table(PERSONS, persons), _table(FACILITIES, [("H0", "诊所", "clinic", 0, "private", "350206", 0)]),
        _table(PHARMACIES, pharmacies),
        _table(DOCTORS, []), _table(CLAIMS, claims), _table(CLAIM_ITEMS, []),
    )  # fmt: skip


MUTUAL_SHOPS = [f"P{i}" for i in range(6)]  # mutual_world's pharmacies


def mutual_world(
    *,
    holders=3,
    elders=15,
    dear=(150.0, 250.0),
    swipes=6,
    household=False,
    holder_column=True,
    account=True,
    dead_payers=0,
):
    """Six pharmacies, 80 ordinary customers each (employees, 20-80 yuan, their own accounts), 60 families whose
    employee pays a resident relative's purchases now and then (家庭共济, one address), and at P0 ``holders``
    employees' accounts paying for ``elders`` resident elders of other addresses (``household``: the same
    address), ``swipes`` purchases each at ``dear`` yuan.  Without ``account`` the elders' purchases are paid by
    the fund (``account_amount`` 0), as a resident's own are.  The first ``dead_payers`` families' payers died on
    2024-03-01 and their accounts go on paying the parent's purchases (家庭共济 on an account not settled)."""
    persons, claims = [], []
    n = [0]
    rng = np.random.default_rng(5)

    def person(pid, insured="resident", address=None, death=None):
        persons.append((pid, "F", "1950-01-01", "350206", insured, None, address or f"ad-{pid}", death))

    def claim(pid, shop, day, total, holder=None, paid=True):
        n[0] += 1
        when = pd.Timestamp("2024-01-01 09:00") + pd.Timedelta(days=int(day), minutes=int(n[0] % 600))
        total = float(round(total, 2))
        claims.append((f"C{n[0]:06d}", pid, holder if holder_column else None, None, shop, None, "pharmacy", when,
                       None, total, 0.0 if paid else total, total if paid else 0.0, None, None))  # fmt: skip

    for s in MUTUAL_SHOPS:
        for k in range(80):
            pid = f"{s}-c{k}"
            person(pid, "employee")
            for _ in range(int(rng.integers(1, 4))):
                claim(pid, s, rng.integers(0, 330), rng.uniform(20, 80))
    for k in range(60):  # a family: the employee pays for a parent's refills, at what refills cost
        payer, parent = f"f{k}-payer", f"f{k}-parent"
        person(payer, "employee", f"home{k}", "2024-03-01" if k < dead_payers else None)
        person(parent, "resident", f"home{k}")
        shop = MUTUAL_SHOPS[k % len(MUTUAL_SHOPS)]
        for d in range(int(rng.integers(1, 6))):
            claim(parent, shop, 40 * d + k, rng.uniform(20, 80), holder=payer)
    for h in range(holders):
        person(f"holder{h}", "employee", "shop-street" if household else None)
    for k in range(elders):
        elder = f"elder{k}"
        person(elder, "resident", "shop-street" if household else None)
        for d in range(swipes):
            claim(elder, "P0", rng.integers(0, 330), rng.uniform(*dear), f"holder{k % max(holders, 1)}", account)
    pharmacies = [(s, f"药店{s}", None, "350206") for s in MUTUAL_SHOPS]
    return ClaimsData(
        _table(PERSONS, persons), _table(FACILITIES, []), _table(PHARMACIES, pharmacies), _table(DOCTORS, []),
        _table(CLAIMS, claims), _table(CLAIM_ITEMS, []),
    )  # fmt: skip


def split_world(*, elders=4, parts=3, days=20, parts_shop=False, holder_column=False):
    """Six pharmacies P0..P5, 80 customers each (1-5 purchase days, now and then two settlements a day), and at
    P0 ``elders`` elders of the same block buying tonics (300-600 yuan, the others' purchases 20-120) on ``days``
    days each, every day's goods settled in ``parts`` settlements, each on another employee's account (``holder_column``: the export names them; else neither
    ``holder_id`` nor ``account_amount`` is exported).  ``parts_shop``: P1 settles every visit in two or three
    parts (中途结算), and eight regulars buy there on 20 days each."""
    persons, claims = [], []
    n = [0]
    rng = np.random.default_rng(7)

    def person(pid, insured="employee"):
        persons.append((pid, "F", "1950-01-01", "350206", insured, None, f"ad-{pid}", None))

    def claim(pid, shop, day, holder=None, price=(20.0, 120.0)):
        n[0] += 1
        when = EPOCH + pd.Timedelta(days=int(day), minutes=int(n[0] % 600))
        total = float(round(rng.uniform(*price), 2))
        claims.append((f"C{n[0]:06d}", pid, holder if holder_column else None, None, shop, None, "pharmacy", when,
                       None, total, 0.0, None, None, None))  # fmt: skip

    def visit(pid, shop, day, settlements):
        for _ in range(settlements):
            claim(pid, shop, day)

    for s in MUTUAL_SHOPS:
        for k in range(80):
            pid = f"{s}-c{k}"
            person(pid)
            for day in rng.choice(330, size=int(rng.integers(1, 6)), replace=False):
                one = 1 + int(rng.integers(1, 3)) if s == "P1" and parts_shop else 1 + int(rng.random() < 0.02)
                visit(pid, s, day, one)
    if parts_shop:
        for k in range(8):
            person(f"regular{k}")
            for day in rng.choice(330, size=20, replace=False):
                visit(f"regular{k}", "P1", day, 1 + int(rng.integers(1, 3)))
    for h in range(parts):
        person(f"account{h}")
    for k in range(elders):
        person(f"elder{k}", "resident")
        for day in rng.choice(330, size=days, replace=False):
            for h in range(parts):
                claim(f"elder{k}", "P0", day, f"account{h}", (300.0, 600.0))  # tonics: 阿胶, 西洋参
    pharmacies = [(s, f"药店{s}", None, "350206") for s in MUTUAL_SHOPS]
    return ClaimsData(
        _table(PERSONS, persons), _table(FACILITIES, []), _table(PHARMACIES, pharmacies), _table(DOCTORS, []),
        _table(CLAIMS, claims), _table(CLAIM_ITEMS, []),
    )  # fmt: skip


def write_town_clinics(folder: Path, rows: list, persons: list[str], rng: np.random.Generator) -> Path:
    """Write ``rows`` (person, clinic, doctor, day, minute of day, fund) and 30,000 visits of a town of 2,000
    persons (``Txxxx``) at the 20 clinics ``C0..C19`` (doctor ``Di`` at ``Ci``), drawn from ``rng``, as a
    claims directory in ``folder``; the persons table holds ``persons`` and the town."""
    town = [f"T{i:04d}" for i in range(2000)]
    for _ in range(30_000):
        c = int(rng.integers(0, 20))
        rows.append((town[int(rng.integers(0, 2000))], f"C{c}", f"D{c}", int(rng.integers(0, 300)),
                     int(rng.integers(8 * 60, 17 * 60)), float(rng.integers(40, 120))))  # fmt: skip
    claims = pd.DataFrame(rows, columns=["patient_id", "facility_id", "doctor_id", "day", "minute", "fund"])
    start = (
        pd.Timestamp("2024-01-01")
        + pd.to_timedelta(claims["day"], unit="D")
        + pd.to_timedelta(claims["minute"], unit="m")
    )
    pd.DataFrame({
        "claim_id": [f"K{i:06d}" for i in range(len(claims))], "patient_id": claims["patient_id"],
        "facility_id": claims["facility_id"], "doctor_id": claims["doctor_id"], "visit_type": "outpatient",
        "start_time": start.dt.strftime("%Y-%m-%d %H:%M:%S"), "total_amount": claims["fund"] * 1.25,
        "fund_amount": claims["fund"],
    }).to_csv(folder / "claims.csv", index=False)  # fmt: skip
    pd.DataFrame({"person_id": persons + town}).to_csv(folder / "persons.csv", index=False)
    clinics = [f"C{i}" for i in range(20)]
    pd.DataFrame({"facility_id": clinics, "kind": "clinic"}).to_csv(folder / "facilities.csv", index=False)
    pd.DataFrame({"doctor_id": [f"D{i}" for i in range(20)], "facility_id": clinics}).to_csv(
        folder / "doctors.csv", index=False
    )
    (folder / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    return folder


def candidates_by_venue(detect, data: ClaimsData, params) -> dict[str, tuple[list[str], dict]]:  # type: ignore[no-untyped-def]
    """``{venue: (sorted person ids, evidence)}`` of the candidates a card detector's ``detect`` finds in ``data``."""
    g = build_graph(data)
    out = {}
    for c in detect(g, params):
        venue = str(g.visits.venues.ids[g.visits.table["venue"].to_numpy()[c.claims[0]]])
        out[venue] = (sorted(str(p) for p in g.visits.persons.ids[c.persons]), c.evidence)
    return out


def steering_reasons(evidence: dict, *, venue: str = "P2") -> list:
    """The reasons a kickback candidate with ``evidence`` is given when every other feature is measured as nothing
    (no identity or goods fraud, no cost excess): what the steering reason alone says and scores."""
    import dataclasses

    from graphfraud.score.features import Features
    from graphfraud.score.rules import suspicion_reasons

    nothing = Features(**{f.name: (0.0 if f.type in ("float", float) else 0) for f in dataclasses.fields(Features)}
                       | {"top_diagnosis": "", "private_venue": True, "median_arrival_gap": float("nan"),
                          "cycle_days": float("nan"), "catchment_outside": float("nan"),
                          "catchment_outside_city": float("nan")})  # fmt: skip
    names = {"venue": venue, "phone": "", "region": "", "doctor": "D0", "pharmacy": "P2"}
    return suspicion_reasons(nothing, names, typology="kickback", evidence=evidence)


def ring_persons(ring) -> set[str]:  # type: ignore[no-untyped-def]
    """The person ids of a reported ring (``Ring.members`` of type person)."""
    return {m.entity_id for m in ring.members if m.entity_type == "person"}


def rings_holding(result, pool: set[str]) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    """The reported rings of ``result`` (a pipeline run) holding at least half of ``pool``: (ring id, how many)."""
    found = []
    for ring in result.rings:
        held = len(ring_persons(ring) & pool)
        if held >= 0.5 * len(pool):
            found.append((ring.ring_id, held))
    return found


def write_clinic_world(
    directory: Path, *, facilities: str, doctors: dict[str, str], persons: list[str], claims: list[tuple]
) -> Path:
    """A small export of outpatient claims at a few facilities, written to ``directory`` (created).

    ``facilities`` are the rows of facilities.csv after its header ``facility_id,kind,level,ownership``;
    ``doctors`` maps each doctor to their facility; ``claims`` are ``(person, facility, doctor, start time,
    fund)`` with the total twice the fund.  No pharmacies.
    """
    directory.mkdir()
    (directory / "facilities.csv").write_text("facility_id,kind,level,ownership\n" + facilities, encoding="utf-8")
    (directory / "doctors.csv").write_text(
        "doctor_id,facility_id\n" + "".join(f"{d},{f}\n" for d, f in doctors.items()), encoding="utf-8"
    )
    (directory / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    (directory / "persons.csv").write_text("person_id\n" + "".join(f"{p}\n" for p in persons), encoding="utf-8")
    rows = [
        f"C{i:05d},{person},{venue},{doctor},outpatient,{when},{2 * fund:.2f},{fund:.2f}\n"
        for i, (person, venue, doctor, when, fund) in enumerate(claims)
    ]
    header = "claim_id,patient_id,facility_id,doctor_id,visit_type,start_time,total_amount,fund_amount\n"
    (directory / "claims.csv").write_text(header + "".join(rows), encoding="utf-8")
    return directory


def indication_city(
    *, sent: int, doctors: bool = False, strays: int = 0, coded_alone: bool = False, designated: bool = False
) -> ClaimsData:
    """A city of 3 hospitals, each with its shop next door filling every diagnosis at ordinary prices (a tenth
    of the purchases dear, as a sick person's now and then); at hospital H1 ``sent`` diabetics are sent to shop
    K once or twice each, buying a drug 10x the usual within a day of the visit.  ``doctors``: visits name one.
    ``strays``: hypertensives of hospital H2 who buy as dear at K once, a day after their visit (their own care).
    ``coded_alone``: the shops next door write no diagnosis on their purchases, so K alone bills E11.9 (step 154).
    ``designated``: every diabetic of the city buys his dear drug at K after the visit, none next door (a 双通道
    pharmacy, the one shop that stocks it)."""
    rng = np.random.default_rng(7)
    persons: list[tuple[object, ...]] = []
    claims: list[tuple[object, ...]] = []

    def claim(pid: str, venue: str, day: pd.Timestamp, total: float, dx: str) -> None:
        shop = venue[0] in "NK"
        claims.append((f"C{len(claims):06d}", pid, None, None if shop else venue, venue if shop else None,
                       f"D{venue}" if doctors and not shop else None, "pharmacy" if shop else "outpatient",
                       day, None, total, round(total * 0.6, 2), 0.0, dx, None))  # fmt: skip

    dx = ["E11.9", "J06.9", "I10", "K29.7"]
    for h in range(3):
        for i in range(150):
            p = f"p{h}-{i}"
            persons.append((p, "F", "1950-01-01", "350206", "resident", f"ph{p}", f"ad{p}", None))
            day = pd.Timestamp("2023-01-01 09:00") + pd.Timedelta(days=int(rng.integers(0, 300)))
            claim(p, f"H{h}", day, 80.0, dx[i % 4])
            price = 30.0 * (10 if rng.random() < 0.1 else 1)
            if designated and dx[i % 4] == "E11.9":
                claim(p, "K", day + pd.Timedelta(days=1), 300.0, "E11.9")
            else:
                claim(p, f"N{h}", day + pd.Timedelta(days=1), price, None if coded_alone else dx[i % 4])
    for i in range(sent):
        p = f"k{i}"
        persons.append((p, "F", "1950-01-01", "350206", "resident", f"ph{p}", f"ad{p}", None))
        for t in range(1 + i % 2):
            day = pd.Timestamp("2023-02-01 09:00") + pd.Timedelta(days=40 * t + i)
            claim(p, "H1", day, 80.0, "E11.9")
            claim(p, "K", day + pd.Timedelta(days=1), 300.0, "E11.9")
    for i in range(strays):
        p = f"s{i}"
        persons.append((p, "F", "1950-01-01", "350206", "resident", f"ph{p}", f"ad{p}", None))
        day = pd.Timestamp("2023-03-01 09:00") + pd.Timedelta(days=i)
        claim(p, "H2", day, 80.0, "I10")
        claim(p, "K", day + pd.Timedelta(days=1), 300.0, "I10")
    facilities = [(f"H{h}", f"医院{h}", "hospital", 2, "public", "350206", 300) for h in range(3)]
    pharmacies = [(s, f"药店{s}", None, "350206") for s in ["N0", "N1", "N2", "K"]]
    docs = [(f"DH{h}", f"H{h}", "医生", "医师", "内科") for h in range(3)] if doctors else []
    return ClaimsData(
        _table(PERSONS, persons), _table(FACILITIES, facilities), _table(PHARMACIES, pharmacies),
        _table(DOCTORS, docs), _table(CLAIMS, claims), _table(CLAIM_ITEMS, []),
    )  # fmt: skip


POOL = [f"pool{i}" for i in range(20)]  # the holder's cards (a 村医's villagers), swiped at P0
FAMILIES = [[f"fam{f}-{k}" for k in range(3)] for f in range(6)]  # households buying together at P1
RESIDENTS = [f"home{i}" for i in range(25)]  # a home's residents, whose refills a carer buys at P3 every month
REGULARS = [f"rush{i}" for i in range(120)]  # P2's morning regulars, each about monthly in its rush hour


def batch_world(*, holder: bool = True, dates_only: bool = False) -> ClaimsData:
    """Five pharmacies P0..P4 of a county town over a year, 600 townspeople buying at them 1-4 times each at an hour
    of the day (08:00-20:00), and:

    - P0: when ``holder``, one person holds :data:`POOL`'s cards and swipes 3-8 of them every 7-14 days, 1-4
      minutes apart at an hour of the day, each card again after 20-40 days (the cards' owners buy now and then
      elsewhere on their own);
    - P1: :data:`FAMILIES`, each household's three cards swiped together 1-2 minutes apart every month;
    - P2: a rush hour: :data:`REGULARS` each about monthly between 08:00 and 09:00, with the walk-ins of the day;
    - P3: a carer buys the refills of :data:`RESIDENTS` (85% each time) with their cards once a month, 1-3 minutes
      apart (代配药).

    ``dates_only`` writes every time at midnight (a date-only export).
    """
    rng = np.random.default_rng(7)
    persons, claims = [], []

    def person(pid: str, address: str | None = None) -> None:
        persons.append((pid, "F", "1955-01-01", "350206", "resident", f"ph{pid}", address or f"ad{pid}", None))

    def buy(pid: str, shop: str, day: int, minute: int, total: float) -> None:
        when = pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(day), minutes=0 if dates_only else int(minute))
        claims.append((f"C{len(claims):06d}", pid, None, None, shop, None, "pharmacy", when, None,
                       float(round(total, 2)), round(total * 0.5, 2), 0.0, None, None))  # fmt: skip

    shops = [f"P{i}" for i in range(5)]
    for k in range(600):
        person(f"town{k}")
        for _ in range(int(rng.integers(1, 5))):
            buy(f"town{k}", str(rng.choice(shops)), int(rng.integers(0, 360)), int(rng.integers(480, 1200)), 40.0)
    for pid in POOL:
        person(pid)
        buy(pid, str(rng.choice(shops[1:])), int(rng.integers(0, 360)), int(rng.integers(480, 1200)), 30.0)
    if holder:
        due = {pid: 0 for pid in POOL}
        day = int(rng.integers(0, 7))
        while day < 360:
            ready = [p for p in POOL if due[p] <= day]
            minute = int(rng.integers(600, 960))
            for pid in rng.permutation(ready)[: int(rng.integers(3, 9))]:
                minute += int(rng.integers(1, 5))
                buy(str(pid), "P0", day, minute, 300.0)
                due[str(pid)] = day + int(rng.integers(20, 41))
            day += int(rng.integers(7, 15))
    for f, household in enumerate(FAMILIES):
        for pid in household:
            person(pid, address=f"family{f}")
        for month in range(12):
            minute = int(rng.integers(540, 1140))
            for i, pid in enumerate(household):
                buy(pid, "P1", 30 * month + f, minute + i * int(rng.integers(1, 3)), 60.0)
    for pid in REGULARS:
        person(pid)
        for month in range(12):
            if rng.random() < 0.8:
                buy(pid, "P2", 30 * month + int(rng.integers(0, 30)), int(rng.integers(480, 540)), 45.0)
    for pid in RESIDENTS:
        person(pid, address="home")
    for month in range(12):
        minute = 540
        for pid in rng.permutation(RESIDENTS):
            if rng.random() < 0.85:
                minute += int(rng.integers(1, 4))
                buy(str(pid), "P3", 30 * month + 10, minute, 120.0)
    pharmacies = [(s, f"{s}大药房", None, "350206") for s in shops]
    return ClaimsData(
        _table(PERSONS, persons), _table(FACILITIES, []), _table(PHARMACIES, pharmacies), _table(DOCTORS, []),
        _table(CLAIMS, claims), _table(CLAIM_ITEMS, []), time_resolution="day" if dates_only else "minute",
    )  # fmt: skip
