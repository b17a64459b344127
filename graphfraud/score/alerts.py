"""Alert levels (三级预警): red = open a case, orange = on-site check, yellow = reminder letter."""

from __future__ import annotations

from graphfraud.params import ScoreParams


def alert(score: float, params: ScoreParams, *, benign: bool = False) -> str:
    """The alert level of a score; a ring with a benign explanation is never above yellow.

    >>> alert(75, ScoreParams()), alert(45, ScoreParams()), alert(75, ScoreParams(), benign=True)
    ('red', 'orange', 'yellow')
    """
    if benign:
        return "yellow"
    if score >= params.red:
        return "red"
    if score >= params.orange:
        return "orange"
    return "yellow"
