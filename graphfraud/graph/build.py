"""From validated claim tables to the timed person-venue visit table.

A *visit* (就诊/购药) is one claim seen as an edge in the claim graph:
person -> venue at a time, with the doctor when there is one.  The person of
a pharmacy purchase is the card holder (whose card was swiped); the person of
a facility visit is the patient.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import threading
from functools import cached_property
from typing import Any, Callable

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from graphfraud.contract import ClaimsData
from graphfraud.graph.events import SMALL_RANGE
from graphfraud.graph.ids import IdMap
from graphfraud.io.arrow import text_codes, to_arrow

#: The epoch from which visit times are counted, in minutes.
EPOCH = np.datetime64("2000-01-01T00:00", "m")


@dataclass(frozen=True)
class Visits:
    """Claims as timed person -> venue edges with dense codes.

    Attributes
    ----------
    table : DataFrame
        One row per claim, in claims order: ``claim`` (row in claims),
        ``person``, ``venue``, ``doctor`` (-1 if none), ``kind`` (0 facility,
        1 pharmacy), ``inpatient`` (bool), ``minute`` (start, minutes since
        2000-01-01), ``day`` (start day), ``end_day`` (discharge day or -1),
        ``fund`` (yuan).  ``claim``, the codes and the days are int32 (:func:`narrow`):
        cast to int64 before arithmetic that can leave its range.
    persons, venues, doctors : IdMap
        Venue ids are facility and pharmacy ids together (they never clash:
        their codes differ in the contract's examples; a clash is merged).
    """

    table: pd.DataFrame
    persons: IdMap
    venues: IdMap
    doctors: IdMap
    _arrays: dict[str, np.ndarray] = field(default_factory=dict, init=False, repr=False, compare=False)

    def column(self, name: str) -> np.ndarray:
        """``table[name]`` as a NumPy array, taken once (a pandas column lookup costs tens of
        microseconds, and scoring looks columns up per candidate: thousands of times at ten million claims).

        >>> from graphfraud.synth import toy
        >>> v = build_visits(toy.staged_clinic()[0])
        >>> v.column("venue") is v.column("venue"), v.column("venue").tolist() == v.table["venue"].tolist()
        (True, True)
        """
        if name not in self._arrays:
            self._arrays[name] = self.table[name].to_numpy()
        return self._arrays[name]


def person_of_claim(claims: pd.DataFrame) -> pd.Series:
    """The person a claim is attributed to: holder for pharmacy purchases, patient otherwise."""
    pharmacy = claims["pharmacy_id"].notna()
    holder = claims["holder_id"].fillna(claims["patient_id"])
    return holder.where(pharmacy, claims["patient_id"])


def build_visits(data: ClaimsData) -> Visits:
    """Turn ``data.claims`` into a :class:`Visits` table.

    Examples
    --------
    >>> from graphfraud.synth import toy
    >>> data, _ = toy.staged_clinic()
    >>> v = build_visits(data)
    >>> len(v.table) == len(data.claims), bool(v.table["person"].min() >= 0)
    (True, True)
    """
    claims = data.claims
    persons = IdMap.from_values(data.persons["person_id"])
    venues = IdMap.from_values(data.facilities["facility_id"], data.pharmacies["pharmacy_id"])
    doctors = IdMap.from_values(data.doctors["doctor_id"])
    person, venue, doctor, pharmacy = _linked_codes(data, persons, venues, doctors)
    start = claims["start_time"].to_numpy().astype("datetime64[m]")
    minute = (start - EPOCH).astype(np.int64)
    end = claims["end_time"]
    end_day = np.where(
        end.notna().to_numpy(),
        ((end.to_numpy().astype("datetime64[m]") - EPOCH).astype(np.int64)) // 1440,
        -1,
    )
    table = pd.DataFrame(
        {
            "claim": narrow(np.arange(len(claims), dtype=np.int64)),
            "person": narrow(person),
            "venue": narrow(venue),
            "doctor": narrow(doctor),
            "kind": pharmacy.astype(np.int8),
            "inpatient": (claims["visit_type"] == "inpatient").to_numpy(dtype=bool, na_value=False),
            "minute": minute,
            "day": narrow(minute // 1440),
            "end_day": narrow(end_day.astype(np.int64)),
            "fund": claims["fund_amount"].to_numpy(dtype=np.float64),
        },
        copy=False,
    )
    return Visits(table, persons, venues, doctors)


def narrow(values: np.ndarray) -> np.ndarray:
    """Int codes or day numbers as int32 when they fit (ten million claims: 40 MB a column, not 80), else as
    they are.  Arithmetic that can leave the int32 range (a pair key ``a * n + b``) casts to int64 first.

    >>> narrow(np.array([-1, 5])).dtype, narrow(np.array([2**40])).dtype
    (dtype('int32'), dtype('int64'))
    """
    if len(values) and (int(values.min()) < -(2**31) or int(values.max()) >= 2**31):
        return values
    return values.astype(np.int32)


def _linked_codes(data: ClaimsData, persons: IdMap, venues: IdMap, doctors: IdMap) -> tuple[np.ndarray, ...]:
    """Person, venue and doctor code of every claim, and whether it is a pharmacy purchase.

    From the validator's foreign-key links when the data has them (numeric
    lookups), else by hashing the ids; both give the same codes.
    """
    claims = data.claims
    found = {c: data.link("claims", c) for c in ("patient_id", "holder_id", "facility_id", "pharmacy_id", "doctor_id")}
    links = {c: rows for c, rows in found.items() if rows is not None}
    if len(links) < len(found):
        if any(name.startswith("claims.") and name.endswith("_id") for name in data.released):
            raise ValueError(
                "build_visits needs the claims' id columns or their ClaimsData.links; "
                f"these were released by the reader without links: {', '.join(data.released)}"
            )
        venue = claims["facility_id"].fillna(claims["pharmacy_id"])
        return (
            persons.codes(person_of_claim(claims)),
            venues.codes(venue),
            doctors.codes(claims["doctor_id"]),
            claims["pharmacy_id"].notna().to_numpy(),
        )
    pharmacy = links["pharmacy_id"] >= 0
    holder = links["holder_id"]
    person_row = np.where(pharmacy & (holder >= 0), holder, links["patient_id"])
    facility_codes = venues.codes(data.facilities["facility_id"])
    pharmacy_codes = venues.codes(data.pharmacies["pharmacy_id"])
    venue = np.where(
        pharmacy, _through(links["pharmacy_id"], pharmacy_codes), _through(links["facility_id"], facility_codes)
    )
    return (
        _through(person_row, persons.codes(data.persons["person_id"])),
        venue,
        _through(links["doctor_id"], doctors.codes(data.doctors["doctor_id"])),
        pharmacy,
    )


def patient_codes(data: ClaimsData, persons: IdMap, rows: np.ndarray) -> np.ndarray:
    """Person code of the patient of claims ``rows`` (from the links when known)."""
    link = data.link("claims", "patient_id")
    if link is None:
        return persons.codes(data.claims["patient_id"].iloc[rows])
    return _through(link[rows], persons.codes(data.persons["person_id"]))


def _through(rows: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``codes[rows]`` as int64, ``-1`` where a row is ``-1``.

    One gather from the codes with a ``-1`` appended (row ``-1`` takes it), no mask.

    >>> _through(np.array([2, -1, 0], dtype=np.int32), np.array([7, 8, 9])).tolist()
    [9, -1, 7]
    """
    return np.append(np.asarray(codes, dtype=np.int64), np.int64(-1))[rows]


