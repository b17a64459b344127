"""What every detector returns: a candidate group, before scoring."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Candidate:
    """A group of entities one detector found together, with the claims behind it.

    Attributes
    ----------
    detector : str
        ``NAME`` of the detector that produced it.
    persons : ndarray of int
        Person codes (``ClaimGraph.visits.persons``), sorted.
    claims : ndarray of int
        Row positions in ``claims`` of the suspect claims, sorted.
    evidence : dict
        Detector-specific numbers (e.g. ``{"doctor": 12, "pharmacy": 40,
        "share": 0.71, "lift": 9.3}``); scoring reads them.
    params : dict
        The detector's parameters, for provenance.
    """

    detector: str
    persons: np.ndarray
    claims: np.ndarray
    evidence: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)
