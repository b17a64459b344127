"""Atomic outputs: a run's files appear all at once, or not at all.

:func:`atomic_dir` gives a temporary directory next to the destination and
swaps it in only when the block finishes without error, so a failed run never
leaves half-written output and the previous complete output survives.
:func:`write_csv` writes one table deterministically (money with exactly two
decimals) through a temporary file and a rename; :func:`file_sha256` hashes
inputs and outputs for ``run.json`` and evidence manifests.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graphfraud.contract import TABLES
from graphfraud.errors import ContractError

#: Columns written with exactly two decimals: every contract money column.
MONEY_COLUMNS = frozenset(c.name for t in TABLES.values() for c in t.columns if c.kind == "money")


@contextlib.contextmanager
def atomic_dir(dest: str | Path) -> Iterator[Path]:
    """Write a directory atomically: yield a temporary sibling, swap it in on success.

    Parameters
    ----------
    dest : str or Path
        The output directory.  Its parent is created if needed.

    Yields
    ------
    Path
        An empty temporary directory in the same parent (so the final rename
        stays on one file system).  Write every output file into it.

    Raises
    ------
    ContractError
        When ``dest`` exists and is not a directory.

    Notes
    -----
    On success an existing ``dest`` is first renamed aside, the new directory
    renamed into place, and the old one deleted; if the second rename fails the
    old directory is put back.  On error the temporary directory is removed and
    ``dest`` is untouched.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "out"
    >>> with atomic_dir(out) as tmp:
    ...     _ = (tmp / "rings.csv").write_text("rank\\n")
    >>> sorted(p.name for p in out.iterdir())
    ['rings.csv']
    >>> try:
    ...     with atomic_dir(out) as tmp:
    ...         _ = (tmp / "rings.csv").write_text("half")
    ...         raise RuntimeError("detection failed")
    ... except RuntimeError:
    ...     pass
    >>> (out / "rings.csv").read_text(), sorted(p.name for p in out.parent.iterdir())
    ('rank\\n', ['out'])
    """
    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise ContractError(str(dest), None, None, "exists and is not a directory; choose another output path")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _swap(tmp, dest)


def _swap(new: Path, dest: Path) -> None:
    old = None
    if dest.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old-", dir=dest.parent))
        old.rmdir()
        os.replace(dest, old)
    try:
        os.replace(new, dest)
    except BaseException:
        if old is not None:
            os.replace(old, dest)
        shutil.rmtree(new, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_csv(df: pd.DataFrame, path: str | Path, *, money: Iterable[str] | None = None) -> Path:
    """Write ``df`` as UTF-8 CSV, no index, deterministically, via a temporary file.

    Parameters
    ----------
    df : DataFrame
    path : str or Path
    money : iterable of str, optional
        Columns written with exactly two decimals (``12.50``); by default every
        column named like a contract money column (``fund_amount``, ...).
        Other floats are written in their shortest exact form.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "rings.csv"
    >>> df = pd.DataFrame({"ring_id": ["R1", "R2"], "score": [0.875, 1.0], "fund_amount": [12.5, -0.004]})
    >>> print(write_csv(df, p).read_text(), end="")
    ring_id,score,fund_amount
    R1,0.875,12.50
    R2,1.0,0.00
    """
    path = Path(path)
    money = MONEY_COLUMNS if money is None else frozenset(money)
    out = df.copy(deep=False)
    for name in out.columns:
        if name in money and pd.api.types.is_float_dtype(out[name]):
            out[name] = _two_decimals(out[name])
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            out.to_csv(f, index=False, lineterminator="\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _two_decimals(values: pd.Series) -> pd.Series:
    """Money as text with exactly two decimals, computed on integer cents (no rounding drift)."""
    cents = pc.cast(pc.round(pa.array(values.to_numpy(dtype="float64", na_value=float("nan")) * 100.0,
                                      from_pandas=True), 0), pa.int64())
    negative = pc.less(cents, 0)
    magnitude = pc.abs(cents)
    yuan = pc.cast(pc.divide(magnitude, 100), pa.string())
    fen = pc.utf8_lpad(pc.cast(pc.subtract(magnitude, pc.multiply(pc.divide(magnitude, 100), 100)), pa.string()), 2, "0")
    text = pc.binary_join_element_wise(pc.if_else(negative, "-", ""), yuan, ".", fen, "")
    # set_axis, not Series(..., index=): the latter re-selects by label and shifts rows of a filtered frame
    return text.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get).set_axis(values.index)


def file_sha256(path: str | Path) -> str:
    """SHA-256 hex digest of a file, read in 1 MiB blocks.

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "x.txt"
    >>> _ = p.write_bytes(b"abc")
    >>> file_sha256(p)[:16]
    'ba7816bf8f01cfea'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()