@dataclass(frozen=True)
class ClaimGraph:
    """The heterogeneous claim graph every detector reads.

    Persons, doctors and venues are nodes; each claim is a timed edge person
    -> venue (-> doctor), held column-wise in ``visits.table``.  ``data``
    keeps the validated tables for attributes (regions, phones, items).
    """

    data: ClaimsData
    visits: Visits
    _shared: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    _making: threading.RLock = field(default_factory=threading.RLock, init=False, repr=False, compare=False)

    def claim_codes(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """Dense codes of a text column of the claims (``visit_type``, ``diagnosis``; int32, -1 missing, first-seen
        order) and the value of each code: :func:`graphfraud.io.arrow.text_codes`, hashed once per run (the card
        detectors and scoring read the same columns; ten million strings take a second or so).

        >>> from graphfraud.synth import toy
        >>> g = build_graph(toy.staged_clinic()[0])
        >>> codes, values = g.claim_codes("visit_type")
        >>> g.claim_codes("visit_type")[0] is codes, values[codes].tolist() == g.data.claims["visit_type"].tolist()
        (True, True)
        """
        codes: tuple[np.ndarray, np.ndarray] = self.shared(
            f"codes:{column}", lambda: text_codes(self.data.claims[column])
        )
        return codes

    def shared(self, name: str, make: Callable[[], Any]) -> Any:
        """What several detectors compute alike from the graph alone (e.g. the claims per institution and card,
        :func:`graphfraud.detect.cards.card_uses`): ``make()`` the first time, kept under ``name`` for the run.

        Made under a lock, so detectors run side by side (``pipeline.run(jobs=2)``) make it once."""
        with self._making:
            if name not in self._shared:
                self._shared[name] = make()
            return self._shared[name]

    def forget(self, name: str) -> None:
        """Drop what :meth:`shared` keeps under ``name`` (nothing if none), once no later stage reads it.

        >>> from graphfraud.synth import toy
        >>> g = build_graph(toy.staged_clinic()[0])
        >>> first = g.shared("n", lambda: [1])
        >>> g.forget("n")
        >>> g.shared("n", lambda: [2])
        [2]
        """
        self._shared.pop(name, None)

    def claim_rows(self, column: str, codes: np.ndarray) -> np.ndarray:
        """The claims (rows, ascending int64) whose visit's ``column`` (``person``, ``venue``: dense codes) is one of
        ``codes``: ``np.flatnonzero(np.isin(visits.column(column), codes))`` without a pass over every claim.

        Scoring asks this per candidate (a kickback's patients' visits, its shops' purchases, a venue's crowd):
        at ten million claims each ``np.isin`` over every claim took a tenth of a second or more, per candidate.
        The claims are indexed by code once per run (:func:`code_index`, kept under ``rows:<column>``: 40 MB
        of int32 rows at ten million claims, and the offsets per code), so each question costs its own rows.

        >>> from graphfraud.synth import toy
        >>> g = build_graph(toy.staged_clinic()[0])
        >>> person = g.visits.column("person")
        >>> asked = np.array([person[3], person[0], -7])
        >>> g.claim_rows("person", asked).tolist() == np.flatnonzero(np.isin(person, asked)).tolist()
        True
        """
        order, starts, low = self.shared(f"rows:{column}", lambda: code_index(self.visits.column(column)))
        return rows_of(order, starts, low, codes)

    def patient_codes(self, rows: np.ndarray) -> np.ndarray:
        """Person code of the patient of claims ``rows`` (``-1`` none): :func:`patient_codes`, through the claims'
        links to the persons table and the inverse of :meth:`person_rows` (person ids are a key), kept for the
        run: no person id is hashed again (each detector that asked hashed the million ids at ten million claims).

        >>> from graphfraud.synth import toy
        >>> g = build_graph(toy.staged_clinic()[0])
        >>> rows = np.arange(len(g.data.claims))
        >>> bool((g.patient_codes(rows) == patient_codes(g.data, g.visits.persons, rows)).all())
        True
        """
        link = self.data.link("claims", "patient_id")
        if link is None:
            return patient_codes(self.data, self.visits.persons, rows)

        def invert() -> np.ndarray:
            at = self.person_rows()
            code_of_row = np.full(len(self.data.persons) + 1, -1, dtype=np.int64)  # row -1 takes the last slot
            code_of_row[at[at >= 0]] = np.flatnonzero(at >= 0)
            return code_of_row

        code_of_row: np.ndarray = self.shared("code_of_person_row", invert)
        return code_of_row[link[rows]]

    def person_rows(self) -> np.ndarray:
        """Per person code: its row in ``data.persons`` (-1: none), found once per run.

        Person codes follow the sorted ids: a persons table sorted by id (as written by most exports) is its own
        lookup, found by one comparison of the two columns instead of a hash join.

        >>> from graphfraud.synth import toy
        >>> g = build_graph(toy.staged_clinic()[0])
        >>> rows = g.person_rows()
        >>> g.data.persons["person_id"].to_numpy()[rows].tolist() == list(g.visits.persons.ids)
        True
        """

        def find() -> np.ndarray:
            codes, ids = self.visits.persons.arrow, to_arrow(self.data.persons["person_id"])
            if len(codes) == len(ids) and codes.equals(ids.cast(codes.type)):
                return np.arange(len(codes), dtype=np.int64)
            found = pc.index_in(codes, value_set=ids)
            return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)

        rows: np.ndarray = self.shared("person_rows", find)
        return rows

    @property
    def day_resolution(self) -> bool:
        return self.data.time_resolution == "day"

    @cached_property
    def timed(self) -> np.ndarray | None:
        """Per claim, whether its start carries a time of day; None when all do (or, for day data, none).

        Under ``time_resolution == "mixed"`` the claims of ``data.date_only_venues``
        are False: they take part in same-day pairing (all at 00:00 of their
        day, they pair over the whole day, as in a date-only table) but not in
        minute-level measures.
        """
        if self.data.time_resolution != "mixed" or not self.data.date_only_venues:
            return None
        dated = self.visits.venues.codes(pd.Series(self.data.date_only_venues, dtype=object))
        return ~np.isin(self.visits.column("venue"), dated[dated >= 0])


