"""Event links weighted by the persons two days share beyond the venue's traffic (step 58, ``beyond_traffic``).

A broker's thin pool at a busy clinic: about two recruits a day, so two of its days share one recruit and the plain
count (``min_shared`` 2) links almost none of them.  Weighed against what the clinic's traffic predicts, one shared
recruit is a link and the pool is one organisation; the clinic's regulars and passers-by are not in it.  The option
is off by default: on the dev worlds it makes thin pools whole but they still score under ``min_score``
(docs/detection.md, step 58)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphfraud.detect.organise import event_links, organisations, traffic_links
from graphfraud.graph.events import Events, venue_events

POOL = list(range(12))
REGULARS = list(range(100, 130))


def _busy_clinic() -> Events:
    # Date-only clinic 0 over a year: a broker's 12 villagers every 12 days, each at 60% of the sessions on one of
    # three days; 30 regulars on 24 days each; 3,000 townspeople on 1-3 days each (about 17 persons a day).  The
    # villagers also see doctors at clinics 1-9.
    rng = np.random.default_rng(0)
    rows = []
    for start in range(3, 360, 12):
        rows += [(p, 0, start + int(rng.integers(0, 3))) for p in POOL if rng.random() < 0.6]
    for p in REGULARS:
        rows += [(p, 0, int(d)) for d in rng.choice(360, 24, replace=False)]
    for p in range(1000, 4000):
        rows += [(p, 0, int(d)) for d in rng.choice(360, int(rng.integers(1, 4)), replace=False)]
    for p in POOL:
        rows += [(p, int(rng.integers(1, 10)), int(rng.integers(0, 360))) for _ in range(int(rng.integers(0, 6)))]
    visits = pd.DataFrame(rows, columns=["person", "venue", "day"])
    visits["minute"] = visits["day"] * 1440
    return venue_events(visits[["person", "venue", "minute"]], day_resolution=True)


def _best(events: Events, *, beyond_traffic: bool) -> set[int]:
    orgs = organisations(events, beyond_traffic=beyond_traffic)
    return max((set(o.persons.tolist()) for o in orgs), key=lambda s: len(s & set(POOL)), default=set())


def test_a_thin_pool_at_a_busy_clinic_is_one_organisation_beyond_the_traffic() -> None:
    events = _busy_clinic()
    ring = _best(events, beyond_traffic=True)
    assert len(ring & set(POOL)) >= 10  # the pool, whole or nearly
    assert not ring - set(POOL)  # no regular, no passer-by
    assert len(_best(events, beyond_traffic=False) & set(POOL)) < 3  # the plain count cuts it (the base's miss)


def test_shared_persons_the_traffic_predicts_are_no_link() -> None:
    # Two days of three persons, person 0 at both.  Among twenty passers-by that is beyond chance (expected 0.45);
    # among five regulars who come on two days each it is less than chance predicts (1.8), and two days at two
    # venues need min_shared persons in common as before.
    inc = pd.DataFrame({"event": [0, 0, 0, 1, 1, 1], "person": [0, 1, 2, 0, 3, 4]})
    quiet = pd.DataFrame({"person": np.arange(21), "venue": 0, "days": [2] + [1] * 20})
    busy = pd.DataFrame({"person": np.arange(5), "venue": 0, "days": [2] * 5})
    one_venue = np.zeros(2, dtype=int)
    for days, linked in ((quiet, True), (busy, False)):
        ev = Events(inc, one_venue, np.arange(2), {}, visit_days=days)
        assert (len(traffic_links(event_links(ev), ev, min_shared=2)) == 1) == linked
    ev = Events(inc, np.arange(2), np.arange(2), {}, visit_days=quiet)
    assert traffic_links(event_links(ev), ev, min_shared=2).empty
    assert traffic_links(event_links(ev), ev, min_shared=1)["weight"].tolist() == [1.0]
