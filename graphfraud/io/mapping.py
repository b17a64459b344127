"""Column and value mappings: read exports whose field names are not the contract's.

A mapping says, per table, which source column becomes which contract column
and which source values become which contract values.  ``--mapping nhsa``
uses the built-in national-platform mapping (:mod:`graphfraud.io.mappings.nhsa`);
``--mapping FILE.yaml`` reads a user's file in this format::

    # my-bureau.yaml: every key is optional
    base: nhsa                    # start from a built-in mapping (optional)
    persons:
      columns:                    # source column: contract column
        RYBH: person_id
        XB: sex
      values:                     # contract column: {source value: contract value}
        sex: {"1": M, "2": F, "9": null}     # null = empty
    claims:
      columns:
        JSID: claim_id
        YLLB: visit_type
      values:
        visit_type: {"11": outpatient, "21": inpatient, "41": pharmacy}
      split:                      # one source column, several contract columns
        JGBM:
          by: visit_type          # a contract column, after mapping
          when: {pharmacy: pharmacy_id}
          else: facility_id

Rules: source names match case-insensitively; columns a mapping does not name
keep their names (so contract names always work); when several sources map to
one contract column, the first non-empty value wins, in the order written;
values not listed in ``values`` pass through unchanged and are then validated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import yaml

from graphfraud.contract import INPUT_TABLES, TABLES
from graphfraud.errors import ContractError
from graphfraud.io.mappings.nhsa import NHSA

#: Built-in mappings by name.
BUILTIN: dict[str, dict[str, Any]] = {"nhsa": NHSA}

_TABLE_KEYS = ("columns", "values", "split")


@dataclass(frozen=True)
class Split:
    """Send ``source`` to ``when[value of by]``, or to ``default``."""

    by: str
    when: dict[str, str]
    default: str | None


@dataclass(frozen=True)
class TableMapping:
    """How one table's columns and values are renamed."""

    columns: tuple[tuple[str, str], ...] = ()
    values: dict[str, dict[str, str | None]] = field(default_factory=dict)
    split: dict[str, Split] = field(default_factory=dict)


@dataclass(frozen=True)
class Mapping:
    """A named set of table mappings (``name`` is ``nhsa`` or the file path)."""

    name: str
    tables: dict[str, TableMapping]

    def table(self, name: str) -> TableMapping:
        return self.tables.get(name, TableMapping())