def code_index(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """The rows of ``values`` (int codes) grouped by code: ``(order, starts, low)``, the rows of code ``c`` being
    ``order[starts[c - low]:starts[c - low + 1]]``, ascending (a stable order; int32 rows when they fit).

    >>> order, starts, low = code_index(np.array([3, -1, 3, 0, -1]))
    >>> order.tolist(), starts.tolist(), low
    ([1, 4, 3, 0, 2], [0, 2, 3, 3, 3, 5], -1)
    """
    n = len(values)
    if not n:
        return np.zeros(0, dtype=np.int32), np.zeros(1, dtype=np.int64), 0
    low = int(values.min())
    shifted = values.astype(np.int64) - low
    counts = np.bincount(shifted)
    if len(counts) <= SMALL_RANGE:  # venues, institutions: NumPy's radix sort of 16-bit keys (stable)
        order = np.argsort(shifted.astype(np.uint16), kind="stable")
    elif len(counts) * n < np.iinfo(np.int64).max:  # packed (code, row): one plain sort gives the stable order
        shifted *= n
        for at in range(0, n, 1 << 20):  # (+ the row, a slice at a time: no second array of n int64)
            shifted[at : at + (1 << 20)] += np.arange(at, min(at + (1 << 20), n))
        shifted.sort()
        shifted %= n
        order = shifted
    else:  # pragma: no cover - huge codes only
        order = np.argsort(shifted, kind="stable")
    del shifted
    order = order.astype(np.int32) if n < np.iinfo(np.int32).max else order
    starts = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    return order, starts, low


def rows_of(order: np.ndarray, starts: np.ndarray, low: int, codes: np.ndarray) -> np.ndarray:
    """The rows (ascending int64) of ``codes`` in the index ``(order, starts, low)`` of :func:`code_index`; a code
    asked twice, or absent, adds nothing.

    >>> rows_of(*code_index(np.array([3, -1, 3, 0, -1])), np.array([3, -1, 9, 3])).tolist()
    [0, 1, 2, 4]
    """
    q = np.unique(np.asarray(codes, dtype=np.int64)) - low
    q = q[(q >= 0) & (q < len(starts) - 1)]
    lo, hi = starts[q], starts[q + 1]
    n = hi - lo
    total = int(n.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    at = np.repeat(lo - (np.cumsum(n) - n), n) + np.arange(total)
    out = order[at].astype(np.int64)
    out.sort(kind="stable")  # each code's rows ascending already: a merge of sorted runs (timsort), not a quicksort
    return out


def build_graph(data: ClaimsData) -> ClaimGraph:
    """The :class:`ClaimGraph` of validated tables."""
    return ClaimGraph(data, build_visits(data))


def insurance_money(claims: pd.DataFrame) -> np.ndarray | None:
    """Per claim, the insurance money spent: the pooled fund's and the personal account's (个人账户).

    A card collector who swipes cards at a pharmacy spends their holders'
    personal accounts, and the fund pays nothing; counting the fund alone would
    rank him as harmless.  Where the export has ``account_amount``, the money
    is ``fund_amount + account_amount``.  Where it is absent (or empty for a
    claim), a settlement the fund paid nothing on was paid from the account (or
    in cash, which such an export does not tell apart) and counts at
    ``total_amount``.
    Returns None when that is the fund alone (no such claims), to save memory.

    >>> c = pd.DataFrame({"total_amount": [100.0, 40.0], "fund_amount": [70.0, 0.0]})
    >>> insurance_money(c).tolist()
    [70.0, 40.0]
    >>> insurance_money(c.assign(account_amount=[10.0, 0.0])).tolist()
    [80.0, 0.0]
    >>> insurance_money(c.assign(account_amount=[None, None])).tolist()
    [70.0, 40.0]
    """
    fund = claims["fund_amount"].to_numpy(dtype=float)
    if "account_amount" in claims.columns:
        account = claims["account_amount"].to_numpy(dtype=float, na_value=np.nan)
    else:
        account = np.full(len(fund), np.nan)
    known = ~np.isnan(account)
    unpaid = ~known & (fund == 0)
    if not (known & (account > 0)).any() and not unpaid.any():
        return None
    money = np.where(known, fund + np.where(known, account, 0.0), fund)
    return np.where(unpaid, claims["total_amount"].to_numpy(dtype=float), money)
