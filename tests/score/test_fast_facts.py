"""The short cuts of the claim facts and per-ring features give the numbers of the plain computations."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from graphfraud.graph.build import build_graph
from graphfraud.io.read import read_claims_dir
from graphfraud.score import features as F
from graphfraud.synth import toy
from graphfraud.synth.write import write_world


def test_median_is_numpys() -> None:
    rng = np.random.default_rng(0)
    for i in range(2000):
        n = int(rng.integers(1, 30))
        values = rng.integers(-50, 50, n) if i % 2 else rng.random(n) * 1000
        assert F.median(values) == float(np.median(values))


def test_median_age_is_nanmedian() -> None:
    rng = np.random.default_rng(5)
    for i in range(2000):
        ages = rng.random(int(rng.integers(1, 120))) * 90
        ages[rng.random(len(ages)) < 0.2] = np.nan
        expected = float(np.nanmedian(ages)) if np.isfinite(ages).any() else None
        got = F._median_age(ages)
        assert (np.isnan(got) and expected is None) or got == expected


def test_linked_persons_are_the_connected_components() -> None:
    rng = np.random.default_rng(1)
    for _ in range(300):
        n = int(rng.integers(1, 40))
        k = int(rng.integers(0, 2 * n))
        a, b = rng.integers(0, n, k), rng.integers(0, n, k)
        mine = F.linked(n, a, b)
        count, theirs = connected_components(coo_matrix((np.ones(k), (a, b)), shape=(n, n)), directed=False)
        assert mine.max() + 1 == count
        # the same partition: each of our components is one of theirs
        pairs = set(zip(mine.tolist(), theirs.tolist()))
        assert len(pairs) == count


def test_catchment_counts_as_claim_by_claim() -> None:
    rng = np.random.default_rng(2)
    regions = np.array(["350206", "350211", "350102", "X9", ""], dtype=object)
    person_region = pd.Series(rng.choice(regions, 300)).replace("", None)
    venue_region = pd.Series(rng.choice(regions, 12)).replace("", None)
    t = pd.DataFrame({"person": rng.integers(-1, 300, 5000), "venue": rng.integers(-1, 12, 5000)})
    fast = F._catchment(t, F._known(person_region), F._known(venue_region))
    ok = (t["person"] >= 0) & (t["venue"] >= 0)
    code, names = pd.factorize(np.concatenate([F._known(person_region), F._known(venue_region)]))
    plain = F._catchment_by_claim(
        t["person"].to_numpy()[ok], t["venue"].to_numpy()[ok], code[:300], code[300:], np.asarray(names, dtype=object)
    )
    assert fast.keys() == plain.keys()
    for key in fast:
        assert fast[key].tolist() == plain[key].tolist(), key


def test_persons_by_phone_and_patients_through_links(tmp_path: Path) -> None:
    data, labels = toy.staged_clinic()
    shuffled = data.persons.sample(frac=1.0, random_state=3).reset_index(drop=True)  # not sorted by id
    write_world(dataclasses.replace(data, persons=shuffled), labels, tmp_path)
    read = read_claims_dir(tmp_path)
    graph = build_graph(read)
    rows = np.arange(len(read.claims))
    assert read.link("claims", "patient_id") is not None
    by_id = graph.visits.persons.codes(read.claims["patient_id"])  # hashing the ids
    assert F._patient_codes(graph, rows).tolist() == by_id.tolist()
    facts = F.claim_facts(graph)
    for phone in np.unique(facts.person_phone):
        assert F.bound_to(int(phone), facts).tolist() == np.flatnonzero(facts.person_phone == phone).tolist()


def test_cost_cells_counted_in_slices_are_numpys_bincounts(monkeypatch) -> None:
    """_cells counts (cell, venue) claims and fund a slice of claims at a time: the same numbers, to the bit, as
    bincounts of the whole columns, whatever the slice (3 claims, 1000, all)."""
    rng = np.random.default_rng(7)
    n = 5000
    vtype = rng.integers(0, 4, n).astype(np.int32)
    diagnosis = rng.integers(-1, 30, n).astype(np.int32)  # -1: no diagnosis
    t = pd.DataFrame({"fund": rng.random(n) * 900, "venue": rng.integers(-1, 12, n).astype(np.int32)})
    n_diag, n_venues = int(diagnosis.max()) + 2, int(t["venue"].max()) + 2
    cell = vtype.astype(np.int64) * n_diag + diagnosis + 1
    key = cell * n_venues + t["venue"].to_numpy() + 1
    size = 4 * n_diag * n_venues
    fund = t["fund"].to_numpy()
    for rows in (3, 1000, n):
        monkeypatch.setattr(F, "ROWS_AT_ONCE", rows)
        got = F._cells(vtype, diagnosis, t)
        assert got["cell"].dtype == np.int32 and got["cell"].tolist() == cell.tolist()
        assert got["cell_venue_claims"].ravel().tolist() == np.bincount(key, minlength=size).tolist()
        assert got["cell_venue_fund"].ravel().tolist() == np.bincount(key, weights=fund, minlength=size).tolist()
        assert got["cell_claims"].tolist() == np.bincount(cell, minlength=4 * n_diag).astype(float).tolist()
        assert got["cell_fund"].tolist() == np.bincount(cell, weights=fund, minlength=4 * n_diag).tolist()
        assert got["vtype_claims"].tolist() == np.bincount(vtype, minlength=4).astype(float).tolist()
        assert got["vtype_fund"].tolist() == np.bincount(vtype, weights=fund, minlength=4).tolist()
        square = np.square(fund)  # summed a slice at a time: equal to rounding
        assert np.allclose(got["cell_fund_sq"], np.bincount(cell, weights=square, minlength=4 * n_diag), rtol=1e-12)
        assert np.allclose(got["vtype_fund_sq"], np.bincount(vtype, weights=square, minlength=4), rtol=1e-12)


def test_family_purchases_refills_are_the_unique_counts() -> None:
    """Speed round 22: the refills' (person, venue, family) groups by a hash pass, as np.unique's counts had them."""
    rng = np.random.default_rng(22)
    for _ in range(200):
        n = int(rng.integers(0, 80))
        purchase = rng.random(n) < 0.7
        diagnosis = rng.integers(-1, 4, n)
        fund = rng.random(n) * 100
        person, venue = rng.integers(-1, 6, n), rng.integers(0, 3, n)
        got = F._family_purchases(purchase, diagnosis, None, fund, person, venue)
        family = diagnosis[purchase] + 1
        key = (person[purchase].astype(np.int64) * (int(venue.max(initial=0)) + 1) + venue[purchase]) * 6 + family
        _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
        refill = counts[inverse.reshape(-1)] >= F.REFILL_PURCHASES
        flag = np.zeros(n, dtype=bool)
        flag[np.flatnonzero(purchase)[refill]] = True
        assert got["refill_purchase"].tolist() == flag.tolist()
        n_fam = int(diagnosis.max(initial=-1)) + 2
        assert got["refill_purchases"].tolist() == np.bincount(family[refill], minlength=n_fam).astype(float).tolist()
        assert (
            got["refill_money"].tolist()
            == np.bincount(family[refill], weights=fund[purchase][refill], minlength=n_fam).tolist()
        )
