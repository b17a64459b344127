"""Seeded synthetic worlds: ordinary care plus planted fraud rings and benign dense groups.

:func:`make_world` builds the same tables that :mod:`graphfraud.io` produces
(a :class:`~graphfraud.contract.ClaimsData`) and a labels frame.  The world is
built in one direction: places (facilities, doctors, pharmacies), people,
planted groups (which pick their venues and members and may add persons), the
ordinary claims of everyone, then ids, fee lines and money.  Every random draw
comes from a ``numpy`` generator seeded from :attr:`SynthParams.seed`, so the
same parameters give the same world, byte for byte once written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from graphfraud.contract import ClaimsData
from graphfraud.params import _register, check
from graphfraud.synth.benign import BENIGN
from graphfraud.synth.claims import Batch, concat
from graphfraud.synth.context import Context, Planted
from graphfraud.synth.catalog import PRICE_CENTS
from graphfraud.synth.items import IS_DRUG, make_lines, money, resell
from graphfraud.synth.ordinary import ordinary_claims
from graphfraud.synth.places import build_places
from graphfraud.synth.population import build_people
from graphfraud.synth.tables import claim_tables, label_table, place_tables, person_table
from graphfraud.synth.typologies import FRAUD
from graphfraud.synth.varied import VARIED
from graphfraud.synth.vary import Variation, draw_variation, price_table

#: Every kind that can be planted: fraud typologies first (rows of the typology table with a planter), then benign kinds.
FRAUD_KINDS = tuple(FRAUD)
BENIGN_KINDS = tuple(BENIGN)
KINDS = FRAUD_KINDS + BENIGN_KINDS


def kinds() -> tuple[str, ...]:
    """Every kind that can be planted now (:data:`KINDS`, with any typology added to the table since)."""
    return tuple(FRAUD) + tuple(BENIGN)


@_register
@dataclass(frozen=True)
class SynthParams:
    """Parameters of a synthetic world (see :func:`make_world`)."""

    persons: int = 5000  # insured persons of the ordinary world (planting may add a few)
    days: int = 365  # length of the period, days
    seed: int = 0  # seed of every random draw
    start: str = "2024-01-01"  # first day of the period, YYYY-MM-DD
    plant: tuple[str, ...] = KINDS  # typologies and benign kinds to plant
    rings_per_typology: int | None = None  # groups per planted kind; None: max(1, round(persons / 15000))
    ring_size_scale: float = 1.0  # multiplier on every group's member count
    member_ordinary_rate: float = 1.0  # multiplier on planted members' ordinary claims
    venue_ordinary_rate: float = 1.0  # multiplier on fraud venues' share of ordinary patients
    date_only: bool = False  # write dates without time of day (a day-resolution export)
    city: str = "3502"  # 4-digit city code heading the district codes (3502: Xiamen); venue and doctor ids carry it
    id_prefix: str = (
        ""  # letters/digits heading person ids, phone/address keys, trace codes, claim ids after S, ring ids
    )
    vary: bool = False  # draw world and per-group knobs from wide ranges (graphfraud.synth.vary, .varied)

    def __post_init__(self) -> None:
        name = "SynthParams"
        check(
            isinstance(self.persons, int) and 200 <= self.persons <= 50_000_000,
            "persons",
            name,
            "an int between 200 and 50000000",
            self.persons,
        )
        check(
            isinstance(self.days, int) and 30 <= self.days <= 3660,
            "days",
            name,
            "an int between 30 and 3660",
            self.days,
        )
        check(isinstance(self.vary, bool), "vary", name, "True or False", self.vary)
        check(isinstance(self.seed, int) and self.seed >= 0, "seed", name, "an int >= 0", self.seed)
        try:
            np.datetime64(self.start, "D")
            ok = len(self.start) == 10
        except (ValueError, TypeError):
            ok = False
        check(ok, "start", name, "a date YYYY-MM-DD", self.start)
        check(
            isinstance(self.city, str) and len(self.city) == 4 and self.city.isascii() and self.city.isdigit(),
            "city",
            name,
            "a 4-digit city code such as '3505'",
            self.city,
        )
        check(
            isinstance(self.id_prefix, str)
            and len(self.id_prefix) <= 8
            and self.id_prefix.isascii()
            and (self.id_prefix == "" or self.id_prefix.isalnum()),
            "id_prefix",
            name,
            "up to 8 ASCII letters or digits",
            self.id_prefix,
        )
        plant = tuple(self.plant.split(",")) if isinstance(self.plant, str) else tuple(self.plant)
        plant = tuple(p.strip() for p in plant if p.strip())
        check(all(p in kinds() for p in plant), "plant", name, f"a subset of {', '.join(kinds())}", self.plant)
        object.__setattr__(self, "plant", plant)
        r = self.rings_per_typology
        check(
            r is None or (isinstance(r, int) and 0 <= r <= 1000),
            "rings_per_typology",
            name,
            "None or an int between 0 and 1000",
            r,
        )
        for field_name in ("ring_size_scale", "member_ordinary_rate", "venue_ordinary_rate"):
            value = getattr(self, field_name)
            check(
                isinstance(value, int | float) and 0 <= value <= 100 and (value > 0 or field_name != "ring_size_scale"),
                field_name,
                name,
                "a number between 0 and 100 (ring_size_scale > 0)",
                value,
            )

    @property
    def rings(self) -> int:
        """Groups planted per kind."""
        if self.rings_per_typology is not None:
            return self.rings_per_typology
        return max(1, round(self.persons / 15_000))


@dataclass
class World:
    """A built world: its tables, labels and (varied worlds) what was drawn.

    ``variation`` is the world-level :class:`~graphfraud.synth.vary.Variation`
    (the default one unless ``vary``); ``knobs`` holds one dict per planted
    group, ``{"ring_id", "typology", ...drawn knobs}`` (knobs only under ``vary``).
    """

    data: ClaimsData
    labels: pd.DataFrame
    variation: Variation = field(default_factory=Variation)
    knobs: list[dict[str, object]] = field(default_factory=list)

    def record(self) -> dict[str, object]:
        """What ``world.json`` holds: the variation and every group's knobs."""
        return {"variation": self.variation.to_dict(), "groups": self.knobs}


