"""Every number in a ring's reasons is recomputed from the pack's own files (claims.csv, plus the
baselines from outside the ring that the pack carries: baselines.csv, venues.csv, steering.csv, members.csv).

This is an independent reimplementation on the pack's CSV files only: it never calls graphfraud, except
to print a reason's values (reasons.csv column ``args``) as its sentence does (``59%``, ``1,234.50``).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphfraud.score.reasons import printed, template

from .conftest import TYPOLOGIES, read

MIN_PEERS = 20  # run.json "evidence.min_peers"


class Pack:
    def __init__(self, root: Path) -> None:
        self.claims = read(root / "claims.csv")
        self.members = read(root / "members.csv")
        self.venues = read(root / "venues.csv").set_index("venue_id")
        self.baselines = read(root / "baselines.csv")
        self.steer = read(root / "steering.csv")
        self.reasons = read(root / "reasons.csv")
        run = json.loads((root / "run.json").read_text(encoding="utf-8"))
        self.rules = run["parameters"]["score"]["rules"]
        self.signals = run["evidence"]  # split_days, high_value_unit_price
        assert self.signals["split_days"] == run["parameters"]["signals"]["split_days"]
        assert self.signals["high_value_unit_price"] == run["parameters"]["signals"]["high_value_price"]
        c = self.claims
        self.fund = c["fund_amount"].astype(float).to_numpy()
        # insurance money per claim: fund + personal account; without an account, a claim the fund paid
        # nothing on counts at its total (graph.build.insurance_money)
        account = pd.to_numeric(c["account_amount"].replace("", None), errors="coerce").to_numpy(dtype=float)
        total = c["total_amount"].astype(float).to_numpy()
        known = ~np.isnan(account)
        self.money_paid = np.where(known, self.fund + np.nan_to_num(account),
                                   np.where(self.fund == 0, total, self.fund))  # fmt: skip
        self.start = pd.to_datetime(c["start_time"])
        counts = c["venue_id"].value_counts()
        self.main = sorted(counts[counts == counts.max()].index)[0]
        self.at_main = (c["venue_id"] == self.main).to_numpy()
        people = self.members[self.members["entity_type"] == "person"]
        self.persons = people[people["role"] != "organizer"]

    # one method per reason code, returning the values in the order of the reason's text
    def lockstep(self) -> tuple:
        m = self.claims[self.at_main]
        present = m.groupby("person_id")["day"].nunique()
        return (int((present >= 4).sum()), len(self.persons), self.main, m["day"].nunique())

    co_admission = lockstep

    def arrival_gap(self) -> tuple:
        t = np.sort(self.start[self.at_main].to_numpy().astype("datetime64[m]").astype(np.int64))
        same_day = t[1:] // 1440 == t[:-1] // 1440
        return (float(np.median(np.diff(t)[same_day])),)

    def cycle(self) -> tuple:
        days = np.unique(
            pd.to_datetime(self.claims.loc[self.at_main, "day"]).to_numpy().astype("datetime64[D]").astype(np.int64)
        )
        gaps = np.diff(days)
        med = float(np.median(gaps))
        return (med, 100 * float((np.abs(gaps - med) <= 1).mean()))

    def cost_ratio(self) -> tuple:
        c = self.claims
        b = self.baselines
        cb = b[b["baseline"] == "visit_type+diagnosis"]
        cells = cb.set_index(cb["visit_type"] + "|" + cb["diagnosis_family"])
        types = b[b["baseline"] == "visit_type"].set_index("visit_type")
        expected = np.full(len(c), np.nan)
        for key, baseline in ((c["cost_cell"], cells), (c["visit_type"], types)):
            own_n = key.map(key.value_counts())
            own_f = key.map(pd.Series(self.fund, index=c.index).groupby(key).sum())
            other_n = key.map(baseline["claims"].astype(int)) - own_n
            other_f = key.map(baseline["fund_amount"].astype(float)) - own_f
            use = np.isnan(expected) & (other_n >= MIN_PEERS).to_numpy()
            expected[use] = (other_f / other_n).to_numpy()[use]
        ok = ~np.isnan(expected)
        ring, base = self.fund[ok].sum(), expected[ok].sum()
        return (ring / base, ring / ok.sum(), base / ok.sum())

    def dominance(self) -> tuple:
        return (100 * self.at_main.sum() / int(self.venues.loc[self.main, "all_claims"]), self.main)

    def shared_phone(self) -> tuple:
        p = self.persons[self.persons["phone"] != ""]
        g = p.groupby("phone").agg(n=("address", "size"), addresses=("address", "nunique"))
        g = g[g["addresses"] >= 3].sort_values(["n", "addresses"], ascending=False, kind="stable")
        return (int(g["n"].iloc[0]), int(g["addresses"].iloc[0]), g.index[0])

    def out_of_region(self) -> tuple:
        region = self.venues.loc[self.main, "region"]
        known = self.persons["region"] != ""  # an unknown region is never "elsewhere" (issue 14)
        outside = int((known & (self.persons["region"] != region)).sum()) if region else 0
        return (outside, len(self.persons), self.main, region)

    def off_hours(self) -> tuple:
        hour = self.start.dt.hour
        off = ((hour < 7) | (hour >= 19)).to_numpy()
        assert (off.astype(int) == self.claims["off_hours"].astype(int).to_numpy()).all()
        return (100 * off.mean(),)

    def high_value(self) -> tuple:
        c = self.claims
        return (
            100 * c["high_value_amount"].astype(float).sum() / c["total_amount"].astype(float).sum(),
            self.signals["high_value_unit_price"],
        )

    def dup_trace(self) -> tuple:
        flagged = self.claims[self.claims["dup_trace"] == "1"]
        assert (flagged["trace_also_in"] != "").all() and (flagged["resold_trace_codes"] != "").all()
        return (len(flagged),)

    def after_death(self) -> tuple:
        c = self.claims
        patient = pd.to_datetime(c["patient_death_date"].replace("", None))
        holder = pd.to_datetime(c["holder_death_date"].replace("", None))
        pharmacy = (c["venue_type"] == "pharmacy").to_numpy()
        day = self.start.dt.normalize()  # after death = on a later day than the death date
        after = (day > patient).to_numpy() | (pharmacy & (day > holder).to_numpy())
        assert (after.astype(int) == c["after_death"].astype(int).to_numpy()).all()
        return (int(after.sum()),)

    def split_admission(self) -> tuple:
        flagged = self.claims[self.claims["split_admission"] == "1"]
        gap = (pd.to_datetime(flagged["day"]) - pd.to_datetime(flagged["previous_discharge"])).dt.days
        assert ((gap >= 0) & (gap <= self.signals["split_days"])).all()
        return (len(flagged), self.signals["split_days"])

    def money(self) -> tuple:
        return (self.money_paid.sum(), len(self.claims), self.fund.sum())

    def steering(self) -> tuple:
        s = self.steer.iloc[0]
        patients, doctor_patients = int(s["patients"]), int(s["doctor_patients"])
        # the steered patients: persons who bought at the pharmacy after a visit to the doctor
        c = self.claims
        visits = c[(c["doctor_id"] == s["doctor_id"]) & (c["venue_type"] == "facility")]
        buys = c[(c["venue_id"] == s["pharmacy_id"]).to_numpy() & (self.money_paid >= float(s["min_fund"]))]
        seen = buys["person_id"].isin(set(visits["person_id"]))
        assert buys.loc[seen, "person_id"].nunique() == patients
        # the others came by the doctor's name on the pharmacy's claim (step 97: named prescriptions, no visit)
        assert (buys.loc[~seen, "doctor_id"] == s["doctor_id"]).all()
        w, prior = float(s["prior_weight"]), float(s["pharmacy_prior"])
        # the peers: the facility's patients but the doctor's and the team-mates' (who treat the same patients)
        team, team_buyers = int(s["team_patients"]), int(s["team_pharmacy_patients"])
        assert team >= doctor_patients and team_buyers >= patients
        peers = max(int(s["facility_patients"]) - team, 0)
        peer_buyers = max(int(s["facility_pharmacy_patients"]) - team_buyers, 0)
        peer_share = (peer_buyers + w * prior) / (peers + w)
        share = patients / doctor_patients
        p0 = min(max(peer_share, 1e-3), 1 - 1e-3)
        z = (patients - doctor_patients * p0) / math.sqrt(doctor_patients * p0 * (1 - p0))
        # the pharmacy's own high-value buyers are a baseline from outside the ring (steering.csv)
        buyers = int(s["pharmacy_buyers"])
        assert buyers >= patients
        excess = max(patients - doctor_patients * peer_share, 0.0)
        named = int(buys.loc[~seen, "person_id"].nunique())
        return (patients, doctor_patients, s["doctor_id"], 100 * share, s["pharmacy_id"], int(s["follow_days"]),
                100 * peer_share, share / max(peer_share, 1e-3), z, float(s["min_fund"]), excess,
                100 * excess / buyers, buyers) + ((named,) if named else ())  # fmt: skip


def same(shown: str, value: object) -> bool:
    """``shown`` is ``value`` as the reason printed it (rounded to the digits shown)."""
    if isinstance(value, str):
        return shown == value
    text = shown.replace(",", "").removesuffix("%")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return abs(float(text) - float(value)) <= 0.5 * 10**-decimals + 1e-9 * max(1.0, abs(float(value)))


@pytest.mark.parametrize("typology", TYPOLOGIES)
def test_every_number_in_the_reasons_is_recomputed_from_the_pack(packs: dict, typology: str) -> None:
    pack = Pack(packs[typology].path)
    assert len(pack.reasons)
    for row in pack.reasons.itertuples():
        args = json.loads(row.args)
        assert template(row.code, args).format(**args) == row.text  # the English text says these values
        shown = printed(row.code, args)
        assert all(s in row.wording for s in shown.values()), row.wording  # and so does the report's Chinese
        # the thresholds (<feature>_from) are the starts of the run's rules, in the pack's run.json
        starts = {f"{r['feature']}_from": r["start"] for r in pack.rules if r["code"] == row.code}
        assert {k: args[k] for k in shown if k.endswith("_from")} == starts
        measured = {k: v for k, v in shown.items() if not k.endswith("_from")}
        recomputed = getattr(pack, row.code)()
        assert len(measured) == len(recomputed)
        for s, v in zip(measured.values(), recomputed):
            assert same(s, v), f"{row.code}: shown {s}, recomputed {v} ({row.text})"
