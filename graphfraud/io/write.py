"""Atomic outputs: a run's files appear all at once, or not at all.

:func:`atomic_dir` gives a temporary directory next to the destination and
swaps it in only when the block finishes without error, so a failed run never
leaves half-written output and the previous complete output survives.
:func:`check_replaceable` (run first by :func:`atomic_dir`) refuses to replace
a directory that is an input, the working directory or a parent of either, or
that holds files graphfraud did not write (no marker file of ours).
:func:`write_csv` writes one table deterministically (money with exactly two
decimals, text formula-escaped) through a temporary file and a rename; :func:`file_sha256` hashes
inputs and outputs for ``run.json`` and evidence manifests.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graphfraud.contract import OUTPUT_FILES, TABLES
from graphfraud.errors import ContractError

#: Columns written with exactly two decimals: every contract money column.
MONEY_COLUMNS = frozenset(c.name for t in TABLES.values() for c in t.columns if c.kind == "money")


#: Called as ``hook(temporary path, final path)`` just before an output directory or file is published (renamed
#: into place); the CLI sets it to write the audit line first.  An exception from it aborts the publication:
#: the temporary output is removed and the final path is left as it was.
BEFORE_PUBLISH: contextvars.ContextVar[Callable[[Path, Path], None] | None] = contextvars.ContextVar(
    "graphfraud_before_publish", default=None
)


def announce(tmp: Path, dest: Path) -> None:
    """Run the :data:`BEFORE_PUBLISH` hook, if one is set, for an output about to replace ``dest``."""
    hook = BEFORE_PUBLISH.get()
    if hook is not None:
        hook(Path(tmp), Path(dest))


#: Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection); an apostrophe is
#: escaped too, so that :func:`unescape_formula` can undo :func:`escape_text` exactly.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED_PREFIXES = (*FORMULA_PREFIXES, "'")


def escape_text(value: object) -> object:
    """Text a spreadsheet would evaluate, or text starting with an apostrophe, gets a leading apostrophe.

    Numbers and missing values pass unchanged; :func:`unescape_formula` undoes it.

    >>> escape_text("=HYPERLINK(\\"http://x\\")"), escape_text("-1+2"), escape_text("'a"), escape_text("R1"), escape_text(-3)
    ('\\'=HYPERLINK("http://x")', "'-1+2", "''a", 'R1', -3)
    """
    if isinstance(value, str) and value.startswith(_ESCAPED_PREFIXES):
        return "'" + value
    return value


def unescape_formula(value: str) -> str:
    """Undo :func:`escape_text` on a cell read back as text.

    >>> unescape_formula("'=1+2"), unescape_formula("''a"), unescape_formula("R1")
    ('=1+2', "'a", 'R1')
    """
    return value[1:] if value.startswith("'") else value


def read_text_csv(path: str | Path) -> pd.DataFrame:
    """Read a CSV that :func:`write_csv` wrote, every column as text ("" for empty), escapes undone.

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "m.csv"
    >>> _ = write_csv(pd.DataFrame({"entity_id": ["=cmd", "P1"], "score": [-0.5, 1.0]}), p)
    >>> print(p.read_text(), end="")
    entity_id,score
    '=cmd,-0.5
    P1,1.0
    >>> read_text_csv(p)["entity_id"].tolist()
    ['=cmd', 'P1']
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for name in frame.columns:
        col = frame[name]
        if col.str.startswith("'").any():
            frame[name] = col.map(unescape_formula)
    return frame


#: Marker files that show a directory is an output of graphfraud (file name: a JSON key it must hold).
MARKERS = {"run.json": "outputs", "manifest.json": "files", "partition.json": "regions"}
#: What else each kind of output holds at its top level (anything more was put there by someone else).
#: A detect output may also hold the default exports of ``graphfraud export`` (derived from it).
OWN_ENTRIES = {
    "run.json": frozenset({"run.json", *OUTPUT_FILES, "model.pkl", "rings.xlsx", "rings-csv"}),  # and the default exports
    "manifest.json": frozenset({"manifest.json", "manifest.sig", "report.html", "report.pdf", "figures", "claims.csv",
                                "members.csv", "venues.csv", "baselines.csv", "steering.csv", "peers.csv", "reasons.csv",
                                "query.cypher", "run.json"}),
    "partition.json": frozenset({"partition.json", "regions"}),
}  # fmt: skip


def owned_by(marker: str) -> Callable[[Path], bool]:
    """A test that a directory is our own earlier output: it holds ``marker`` and nothing foreign.

    The marker must be a regular JSON file with our key (:data:`MARKERS`), and
    every top-level entry must be one that kind of output writes (:data:`OWN_ENTRIES`);
    ``owned.foreign(path)`` names the others.

    >>> import json, tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> owned_by("run.json")(d)
    False
    >>> _ = (d / "run.json").write_text(json.dumps({"outputs": {}}))
    >>> owned_by("run.json")(d)
    True
    >>> _ = (d / "notes.txt").write_text("mine")
    >>> owned_by("run.json")(d), owned_by("run.json").foreign(d)
    (False, ['notes.txt'])
    """
    key = MARKERS[marker]
    own = OWN_ENTRIES[marker]

    def foreign(path: Path) -> list[str]:
        return sorted(p.name for p in path.iterdir() if p.name not in own)

    def owned(path: Path) -> bool:
        file = path / marker
        if file.is_symlink() or not file.is_file():
            return False
        try:
            record = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            return False
        return isinstance(record, dict) and key in record and not foreign(path)

    owned.foreign = foreign  # type: ignore[attr-defined]
    return owned


def check_replaceable(dest: str | Path, *, owned: Callable[[Path], bool] | None = None,
                      inputs: Iterable[str | Path] = (), what: str = "output directory",
                      force: bool = False) -> None:  # fmt: skip
    """Refuse an output directory whose replacement could destroy data that graphfraud did not write.

    ``dest`` may be absent, an empty directory, or a directory that ``owned``
    recognises as an earlier output of the same command (by its marker file,
    :func:`owned_by`).  It may never be, or contain, one of ``inputs``, nor be
    the working directory or one of its parents; ``force`` lets an unrelated
    non-empty directory be replaced, never those.

    Raises
    ------
    ContractError
        Naming ``dest`` and why it is refused.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "claims.csv").write_text("claim_id\\n")
    >>> check_replaceable(d / "new", inputs=[d])
    >>> try:
    ...     check_replaceable(d, inputs=[d])
    ... except ContractError as e:
    ...     print(str(e).split(": ", 1)[1][:37])
    is an input directory (or holds one);
    """
    dest = Path(dest)
    if dest.is_symlink():
        raise ContractError(str(dest), None, None, f"is a symbolic link; give the real {what} path")
    if dest.exists() and not dest.is_dir():
        raise ContractError(str(dest), None, None, f"exists and is not a directory; choose another {what}")
    real = dest.resolve()
    for given in inputs:
        source = Path(given).resolve()
        if real == source or real in source.parents:
            raise ContractError(
                str(dest),
                None,
                None,
                f"is an input directory (or holds one); it would be "
                f"replaced by the {what}, deleting the input {given}; choose another path",
            )
    cwd = Path.cwd().resolve()
    if real == cwd or real in cwd.parents:
        raise ContractError(
            str(dest),
            None,
            None,
            f"is the working directory or one of its parents; "
            f"the {what} replaces its folder as a whole, so give a new sub-folder, e.g. {dest / 'out'}",
        )
    if not dest.is_dir() or force:
        return
    content = sorted(p.name for p in dest.iterdir())
    if content and not (owned is not None and owned(dest)):
        content = getattr(owned, "foreign", lambda p: [])(dest) or content
        shown = ", ".join(content[:5]) + (f" and {len(content) - 5} more" if len(content) > 5 else "")
        raise ContractError(
            str(dest),
            None,
            None,
            f"holds files that graphfraud did not write ({shown}); the "
            f"{what} replaces its folder as a whole, so give a new or empty folder",
        )


@contextlib.contextmanager
def atomic_dir(dest: str | Path, *, owned: Callable[[Path], bool] | None = None,
               inputs: Iterable[str | Path] = (), what: str = "output directory",
               force: bool = False) -> Iterator[Path]:  # fmt: skip
    """Write a directory atomically: yield a temporary sibling, swap it in on success.

    Parameters
    ----------
    dest : str or Path
        The output directory.  Its parent is created if needed.
    owned, inputs, what, force
        Passed to :func:`check_replaceable`, which runs first: an existing
        ``dest`` is replaced only when it is empty or ``owned`` recognises it.

    Yields
    ------
    Path
        An empty temporary directory in the same parent (so the final rename
        stays on one file system), mode 0700.  Write every output file into it.

    Raises
    ------
    ContractError
        When ``dest`` may not be replaced (:func:`check_replaceable`), or the
        swap fails (a mount point, a busy folder); the temporary directory is
        removed and ``dest`` is untouched.

    Notes
    -----
    On success the :data:`BEFORE_PUBLISH` hook runs (the audit line), then an existing ``dest`` is first renamed aside, the new directory
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
    ...     with atomic_dir(out, owned=lambda p: (p / "rings.csv").is_file()) as tmp:
    ...         _ = (tmp / "rings.csv").write_text("half")
    ...         raise RuntimeError("detection failed")
    ... except RuntimeError:
    ...     pass
    >>> (out / "rings.csv").read_text(), sorted(p.name for p in out.parent.iterdir())
    ('rank\\n', ['out'])
    """
    dest = Path(dest)
    check_replaceable(dest, owned=owned, inputs=inputs, what=what, force=force)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
    try:
        yield tmp
        announce(tmp, dest)
        _swap(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _swap(new: Path, dest: Path) -> None:
    old = None
    try:
        if dest.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old-", dir=dest.parent))
            old.rmdir()
            os.replace(dest, old)
        try:
            os.replace(new, dest)
        except BaseException:
            if old is not None:
                os.replace(old, dest)
            raise
    except OSError as exc:
        raise ContractError(
            str(dest),
            None,
            None,
            f"cannot be replaced ({exc.strerror}); it is left as it was, choose another output path",
        ) from None
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

    Notes
    -----
    Text cells are formula-escaped (:func:`escape_text`): a cell starting with
    ``= + - @``, tab, carriage return or an apostrophe gets a leading
    apostrophe, so a spreadsheet never runs it; numbers and money stay numbers.
    :func:`read_text_csv` reads such a file back with the escapes undone.
    Lines end in ``\n``, or in ``\r\n`` when a text cell holds a carriage
    return (so that the cell is quoted and the file reads back exactly).

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
    bare_cr = False
    for name in out.columns:
        if name in money and pd.api.types.is_float_dtype(out[name]):
            out[name] = _two_decimals(out[name])
        elif not (pd.api.types.is_numeric_dtype(out[name]) or pd.api.types.is_bool_dtype(out[name])):
            out[name] = out[name].map(escape_text, na_action="ignore")
            bare_cr = bare_cr or bool(out[name].map(lambda v: isinstance(v, str) and "\r" in v).any())
    with atomic_file(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as f:
        # the csv module quotes a cell holding a line terminator's characters only: a carriage return
        # in a cell (rare: free text) makes the file's lines end in \r\n so that the cell is quoted
        out.to_csv(f, index=False, lineterminator="\r\n" if bare_cr else "\n")
    return Path(path)


@contextlib.contextmanager
def atomic_file(path: str | Path, *, publish: bool = False) -> Iterator[Path]:
    """Write a file atomically: yield a temporary path beside ``path`` (mode 0600), renamed onto it on success.

    The one atomic file writer (:func:`atomic_dir` is the one for folders): on
    error the temporary file is removed and ``path`` is untouched.  With
    ``publish``, the :data:`BEFORE_PUBLISH` hook (the audit line) runs first.

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "a.txt"
    >>> with atomic_file(p) as tmp:
    ...     _ = tmp.write_text("done")
    >>> p.read_text(), [q.name for q in p.parent.iterdir()]
    ('done', ['a.txt'])
    """
    path = Path(path)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        if publish:
            announce(tmp, path)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _two_decimals(values: pd.Series) -> pd.Series:
    """Money as text with exactly two decimals, computed on integer cents (no rounding drift)."""
    cents = pc.cast(
        pc.round(pa.array(values.to_numpy(dtype="float64", na_value=float("nan")) * 100.0, from_pandas=True), 0),
        pa.int64(),
    )
    negative = pc.less(cents, 0)
    magnitude = pc.abs(cents)
    yuan = pc.cast(pc.divide(magnitude, 100), pa.string())
    fen = pc.utf8_lpad(
        pc.cast(pc.subtract(magnitude, pc.multiply(pc.divide(magnitude, 100), 100)), pa.string()), 2, "0"
    )
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
