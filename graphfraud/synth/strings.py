"""Fast, deterministic text columns for synthetic worlds: ids, keys, times and money.

Everything here turns numpy integer arrays into Arrow string arrays without a
Python loop per row: fixed-width strings are laid out as a byte matrix and
wrapped as an Arrow array, variable ones use Arrow compute kernels.  The
writers and the world builder share these helpers so that the same value is
always spelled the same way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graphfraud.contract import DTYPES, Table

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_CHUNK = 2_000_000  # rows formatted at a time, to bound temporary memory


def _from_matrix(mat: np.ndarray) -> pa.Array:
    """Arrow large_string array from an ``(n, width)`` uint8 matrix of ASCII bytes."""
    n, width = mat.shape
    offsets = np.arange(n + 1, dtype=np.int64) * width
    data = np.ascontiguousarray(mat).tobytes()
    return pa.Array.from_buffers(pa.large_string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def _quad_table(base: int) -> np.ndarray:
    """The 4-character spellings of 0 .. base**4 - 1, each packed into one uint32."""
    k = np.arange(base**4)
    chars = np.stack([_HEX[(k // base**p) % base] for p in (3, 2, 1, 0)], axis=1)
    return np.ascontiguousarray(chars).view(np.uint32).ravel()


_QUADS = {10: _quad_table(10), 16: _quad_table(16)}


def fixed_digits(values: np.ndarray, width: int, prefix: str = "", *, base: int = 10) -> pa.Array:
    """``prefix`` + ``values`` zero-padded to ``width`` digits (``base`` 10 or 16).

    >>> fixed_digits(np.array([7, 1234]), 5, "S").to_pylist()
    ['S00007', 'S01234']
    >>> fixed_digits(np.array([255]), 4, base=16).to_pylist()
    ['00ff']
    """
    values = np.asarray(values, dtype=np.uint64)
    pre = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    quads, q = _QUADS[base], np.uint64(base**4)
    nq = -(-width // 4)  # 4-character groups, the first one partly dropped
    chunks = []
    for lo in range(0, max(len(values), 1), _CHUNK):
        v = values[lo : lo + _CHUNK].copy()
        groups = np.empty((len(v), nq), dtype=np.uint32)
        for j in range(nq - 1, -1, -1):
            groups[:, j] = quads[(v % q).astype(np.intp)]
            v //= q
        digits = groups.view(np.uint8)
        mat = np.empty((len(v), len(pre) + width), dtype=np.uint8)
        mat[:, : len(pre)] = pre
        mat[:, len(pre) :] = digits[:, 4 * nq - width :]
        chunks.append(_from_matrix(mat))
    return pa.concat_arrays(chunks)


def scramble(index: np.ndarray, modulus: int | None, salt: int) -> np.ndarray:
    """A bijection of ``0..modulus-1`` that makes sequential numbers look random.

    ``(index * A + salt) mod modulus`` with ``A`` odd and not a multiple of 5,
    so any power-of-ten modulus keeps values unique; ``modulus=None`` means
    2**64 (the natural wrap-around of uint64).  Exact while ``index * A`` fits
    in 64 bits, i.e. for up to about 6e9 indices.
    """
    with np.errstate(over="ignore"):
        v = np.asarray(index, dtype=np.uint64) * np.uint64(_MULT) + np.uint64(salt)
    return v if modulus is None else v % np.uint64(modulus)


_MULT = 2_654_435_761  # Knuth's multiplicative constant: odd, not a multiple of 5


def mix64(keys: np.ndarray, salt: int) -> np.ndarray:
    """A bijective 64-bit hash (the splitmix64 finaliser) of ``keys + salt``: a stand-in for hashed ids.

    >>> a = mix64(np.arange(1000), 1)
    >>> len(np.unique(a))
    1000
    """
    with np.errstate(over="ignore"):
        x = np.asarray(keys, dtype=np.uint64) + np.uint64(salt)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def take(ids: pa.Array, index: np.ndarray) -> pa.Array:
    """``ids[index]`` with null where ``index < 0``."""
    index = np.asarray(index)
    mask = index < 0
    idx = pa.array(np.where(mask, 0, index).astype(np.int64), mask=mask if mask.any() else None)
    return ids.take(idx)


def join(*parts: pa.Array | str) -> pa.Array:
    """Element-wise concatenation of Arrow string arrays and literal strings (null stays null)."""
    args = [pa.scalar(p, pa.large_string()) if isinstance(p, str) else p.cast(pa.large_string()) for p in parts]
    return pc.binary_join_element_wise(*args, pa.scalar("", pa.large_string()))


# ---------------------------------------------------------------- times
_SEP = np.frombuffer(b"-- ::", dtype=np.uint8)


def _put(mat: np.ndarray, col: int, values: np.ndarray, width: int) -> None:
    v = values.astype(np.int64)
    for k in range(width - 1, -1, -1):
        mat[:, col + k] = 48 + (v % 10)
        v //= 10


def format_times(ns: np.ndarray, *, date_only: bool = False) -> pa.Array:
    """``YYYY-MM-DD HH:MM:SS`` (or ``YYYY-MM-DD``) text of datetime64[ns] values; NaT -> null.

    >>> format_times(np.array(["2024-03-05T09:41"], dtype="datetime64[ns]")).to_pylist()
    ['2024-03-05 09:41:00']
    """
    ns = np.asarray(ns, dtype="datetime64[ns]")
    nat = np.isnat(ns)
    secs = np.where(nat, 0, ns.astype("datetime64[s]").astype(np.int64))
    chunks = []
    for lo in range(0, max(len(secs), 1), _CHUNK):
        s = secs[lo : lo + _CHUNK]
        day = s // 86400
        d64 = day.astype("datetime64[D]")
        year = d64.astype("datetime64[Y]").astype(np.int64) + 1970
        month = d64.astype("datetime64[M]").astype(np.int64) % 12 + 1
        dom = (d64 - d64.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
        width = 10 if date_only else 19
        mat = np.empty((len(s), width), dtype=np.uint8)
        _put(mat, 0, year, 4)
        mat[:, 4] = _SEP[0]
        _put(mat, 5, month, 2)
        mat[:, 7] = _SEP[1]
        _put(mat, 8, dom, 2)
        if not date_only:
            sod = s - day * 86400
            mat[:, 10] = _SEP[2]
            _put(mat, 11, sod // 3600, 2)
            mat[:, 13] = _SEP[3]
            _put(mat, 14, sod // 60 % 60, 2)
            mat[:, 16] = _SEP[4]
            _put(mat, 17, sod % 60, 2)
        chunks.append(_from_matrix(mat))
    out = pa.concat_arrays(chunks)
    return _null_where(out, nat)


def format_money(values: np.ndarray) -> pa.Array:
    """Yuan with exactly two decimals (``12.5`` -> ``"12.50"``); NaN -> null.

    >>> format_money(np.array([12.5, 0.07, 1234.0])).to_pylist()
    ['12.50', '0.07', '1234.00']
    """
    values = np.asarray(values, dtype=np.float64)
    nan = np.isnan(values)
    cents = np.rint(np.where(nan, 0.0, values) * 100).astype(np.int64)
    whole = pc.cast(pa.array(cents // 100), pa.large_string())
    frac = pc.utf8_lpad(pc.cast(pa.array(cents % 100), pa.large_string()), 2, padding="0")
    return _null_where(join(whole, ".", frac), nan)


def format_price(values: np.ndarray) -> pa.Array:
    """A unit price with 2 decimals, or up to 4 where it has them (``0.445`` -> ``"0.445"``); NaN -> null.

    Whole-cent prices are written exactly as :func:`format_money` writes them.

    >>> format_price(np.array([12.5, 0.445, 0.1151, 3.0])).to_pylist()
    ['12.50', '0.445', '0.1151', '3.00']
    """
    values = np.asarray(values, dtype=np.float64)
    nan = np.isnan(values)
    e4 = np.rint(np.where(nan, 0.0, values) * 10_000).astype(np.int64)
    whole = pc.cast(pa.array(e4 // 10_000), pa.large_string())
    frac = pc.utf8_lpad(pc.cast(pa.array(e4 % 10_000), pa.large_string()), 4, padding="0")
    cents = pc.utf8_slice_codeunits(frac, 0, 2)
    fine = pc.utf8_rtrim(frac, characters="0")
    frac = pc.if_else(pa.array(e4 % 100 == 0), cents, fine)
    return _null_where(join(whole, ".", frac), nan)


def format_number(values: np.ndarray) -> pa.Array:
    """Shortest text of a quantity: ``2.0`` -> ``"2"``, ``0.5`` -> ``"0.5"``; NaN -> null."""
    values = np.asarray(values, dtype=np.float64)
    nan = np.isnan(values)
    milli = np.rint(np.where(nan, 0.0, values) * 1000).astype(np.int64)
    whole = pc.cast(pa.array(milli // 1000), pa.large_string())
    frac = pc.utf8_rtrim(
        pc.utf8_lpad(pc.cast(pa.array(milli % 1000), pa.large_string()), 3, padding="0"), characters="0"
    )
    text = pc.if_else(pc.equal(frac, ""), whole, join(whole, ".", frac))
    return _null_where(text, nan)


def _null_where(arr: pa.Array, mask: np.ndarray) -> pa.Array:
    if not mask.any():
        return arr
    return pc.if_else(pa.array(mask), pa.scalar(None, arr.type), arr)


# ---------------------------------------------------------------- frames
def frame(table: Table, columns: dict[str, object], n: int) -> pd.DataFrame:
    """A DataFrame of ``n`` rows with exactly ``table``'s columns, in order, with contract dtypes.

    ``columns`` maps names to Arrow arrays, numpy arrays or lists; a column not
    given is all-NA.  Arrow string arrays are wrapped without copying.
    """
    data = {}
    for col in table.columns:
        dtype = DTYPES[col.kind]
        value = columns.get(col.name)
        if value is None:
            data[col.name] = _na(n, dtype)
        elif isinstance(value, pa.Array | pa.ChunkedArray):
            if pa.types.is_string(value.type) or pa.types.is_large_string(value.type):
                arr = value.cast(pa.large_string())
                chunked = arr if isinstance(arr, pa.ChunkedArray) else pa.chunked_array([arr])
                data[col.name] = pd.Series(pd.arrays.ArrowStringArray(chunked))
            else:
                data[col.name] = pd.Series(value.to_numpy(zero_copy_only=False)).astype(dtype)  # type: ignore[arg-type]
        else:
            data[col.name] = pd.Series(value).astype(dtype)  # type: ignore[arg-type]
    return pd.DataFrame(data)


def _na(n: int, dtype: object) -> pd.Series:
    if dtype == "datetime64[ns]":
        return pd.Series(np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"))
    if dtype == "float64":
        return pd.Series(np.full(n, np.nan))
    if dtype == "Int64":
        return pd.Series(pd.arrays.IntegerArray(np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool)))
    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([pa.nulls(n, pa.large_string())])))