def load_mapping(spec: str | Path | None) -> Mapping | None:
    """The mapping named by ``--mapping``: a built-in name, a YAML path, or None.

    Raises
    ------
    ContractError
        When the file is missing, is not YAML, or does not follow the format.

    Examples
    --------
    >>> load_mapping("nhsa").table("claims").columns[0]
    ('setl_id', 'claim_id')
    >>> load_mapping(None) is None
    True
    """
    if spec is None:
        return None
    spec = str(spec)
    if spec.lower() in BUILTIN:
        return parse_mapping(BUILTIN[spec.lower()], name=spec.lower())
    path = Path(spec)
    if not path.is_file():
        raise ContractError(
            path.name,
            None,
            None,
            f"mapping file {spec} not found; pass --mapping with one of "
            f"{', '.join(BUILTIN)} or the path of a YAML mapping file",
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise ContractError(path.name, None, None, "mapping file is not UTF-8; save it as UTF-8") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ContractError(path.name, None, None, f"is not valid YAML{where}: {problem}") from None
    return parse_mapping(data, name=str(path))


def parse_mapping(data: Any, *, name: str) -> Mapping:
    """Check a mapping in its YAML shape (dicts) and build a :class:`Mapping`.

    >>> m = parse_mapping({"persons": {"columns": {"RYBH": "person_id"}}}, name="x.yaml")
    >>> m.table("persons").columns
    (('RYBH', 'person_id'),)
    >>> parse_mapping({"person": {}}, name="x.yaml")
    Traceback (most recent call last):
    ...
    graphfraud.errors.ContractError: x.yaml: unknown table 'person'; use persons, facilities, pharmacies, doctors, claims, claim_items
    """
    file = Path(name).name
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ContractError(file, None, None, "a mapping file must hold a YAML mapping of table names")
    data = dict(data)
    base = data.pop("base", None)
    if base is not None:
        if str(base).lower() not in BUILTIN:
            raise ContractError(file, None, None, f"unknown base '{base}'; use one of {', '.join(BUILTIN)}")
        data = _merge(BUILTIN[str(base).lower()], data)
    tables = {}
    for table, spec in data.items():
        if table not in TABLES or table == "labels":
            known = ", ".join(t.name for t in INPUT_TABLES)
            raise ContractError(file, None, None, f"unknown table '{table}'; use {known}")
        tables[table] = _table_mapping(file, table, spec or {})
    return Mapping(name, tables)


def _table_mapping(file: str, table: str, spec: Any) -> TableMapping:
    where = f"in table {table}"
    if not isinstance(spec, dict) or set(spec) - set(_TABLE_KEYS):
        raise ContractError(file, None, None, f"{where}: use only the keys {', '.join(_TABLE_KEYS)}")
    targets = set(TABLES[table].column_names)

    def target(value: Any, what: str) -> str:
        if value not in targets:
            raise ContractError(
                file,
                None,
                None,
                f"{where}: {what} '{value}' is not a column of {table}; use one of {', '.join(TABLES[table].column_names)}",
            )
        return str(value)

    columns = _dict(file, where, "columns", spec.get("columns"))
    values = _dict(file, where, "values", spec.get("values"))
    splits = _dict(file, where, "split", spec.get("split"))
    pairs = tuple((str(src), target(dst, f"column {src} ->")) for src, dst in columns.items())
    value_maps = {
        target(col, "values of"): {
            str(k): None if v is None else str(v) for k, v in _dict(file, where, f"values of {col}", m).items()
        }
        for col, m in values.items()
    }
    split = {}
    for src, s in splits.items():
        s = _dict(file, where, f"split of {src}", s)
        when = {
            str(k): target(v, f"split of {src} ->")
            for k, v in _dict(file, where, f"split of {src}: when", s.get("when")).items()
        }
        default = target(s["else"], f"split of {src} ->") if s.get("else") is not None else None
        split[str(src)] = Split(target(s.get("by"), f"split of {src} by"), when, default)
    return TableMapping(pairs, value_maps, split)


def _dict(file: str, where: str, what: str, value: Any) -> dict[Any, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ContractError(file, None, None, f"{where}: {what} must be a mapping (key: value), got {value!r}")
    return value


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {t: dict(spec) for t, spec in base.items()}
    for table, spec in over.items():
        if not isinstance(spec, dict) or table not in merged:
            merged[table] = spec
            continue
        out = merged[table]
        for key, value in spec.items():
            if key == "values" and isinstance(value, dict):
                vals = {c: dict(m) for c, m in (out.get("values") or {}).items()}
                for col, m in value.items():
                    vals[col] = {**vals.get(col, {}), **(m or {})}
                out["values"] = vals
            elif isinstance(value, dict) and isinstance(out.get(key), dict):
                out[key] = {**out[key], **value}
            else:
                out[key] = value
    return merged


def apply_mapping(table: pa.Table, mapping: TableMapping) -> tuple[pa.Table, dict[str, str]]:
    """Rename columns, map values and split columns of one table.

    Parameters
    ----------
    table : pyarrow.Table
        The table as read, with the file's column names.
    mapping : TableMapping

    Returns
    -------
    table : pyarrow.Table
        With contract column names.
    origin : dict
        ``{contract column: source column}`` for every renamed column, so that
        errors can name the column the user sees in the file.

    Examples
    --------
    >>> t = pa.table({"PSN_NO": ["001"], "gend": ["2"]})
    >>> m = load_mapping("nhsa").table("persons")
    >>> out, origin = apply_mapping(t, m)
    >>> out.to_pydict(), origin
    ({'person_id': ['001'], 'sex': ['F']}, {'person_id': 'PSN_NO', 'sex': 'gend'})
    """
    by_lower = {name.lower(): name for name in reversed(table.column_names)}
    columns: dict[str, pa.ChunkedArray] = {}
    origin: dict[str, str] = {}
    renamed = {by_lower[src.lower()]: dst for src, dst in mapping.columns if src.lower() in by_lower}
    split_sources = {by_lower[src.lower()]: s for src, s in mapping.split.items() if src.lower() in by_lower}
    for name in table.column_names:
        if name in split_sources:
            continue
        dst = renamed.get(name, name)
        if dst != name:
            origin.setdefault(dst, name)
        columns[dst] = _coalesce(columns.get(dst), table.column(name))
    for dst, value_map in mapping.values.items():
        if dst in columns and value_map:
            columns[dst] = _map_values(columns[dst], value_map)
    for src, split in split_sources.items():
        _split(columns, origin, table.column(src), src, split)
    return pa.table(columns), origin


def _coalesce(first: pa.ChunkedArray | None, second: pa.ChunkedArray) -> pa.ChunkedArray:
    if first is None:
        return second
    if first.type != second.type:
        second = second.cast(first.type)
    return pc.coalesce(first, second)


def _map_values(values: pa.ChunkedArray, value_map: dict[str, str | None]) -> pa.ChunkedArray:
    text = values if pa.types.is_string(values.type) else values.cast(pa.string())
    keys = pa.array(list(value_map), pa.string())
    index = pc.index_in(text, value_set=keys)
    mapped = pc.take(pa.array(list(value_map.values()), pa.string()), index)
    return pc.if_else(pc.is_null(index), text, mapped)


def _split(
    columns: dict[str, pa.ChunkedArray], origin: dict[str, str], source: pa.ChunkedArray, name: str, split: Split
) -> None:
    by = columns.get(split.by)
    if by is None:  # nothing to decide by: the default target (the missing column is reported later)
        by = pa.chunked_array([pa.nulls(len(source), pa.string())])
    by = by if pa.types.is_string(by.type) else by.cast(pa.string())
    empty = pa.scalar(None, source.type)
    chosen = pc.is_in(by, value_set=pa.array(list(split.when), pa.string()))
    chosen = pc.fill_null(chosen, False)
    targets = [(dst, pc.fill_null(pc.equal(by, value), False)) for value, dst in split.when.items()]
    if split.default is not None:
        targets.append((split.default, pc.invert(chosen)))
    for dst, mask in targets:
        part = pc.if_else(mask, source, empty)
        columns[dst] = _coalesce(columns.get(dst), part)
        origin.setdefault(dst, name)
