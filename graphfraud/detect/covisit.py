"""Lockstep co-visit communities at outpatient venues and pharmacies.

Targets the **staged clinic** (虚构诊疗: recruits arriving in batches minutes
apart, on a cycle) and the **card collector** (职业收卡人: many cards swiped
at one pharmacy within minutes, again and again).  Persons who met at the
same venue on several distinct days are linked (:mod:`graphfraud.graph.project`),
seeded Leiden (CPM) splits the links into communities, and each community's
*ring events* (venue-days where at least ``min_event_persons`` members were
there) give the suspect claims.

Benign dense care it must leave to scoring: dialysis cohorts, nursing-home
rounds and families also co-visit repeatedly; this detector reports them as
candidates and :mod:`graphfraud.score` explains them away (chronic-programme
care at peer cost, one shared household or institution address).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pandas as pd

from graphfraud.detect import checkups, recalls
from graphfraud.detect.candidate import Candidate, group_candidates, uncovered
from graphfraud.detect.communities import leiden
from graphfraud.detect.organise import organisations, present_at, tighten
from graphfraud.graph.build import ClaimGraph
from graphfraud.graph.events import Arrivals, Events, arrivals, venue_events
from graphfraud.graph.project import Projection, project_covisits
from graphfraud.params import CovisitParams, to_dict

NAME = "covisit"


def over_the_day(
    visits: pd.DataFrame | Arrivals,
    params: CovisitParams = CovisitParams(),
    *,
    seed: int = 0,
    only_venues: np.ndarray | None = None,
    visit_days: pd.DataFrame | None = None,
) -> list[np.ndarray]:
    """Organisations of whole venue-days at timed venues: recruits who come on the same days, at any hour.

    A broker who brings his villagers over a morning, or tells them to come
    some time that day, makes no burst of arrivals, but the same persons still
    share the venue's days far more than its traffic explains.  Each non-hub
    venue-day is one event, as in a date-only export (the chance test of
    :func:`graphfraud.detect.organise.organisations` then weighs each member
    against the venue's daily traffic), and a member must have come on
    ``min_events`` of the days the organisation holds (at least 3 members
    there): a venue's other patients who each shared one of a family's days
    do not make the family a ring.  Only venues where the group met on
    ``min_events`` days count (a town's people who met once at each of five
    clinics are no group), and members must have come *in company* (two other
    members there that day) more often than the venue's crowd on such days
    explains (:func:`graphfraud.detect.organise.organisations` with
    ``whole_days``): a busy centre's regulars and a market day's crowd share
    days too.

    Facilities only (``detect`` passes their visits): a pharmacy's day is many
    short purchases, and its refill regulars, each back on their own day of
    the month, share days with whoever refills on the same day (the failure
    of date-only pharmacies in ``docs/detection.md``); a card collector's
    session is minutes to hours long, and its bursts are events already.

    ``only_venues`` and ``visit_days`` are passed on to
    :func:`graphfraud.graph.events.venue_events` (``detect`` gives it all
    visits sorted once, the facilities to keep, and the minute pass's days).
    """
    return _day_organisations(_whole_days(visits, params, only_venues=only_venues, visit_days=visit_days), params,
                              seed=seed)  # fmt: skip


def _whole_days(
    visits: pd.DataFrame | Arrivals,
    params: CovisitParams,
    *,
    only_venues: np.ndarray | None = None,
    visit_days: pd.DataFrame | None = None,
) -> Events:
    """The events of :func:`over_the_day`: whole venue-days, none of them a date-only export's."""
    days = venue_events(visits, busy_visits=params.busy_visits, min_persons=params.min_event_persons,
                        day_resolution=True, only_venues=only_venues, visit_days=visit_days)  # fmt: skip
    # timed visits: no day is a date-only export's (the company test of date-only pharmacies is not for them)
    return dataclasses.replace(days, dated=np.zeros(days.n_events, dtype=bool))


def _day_organisations(days: Events, params: CovisitParams, *, seed: int) -> list[np.ndarray]:
    """The member groups of :func:`over_the_day` from its events."""
    org = params.organise
    found = organisations(days, **to_dict(org), min_persons=params.min_persons, seed=seed, whole_days=True)
    return [m for m in present_at(found, days, min_events=org.min_events) if len(m) >= params.min_persons]


def detect(
    graph: ClaimGraph,
    params: CovisitParams = CovisitParams(),
    *,
    seed: int = 0,
    project: Callable[..., Projection] = project_covisits,
) -> list[Candidate]:
    """Candidates from lockstep co-visits (non-inpatient claims).

    ``project`` builds the co-visit projection: the local engine by default, or
    one with the same signature and result, e.g. :func:`graphfraud.engine.spark.project_covisits`
    with its ``spark`` session bound.

    Returns
    -------
    list of Candidate
        ``evidence`` holds ``pairs`` (linked member pairs), ``mean_days``
        (mean distinct days a linked pair met), ``events`` (ring venue-days).
    """
    visits = outpatient_visits(graph)
    # The projection first, alone: its meetings (tens of millions at ten million claims) are the stage's
    # largest arrays.
    projection = project(
        visits,
        window_minutes=params.window_minutes,
        max_neighbours=params.max_neighbours,
        busy_visits=params.busy_visits,
        busy_neighbours=params.busy_neighbours,
        min_days=params.min_days,
        day_resolution=graph.day_resolution,
    )
    arrived = arrivals(visits)  # sorted once for the minute pass and the day pass
    events = venue_events(
        arrived,
        gap_minutes=params.event_gap_minutes,
        busy_visits=params.busy_visits,
        min_persons=params.min_event_persons,
        day_resolution=graph.day_resolution,
    )
    days = _day_events(graph, visits, arrived, events, params)
    del arrived  # both passes have their events: the sorted visits are not needed any more
    # The day pass before the minute pass's organisations: its events are let go before those are made.
    # (On a worker thread beside them it measured slower, with more CPU and memory, at 10M claims:
    # benchmarks/results/speed-10M.md, speedread.)
    whole_days = None if days is None else _day_organisations(days, params, seed=seed)
    del days
    events = _judged_dates(graph, events)
    org = params.organise
    orgs = [o.persons for o in organisations(events, **to_dict(org), min_persons=params.min_persons, seed=seed)]
    partition = leiden(projection.pairs, resolution=params.resolution, seed=seed)
    cores = uncovered(partition.groups(min_size=params.min_persons), orgs)
    groups = orgs + tighten(
        cores, events, min_share=org.min_share, min_density=org.min_density, min_persons=params.min_persons,
        company=org.min_shared, max_chance=org.max_chance,
    )  # fmt: skip
    if whole_days is not None:
        groups = groups + uncovered(whole_days, groups)
    found = group_candidates(
        NAME,
        visits,
        groups,
        projection.pairs,
        min_event_persons=params.min_event_persons,
        params=to_dict(params) | {"seed": seed},
    )
    # step 99: a venue's fund-paid check-up campaigns; step 139: a venue's campaign patients each recalled once
    return found + checkups.detect(graph) + recalls.detect(graph)


def _judged_dates(graph: ClaimGraph, events: Events) -> Events:
    """``events`` with only pharmacies' date-only days marked ``dated``.

    The company test of date-only venues (organise._with_company) judges pharmacies only: their trade is
    walk-in purchases, so customers share a date by chance unless someone brings the cards.  A clinic's
    date-only day can hold a broker's batch that is a large part of a small clinic's trade.
    """
    if events.dated is None:
        return events
    table = graph.visits.table
    sold = table["venue"].to_numpy()[table["kind"].to_numpy() == 1]
    pharmacy = np.zeros(max(int(events.venue.max(initial=-1)), int(sold.max(initial=-1))) + 1, dtype=bool)
    pharmacy[sold] = True
    return dataclasses.replace(events, dated=events.dated & pharmacy[events.venue])


def _day_events(
    graph: ClaimGraph, visits: pd.DataFrame, arrived: Arrivals, events: Events, params: CovisitParams
) -> Events | None:
    """The events of the day pass (:func:`over_the_day`) of timed data at facilities; None when it is not run."""
    if not params.day_events or graph.day_resolution:
        return None
    # outpatient_visits keeps every row (stays' persons unknown, skipped by the events): facilities' rows only
    kind, venue = graph.visits.table["kind"].to_numpy(), graph.visits.table["venue"].to_numpy()
    n_venues = int(venue.max(initial=-1)) + 1
    facility = np.zeros(n_venues, dtype=bool)
    facility[venue[(kind == 0) & (venue >= 0)]] = True
    if not facility[venue[(kind != 0) & (venue >= 0)]].any():  # venue codes of one kind: the minute pass's
        return _whole_days(arrived, params, only_venues=facility, visit_days=events.visit_days)
    return _whole_days(visits[kind == 0], params)  # pragma: no cover - a venue code with rows of both kinds


def outpatient_visits(graph: ClaimGraph) -> pd.DataFrame:
    """The visit table's ``claim, person, venue, minute, day`` with the inpatient stays' persons unknown (-1).

    The projection, the venue events and the candidates skip a visit whose
    person is unknown, so this reads the columns of the visit table as they
    are (no copy of ten million rows, 0.4 GB at ten million claims) and copies
    only ``person``.

    >>> from graphfraud.graph.build import build_graph
    >>> from graphfraud.synth import toy
    >>> graph = build_graph(toy.staged_clinic()[0])
    >>> v = outpatient_visits(graph)
    >>> list(v.columns), len(v) == len(graph.visits.table)
    (['claim', 'person', 'venue', 'minute', 'day'], True)
    """
    t = graph.visits
    person = t.column("person")
    inpatient = t.column("inpatient")
    if inpatient.any():
        person = np.where(inpatient, -1, person)
    columns = {"claim": t.column("claim"), "person": person, "venue": t.column("venue"), "minute": t.column("minute"),
               "day": t.column("day")}  # fmt: skip
    return pd.DataFrame(columns, copy=False)
