"""Which fraud pattern a candidate matches best: the rules of :data:`graphfraud.contract.TYPOLOGY_TABLE`."""

from __future__ import annotations

from graphfraud import contract
from graphfraud.detect.candidate import Candidate
from graphfraud.score.features import Features


def typology(c: Candidate, f: Features) -> str:
    """Best-matching typology of a candidate, by the rules of the typology table.

    - the typology the candidate's detector names (``evidence["typology"]``: a hospital's bus days,
      :func:`graphfraud.detect.coadmit.bus_days`, are induced admissions although most of their claims
      are the check-ups of the villagers it examined);
    - the row whose ``detector`` found the candidate (``steering`` -> ``kickback``, 处方引流);
    - else the row whose ``mostly`` visit type has the largest share of the
      candidate's claims, if at least half (``inpatient`` -> ``induced_admission``,
      诱导住院; ``pharmacy`` -> ``card_collector``, 职业收卡人; ties: the earlier row);
    - else the ``otherwise`` row (outpatient lockstep -> ``staged_clinic``, 虚构诊疗).
    """
    named = c.evidence.get("typology")
    if named in contract.TYPOLOGY_TABLE:
        return str(named)
    rows = contract.TYPOLOGY_TABLE.values()
    for row in rows:
        if row.detector and row.detector == c.detector:
            return row.name
    shares = [(share(f, row.mostly), row.name) for row in rows if row.mostly]
    best = max(shares, key=lambda s: s[0], default=(0.0, ""))  # max keeps the first of equal shares
    if best[0] >= 0.5:
        return best[1]
    return next(row.name for row in rows if row.otherwise)


def share(f: Features, visit_type: str) -> float:
    """Share of the candidate's claims of ``visit_type`` (a ``Features`` field ``<visit_type>_share``)."""
    return float(getattr(f, f"{visit_type}_share"))


def person_role(kind: str) -> str:
    """The role of a ring's member persons (organizers apart) for typology ``kind``.

    >>> person_role("card_collector"), person_role("kickback"), person_role("other")
    ('card_holder', 'patient', 'recruit')
    """
    return contract.TYPOLOGY_TABLE[kind].person_role
