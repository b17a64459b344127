"""Make evidence packs: one folder (and .zip) per ring, written atomically.

``DEST/<RING_ID>/`` holds report.html, report.pdf, figures/*.png, claims.csv,
members.csv, venues.csv, baselines.csv, steering.csv, peers.csv, reasons.csv,
query.cypher, run.json, manifest.json and, when a signing key is given,
manifest.sig (graphfraud.evidence.sign); ``DEST/<RING_ID>.zip`` holds the
same folder.  A failure leaves no half-written pack behind, and a pack
folder is only ever replaced by a newer pack of the same ring (a folder
holding anything else is refused, see graphfraud.io.write.check_replaceable).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from graphfraud import __version__
from graphfraud.contract import ClaimsData
from graphfraud.errors import ContractError, ParamError
from graphfraud.evidence import sign
from graphfraud.evidence import figures as figs
from graphfraud.evidence import report
from graphfraud.evidence.fonts import cjk_font, require_cjk_font
from graphfraud.evidence.manifest import SIGNATURE, write_manifest, write_zip
from graphfraud.mask import Masker
from graphfraud.evidence.query import ring_query
from graphfraud.evidence.source import RingSource, check_inputs, data_dir_of, read_ring
from graphfraud.evidence.tables import PackTables, pack_tables, run_facts, run_signals
from graphfraud.evidence.wording import say
from graphfraud.io.rings import check_ring_id
from graphfraud.io.write import atomic_dir, owned_by, write_csv
from graphfraud.score.features import MIN_PEERS, OFF_HOURS
from graphfraud.score.reasons import args_json

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

LANGS = ("zh", "en")


@dataclass(frozen=True)
class Pack:
    """A written evidence pack: its folder, its zip and its manifest."""

    ring_id: str
    path: Path
    zip_path: Path
    manifest: dict


def make_pack(
    source: RingSource,
    data: ClaimsData,
    *,
    dest: str | Path = "evidence",
    lang: str = "zh",
    unmask: bool = False,
    data_dir: str | Path | None = None,
    facts: object | None = None,
    mask_key: bytes | None = None,
    now: dt.datetime | None = None,
    signing_key: Ed25519PrivateKey | None = None,
) -> Pack:
    """Write the evidence pack of one ring.

    Parameters
    ----------
    source : RingSource
        The ring, from :func:`graphfraud.evidence.source.read_ring`.
    data : ClaimsData
        The claims the ring was detected in.
    dest : str or Path, default "evidence"
        The pack goes to ``dest/<ring_id>/`` and ``dest/<ring_id>.zip`` (both replaced).
    lang : {"zh", "en"}, default "zh"
        Language of the report and figures.
    unmask : bool, default False
        Show person ids, phones and addresses instead of their masks.
    data_dir : str or Path, optional
        Recorded in run.json.
    facts : ClaimFacts, optional
        From :func:`graphfraud.evidence.tables.run_facts`, to share between packs.
    mask_key : bytes, optional
        Key of the masks (random by default: a new key per pack).
    now : datetime, optional
        Generation time (default: now).
    signing_key : Ed25519PrivateKey, optional
        The bureau's key (:func:`graphfraud.evidence.sign.load_private_key`):
        manifest.json records its fingerprint and manifest.sig its signature.
        Without it the pack is unsigned (``verify`` then proves integrity only).

    Returns
    -------
    Pack

    Raises
    ------
    ParamError
        ``lang`` is not zh or en.
    FontError
        ``lang="zh"`` and no Chinese font is installed.
    """
    if lang not in LANGS:
        raise ParamError(f"The 'lang' parameter of make_pack must be one of {LANGS}. Got {lang!r} instead.")
    font = require_cjk_font() if lang == "zh" else cjk_font()
    masker = Masker(enabled=not unmask, key=mask_key)
    tables = pack_tables(source, data, masker, facts=facts)  # type: ignore[arg-type]
    generated = (now or dt.datetime.now().astimezone()).isoformat(timespec="seconds")
    dest = Path(dest)
    final = dest / check_ring_id(source.ring_id, file="rings.csv")
    zip_final = dest / f"{source.ring_id}.zip"
    if zip_final.is_symlink() or (zip_final.exists() and not zip_final.is_file()):
        raise ContractError(str(zip_final), None, None, "exists and is not a pack .zip; choose another --dest")
    inputs = [source.out_dir] + ([data_dir] if data_dir is not None else [])
    signed_by = {"signed_by": sign.fingerprint(signing_key.public_key())} if signing_key is not None else {}
    zip_tmp: str | None = None
    try:
        with atomic_dir(final, owned=owned_by("manifest.json"), inputs=inputs, what="evidence pack folder") as tmp:
            _write_files(tmp, source, tables, lang=lang, masked=not unmask, font=font, generated=generated,
                         data_dir=data_dir, signed_by=signed_by.get("signed_by"))  # fmt: skip
            manifest = write_manifest(
                tmp, ring_id=source.ring_id, generated_at=generated, version=__version__, inputs=data.source,
                detection_outputs=source.outputs, extra={"lang": lang, "masked": not unmask, **signed_by},
            )  # fmt: skip
            if signing_key is not None:
                (tmp / SIGNATURE).write_bytes(sign.sign_manifest((tmp / "manifest.json").read_bytes(), signing_key))
            fd, zip_tmp = tempfile.mkstemp(prefix=f".{source.ring_id}.zip.tmp-", dir=dest)
            os.close(fd)
            write_zip(tmp, Path(zip_tmp), folder=source.ring_id)
        os.replace(zip_tmp, zip_final)
    except BaseException:
        if zip_tmp is not None:
            Path(zip_tmp).unlink(missing_ok=True)
        raise
    return Pack(source.ring_id, final, zip_final, manifest)


def _write_files(root: Path, source: RingSource, tables: PackTables, *, lang: str, masked: bool, font: Path | None,
                 generated: str, data_dir: str | Path | None, signed_by: str | None = None) -> None:  # fmt: skip
    write_csv(tables.claims, root / "claims.csv")
    write_csv(tables.members, root / "members.csv")
    write_csv(tables.venues, root / "venues.csv", money=("ring_fund", "all_fund"))
    write_csv(tables.baselines, root / "baselines.csv")
    write_csv(tables.steering, root / "steering.csv", money=())
    write_csv(tables.peers, root / "peers.csv", money=())
    reasons = tables.reasons.copy()
    reasons["wording"] = [say(r.code, r.args, lang, text=r.text).text for r in reasons.itertuples()]
    reasons["args"] = ["" if args is None else args_json(args) for args in reasons["args"]]
    write_csv(reasons, root / "reasons.csv", money=())
    (root / "query.cypher").write_text(ring_query(source.ring_id), encoding="utf-8")
    (root / "run.json").write_text(json.dumps(_run_record(source, lang, masked, data_dir), indent=2, ensure_ascii=False) + "\n",
                                   encoding="utf-8")  # fmt: skip
    seed = int(source.run.get("seed", 0) or 0)
    paths = figs.draw_all(tables, root / "figures", lang=lang, seed=seed)
    ctx = report.ReportContext(
        ring=source.ring, tables=tables, run=source.run, lang=lang, masked=masked,
        figures=[p.relative_to(root).as_posix() for p in paths], generated_at=generated, version=__version__,
        signed_by=signed_by,
    )  # fmt: skip
    blocks = report.document(ctx)
    report.write_html(blocks, root / "report.html", lang=lang)
    report.write_pdf(blocks, root / "report.pdf", root=root, font=font, title=f"{blocks[0].text} · {source.ring_id}")


def _run_record(source: RingSource, lang: str, masked: bool, data_dir: str | Path | None) -> dict:
    run = source.run
    signals = run_signals(run)
    return {
        "version": run.get("version"),
        "versions": run.get("versions", {}),
        "parameters": run.get("parameters", {}),
        "seed": run.get("seed"),
        "time_resolution": run.get("time_resolution"),
        "signals_off": run.get("signals_off", {}),
        "inputs": run.get("inputs", {}),
        "data_dir": str(Path(data_dir).resolve()) if data_dir is not None else run.get("data_dir"),
        "ring_id": source.ring_id,
        "detection_outputs": source.outputs,
        "evidence": {
            "graphfraud": __version__,
            "lang": lang,
            "masked": masked,
            "mask": "HMAC-SHA256 of each identifier with a random per-pack key that is not stored" if masked else None,
            "min_peers": MIN_PEERS,
            "off_hours": [f"{OFF_HOURS[0]:02d}:00", f"{OFF_HOURS[1]:02d}:00"],
            "split_days": signals.split_days,
            "high_value_unit_price": signals.high_value_price,
        },
    }


def make_packs(
    out_dir: str | Path,
    ring_ids: list[str],
    *,
    data_dir: str | Path | None = None,
    read_params: object | None = None,
    dest: str | Path = "evidence",
    lang: str = "zh",
    unmask: bool = False,
    log: Callable[[str], None] = lambda message: None,
    signing_key: Ed25519PrivateKey | None = None,
) -> list[Pack]:
    """Packs for several rings of one detection output, reading the claims once.

    ``data_dir`` defaults to the claims directory recorded in ``out_dir/run.json``;
    ``signing_key`` signs every pack (see :func:`make_pack`).
    Raises :class:`~graphfraud.evidence.source.RingNotFoundError` before writing
    anything when a ring id is unknown.
    """
    from graphfraud.io.read import read_claims_dir
    from graphfraud.params import ReadParams

    if lang not in LANGS:
        raise ParamError(f"The 'lang' parameter of make_packs must be one of {LANGS}. Got {lang!r} instead.")
    sources = [read_ring(out_dir, rid) for rid in ring_ids]
    if not sources:
        return []
    if any(s.reasons["args"].isna().any() for s in sources):
        log(
            f"note: {Path(out_dir) / 'ring_reasons.csv'} has no args column (an older detect run?); reasons are "
            "shown as their English text, without how to check them; run `graphfraud detect` again to word them"
        )
    folder = data_dir_of(sources[0], data_dir)
    data = read_claims_dir(folder, read_params or ReadParams())  # type: ignore[arg-type]
    for s in sources:
        check_inputs(s, data, folder)
    facts = run_facts(data, signals=run_signals(sources[0].run))
    packs = []
    for s in sources:
        pack = make_pack(
            s, data, dest=dest, lang=lang, unmask=unmask, data_dir=folder, facts=facts, signing_key=signing_key
        )
        log(f"{s.ring_id}: {len(pack.manifest['files'])} files")
        packs.append(pack)
    return packs
