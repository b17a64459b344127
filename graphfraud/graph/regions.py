"""Insurance regions of persons: the city (地市) of an area code, and each person's (docs/detection.md step 130).

Used by detection (:mod:`graphfraud.detect.beds`: identities insured in another city) and by scoring
(:mod:`graphfraud.score.features`: a ring's members insured outside the venue's region or city).
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from graphfraud.graph.build import ClaimGraph


def city(regions: np.ndarray) -> np.ndarray:
    """The city (prefecture, 地市) of 6-digit area codes: their first 4 digits; other codes as they are.

    >>> city(np.array(["350206", "350100", "X1", ""], dtype=object)).tolist()
    ['3502', '3501', 'X1', '']
    """
    regions = np.asarray(regions, dtype=object)
    if not len(regions):
        return regions
    if len(regions) <= 256 and all(isinstance(code, str) for code in regions):  # a ring's persons: each code once
        return np.asarray([_city_of_code(code) for code in regions], dtype=object)
    if len(regions) > 256:  # few distinct codes: cut each once (np.char on millions of strings is slow)
        codes, distinct = pd.factorize(regions, use_na_sentinel=False)
        if all(isinstance(code, str) for code in distinct):  # (a missing value is written as str() writes it)
            return _city_of(np.asarray(distinct, dtype=object))[codes]
    return _city_of(regions)


@functools.lru_cache(maxsize=4096)
def _city_of_code(region: str) -> str:
    """:func:`_city_of` of one code (scoring asks for the same few hundred codes once per ring)."""
    return region[:4] if len(region) == 6 and region.isdigit() else region


def _city_of(regions: np.ndarray) -> np.ndarray:
    text = regions.astype(str)
    six = (np.char.str_len(text) == 6) & np.char.isdigit(text)
    return np.where(six, np.char.ljust(text, 6).astype("<U4"), text).astype(object)


def person_cities(graph: ClaimGraph) -> np.ndarray | None:
    """Per person code: the :func:`city` of the person's insured region (``""`` unknown); None when the export
    carries no regions.

    >>> from graphfraud.synth import toy
    >>> from graphfraud.graph.build import build_graph
    >>> g = build_graph(toy.staged_clinic()[0])
    >>> cities = person_cities(g)
    >>> cities is None or len(cities) == len(g.visits.persons.ids)
    True
    """
    persons = graph.data.persons
    if "region" not in persons or not persons["region"].notna().any():
        return None
    rows = graph.person_rows()
    region = persons["region"].astype("string").fillna("").to_numpy(dtype=object)
    out = np.full(len(rows), "", dtype=object)
    out[rows >= 0] = city(region[rows[rows >= 0]])
    return out


def home_city(cities: np.ndarray) -> str:
    """The city most persons are insured in (``""`` when none is known): where the export is.

    >>> home_city(np.array(["3205", "3205", "4305", ""], dtype=object))
    '3205'
    """
    known = cities[cities != ""]
    if not len(known):
        return ""
    values, counts = np.unique(known.astype(str), return_counts=True)
    return str(values[int(np.argmax(counts))])
