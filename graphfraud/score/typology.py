"""Which fraud pattern a candidate matches best."""

from __future__ import annotations

from graphfraud.detect.candidate import Candidate
from graphfraud.score.features import Features


def typology(c: Candidate, f: Features) -> str:
    """Best-matching typology of a candidate.

    - steering detector -> ``kickback`` (处方引流);
    - mostly inpatient claims -> ``induced_admission`` (诱导住院);
    - mostly pharmacy purchases -> ``card_collector`` (职业收卡人);
    - outpatient lockstep -> ``staged_clinic`` (虚构诊疗).
    """
    if c.detector == "steering":
        return "kickback"
    if f.inpatient_share >= 0.5:
        return "induced_admission"
    if f.pharmacy_share >= 0.5:
        return "card_collector"
    return "staged_clinic"