def make_world(params: SynthParams) -> tuple[ClaimsData, pd.DataFrame]:
    """Build a synthetic claims world with planted fraud rings and benign dense groups.

    Parameters
    ----------
    params : SynthParams
        Size, period, seed and what to plant.

    Returns
    -------
    data : ClaimsData
        persons, facilities, pharmacies, doctors, claims and claim_items with
        contract columns and dtypes; ``time_resolution`` is ``"day"`` under
        ``date_only``.
    labels : DataFrame
        ``ring_id, typology, entity_type, entity_id``: every person, doctor,
        facility and pharmacy of every planted group.  Fraud rings are
        ``<typology>:NN``, benign groups ``benign:<kind>:NN``.

    Examples
    --------
    >>> data, labels = make_world(SynthParams(persons=600, days=60, seed=1, plant=("staged_clinic",)))
    >>> sorted(labels.ring_id.unique())
    ['staged_clinic:01']
    >>> bool((data.claims.fund_amount <= data.claims.total_amount).all())
    True

    See :func:`build_world` for the variation and knobs of a varied world.
    """
    world = build_world(params)
    return world.data, world.labels


def build_world(params: SynthParams) -> World:
    """:func:`make_world` with what was drawn: the world's :class:`Variation` and every group's knobs.

    Under ``params.vary`` the world-level choices come from
    :func:`~graphfraud.synth.vary.draw_variation` and each group is planted by
    :data:`~graphfraud.synth.varied.VARIED`; columns in ``variation.drop`` are
    still present (all filled) in ``data``: :func:`~graphfraud.synth.write_world`
    leaves them out when given ``drop=``.

    >>> w = build_world(SynthParams(persons=600, days=60, seed=1, plant=("kickback",), vary=True))
    >>> w.knobs[0]["ring_id"], 15 <= w.knobs[0]["pool"] <= 120
    ('kickback:01', True)
    """
    variation = draw_variation(params.seed) if params.vary else Variation()
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(params.seed).spawn(6)]
    origin = np.datetime64(params.start, "D")
    weekday0 = int((origin.astype(np.int64) + 3) % 7)  # 1970-01-01 was a Thursday
    places = build_places(streams[0], params.persons, params.rings, city=params.city)
    people = build_people(streams[1], params.persons, params.days)
    venue_rate = params.venue_ordinary_rate * variation.venue_rate
    ctx = Context(
        streams[2],
        places,
        people,
        params.days,
        weekday0,
        params.ring_size_scale,
        params.member_ordinary_rate * variation.visit_rate,
        venue_rate,
        params.id_prefix,
    )
    if params.vary:
        people.rate *= variation.visit_rate
    planted: list[Planted] = []
    for kind in kinds():
        if kind not in params.plant:
            continue
        plant = VARIED[kind] if params.vary else FRAUD.get(kind) or BENIGN[kind]
        for k in range(1, params.rings + 1):
            ring_id = (
                f"{kind}:{params.id_prefix}{k:02d}" if kind in FRAUD else f"benign:{kind}:{params.id_prefix}{k:02d}"
            )
            planted.append(plant(ctx, len(planted), ring_id))
    background = {"pharmacy_share": variation.pharmacy_share, "away_share": variation.away_share} if params.vary else {}
    claims = concat(
        [ordinary_claims(streams[3], places, people, days=params.days, weekday0=weekday0, **background)]
        + [p.claims for p in planted]
    )
    claims = claims.take(np.argsort(claims.start, kind="stable"))
    lines = make_lines(streams[4], claims)
    if variation.price_decimals == 4:
        lines.price_e4 = price_table(params.seed, PRICE_CENTS)
    _resell(streams[4], lines, claims, planted)
    total, fund, account = money(streams[5], claims, lines, people)
    persons, person_ids = person_table(people, origin, city=params.city, id_prefix=params.id_prefix)
    facilities, pharmacies, doctors = place_tables(places)
    date_only = params.date_only or variation.date_only
    claims_frame, items = claim_tables(
        claims,
        lines,
        (total, fund, account),
        person_ids,
        places,
        origin,
        date_only=date_only,
        id_prefix=params.id_prefix,
    )
    data = ClaimsData(
        persons, facilities, pharmacies, doctors, claims_frame, items, time_resolution="day" if date_only else "minute"
    )
    knobs = [{"ring_id": p.ring_id, "typology": p.typology, **p.knobs} for p in planted] if params.vary else []
    return World(data, label_table(planted, person_ids, places), variation, knobs)


def _resell(rng: np.random.Generator, lines, claims: Batch, planted: list[Planted]) -> None:  # type: ignore[no-untyped-def]
    if not any(p.resale for p in planted):
        return
    rows = np.flatnonzero(IS_DRUG[lines.item] & (claims.group[lines.claim] >= 0))
    group = claims.group[lines.claim[rows]]
    for g, p in enumerate(planted):
        if p.resale:
            resell(rng, lines, rows[group == g], p.resale)
