"""Parameters of every stage, as frozen dataclasses: the only configuration.

Each field has a default and a one-line comment giving its meaning and unit.
CLI flags and ``--params file.json`` fill them; ``run.json`` is written from
them.  No library code reads the environment.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, TypeVar

from graphfraud.errors import ParamError

P = TypeVar("P")


def check(cond: bool, name: str, owner: str, must: str, got: object) -> None:
    """Raise the one form of parameter error when ``cond`` is false.

    >>> check(True, "hub_cap", "ProjectParams", "an int >= 2", 5)
    >>> check(False, "hub_cap", "ProjectParams", "an int >= 2", 1)
    Traceback (most recent call last):
    ...
    graphfraud.errors.ParamError: The 'hub_cap' parameter of ProjectParams must be an int >= 2. Got 1 instead.
    """
    if not cond:
        raise ParamError(f"The '{name}' parameter of {owner} must be {must}. Got {got!r} instead.")


def to_dict(params: Any) -> dict[str, Any]:
    """Plain JSON-ready dict of a (nested) params dataclass."""
    return dataclasses.asdict(params)


def from_dict(cls: type[P], data: dict[str, Any]) -> P:
    """Build ``cls`` from a (possibly partial, possibly nested) dict; unknown keys are errors."""
    names = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in names:
            raise ParamError(
                f"Unknown parameter '{key}' for {cls.__name__}; known: {', '.join(sorted(names))}."
            )
        ftype = names[key].type
        sub = _DATACLASSES.get(ftype if isinstance(ftype, str) else getattr(ftype, "__name__", ""))
        kwargs[key] = from_dict(sub, value) if sub and isinstance(value, dict) else value
    return cls(**kwargs)


def to_json(params: Any) -> str:
    return json.dumps(to_dict(params), indent=2, sort_keys=True, ensure_ascii=False)


def from_json(cls: type[P], text: str) -> P:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParamError(f"The parameters file is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ParamError("The parameters file must hold a JSON object.")
    return from_dict(cls, data)


# Stage parameter classes are registered here so nested dicts can be rebuilt.
_DATACLASSES: dict[str, type] = {}


def _register(cls: type[P]) -> type[P]:
    _DATACLASSES[cls.__name__] = cls
    return cls


@_register
@dataclass(frozen=True)
class ReadParams:
    """How a claims directory is read."""

    mapping: str | None = None  # "nhsa", a path to a YAML mapping file, or None
    lenient: bool = False  # skip bad rows (and count them) instead of failing
    encoding: str = "utf-8"  # text encoding of CSV files ("utf-8" accepts a BOM)
    max_errors: int = 20  # problems reported per file before stopping


__all__ = ["ReadParams", "check", "from_dict", "from_json", "to_dict", "to_json", "field"]
