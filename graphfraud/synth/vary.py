"""World-level variation of a synthetic world (``graphfraud synth --vary``).

A detector tuned on one generator's fixed choices fails on data built with
other, equally realistic ones (issue 14).  Under ``vary`` every world draws,
from its seed, the choices an independent generator or a real export could make
differently: which optional columns the export carries, whether times have a
time of day, how many decimals unit prices keep, how often people see a doctor,
how much of ordinary care is pharmacy purchases, how far people travel for
care.  Each planted group then draws its own knobs (see
:mod:`graphfraud.synth.varied`).

The draw uses its own random stream (``SeedSequence([seed, 14])``), so the
default world, with ``vary`` off, is unchanged byte for byte.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from graphfraud.contract import INPUT_TABLES

#: Optional contract columns a varied world may leave out of its files, with the chance of each.
#: Those named in issue 14 are left out more often; ``claims.doctor_id`` and ``claims.end_time``
#: stay (required in practice for facility claims and inpatient stays).
DROPPABLE: dict[str, float] = {
    "claims.diagnosis": 0.3,
    "claims.terminal_id": 0.3,
    "persons.phone": 0.3,
    "persons.address": 0.3,
    "persons.region": 0.25,
    "facilities.ownership": 0.25,
    "facilities.kind": 0.2,
    "claim_items.trace_code": 0.3,
    "persons.sex": 0.1,
    "persons.birth_date": 0.1,
    "persons.insured_type": 0.1,
    "persons.death_date": 0.15,
    "facilities.level": 0.1,
    "facilities.beds": 0.15,
    "facilities.name": 0.1,
    "pharmacies.chain": 0.15,
    "pharmacies.name": 0.1,
    "doctors.title": 0.1,
    "doctors.department": 0.15,
    "claims.holder_id": 0.15,
    "claims.account_amount": 0.15,
    "claim_items.item_name": 0.15,
}

#: Ranges of the world-level knobs (inclusive), as drawn by :func:`draw_variation`.
WORLD_RANGES: dict[str, tuple[float, float]] = {
    "visit_rate": (0.6, 1.6),  # multiplier on everyone's ordinary claims per year
    "pharmacy_share": (0.2, 0.5),  # share of ordinary claims that are pharmacy purchases (default world 0.36)
    "away_share": (0.03, 0.2),  # share of facility visits outside the home district (default world 0.08)
    "venue_rate": (0.3, 2.0),  # multiplier on fraud venues' share of ordinary patients
}
#: Chance that a world is day-resolution (dates only) and that its unit prices keep 4 decimals.
P_DATE_ONLY = 0.25
P_PRICE4 = 0.5


@dataclass(frozen=True)
class Variation:
    """The world-level choices of a varied world, drawn by :func:`draw_variation`.

    Attributes
    ----------
    drop : tuple of str
        ``table.column`` optional columns left out of the written files.
    date_only : bool
        All times at midnight (a day-resolution export).
    price_decimals : int
        2 or 4: unit prices in cents or, like the national platform's ``pric``,
        with 4 decimals (``amount = round(quantity x unit_price, 2)``).
    visit_rate, pharmacy_share, away_share, venue_rate : float
        See :data:`WORLD_RANGES`.
    """

    drop: tuple[str, ...] = ()
    date_only: bool = False
    price_decimals: int = 2
    visit_rate: float = 1.0
    pharmacy_share: float = 0.36
    away_share: float = 0.08
    venue_rate: float = 1.0

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _optional_columns() -> set[str]:
    return {f"{t.name}.{c.name}" for t in INPUT_TABLES for c in t.columns if not c.required}


def draw_variation(seed: int) -> Variation:
    """The world-level variation of the varied world of ``seed``.

    Examples
    --------
    >>> v = draw_variation(7)
    >>> v == draw_variation(7), v.price_decimals in (2, 4), 0.6 <= v.visit_rate <= 1.6
    (True, True, True)
    >>> set(v.drop) <= set(DROPPABLE)
    True
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, 14]))
    optional = _optional_columns()
    drop = tuple(c for c, p in DROPPABLE.items() if rng.random() < p and c in optional)
    knobs = {name: round(float(rng.uniform(lo, hi)), 3) for name, (lo, hi) in WORLD_RANGES.items()}
    return Variation(
        drop=drop,
        date_only=bool(rng.random() < P_DATE_ONLY),
        price_decimals=4 if rng.random() < P_PRICE4 else 2,
        **knobs,
    )


def price_table(seed: int, cents: np.ndarray) -> np.ndarray:
    """Catalogue unit prices in 1/10000 yuan: prices under 20 yuan (per gram, per tablet) moved by up
    to half a cent either way, as 0.445 or 14.8123; dearer ones keep their cents.

    >>> p = price_table(1, np.array([12, 1500, 8000]))
    >>> bool((np.abs(p[:2] - np.array([1200, 150000])) <= 49).all() and p[2] == 800000)
    True
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, 14, 4]))
    move = np.where(cents < 2000, rng.integers(-49, 50, len(cents)), 0)
    return np.maximum(cents.astype(np.int64) * 100 + move, 1)
