"""The reasons that compare an institution with its peers (repeat_stays, misused_cards) are recomputed from the
pack alone: peers.csv carries the peers' counts, ``graphfraud verify`` recomputes the reasons from it, and a pack
whose counts were changed (its manifest re-hashed and re-signed, as a forger with the key would) fails with a
Chinese-first line naming the reason, the number recomputed and the number said."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from detect.worlds import beds_county, card_world, village_world
from graphfraud.cli import main
from graphfraud.evidence.pack import make_packs
from graphfraud.evidence.recompute import recheck
from graphfraud.evidence.sign import load_private_key, sign_manifest
from graphfraud.evidence.source import ring_ids
from graphfraud.evidence.verify import verify_pack
from graphfraud.score.wording import say
from graphfraud.io.write import file_sha256
from graphfraud.synth.write import write_world

from .conftest import read


def _detect(data_dir: Path, out: Path) -> Path:
    result = CliRunner().invoke(main, ["detect", str(data_dir), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    return out


def _packs(out: Path, dest: Path, key_file: Path, code: str) -> list:
    """Signed packs of every ring of ``out`` that has a ``code`` reason."""
    reasons = pd.read_csv(out / "ring_reasons.csv", dtype=str)
    wanted = [r for r in ring_ids(out) if code in set(reasons.loc[reasons["ring_id"] == r, "code"])]
    assert wanted, f"no {code} ring in {out}"
    return make_packs(out, wanted, dest=dest, signing_key=load_private_key(key_file))


@pytest.fixture(scope="module")
def beds_pack(tmp_path_factory: pytest.TempPathFactory, pack_key_file: Path):
    """The pack of the phantom-stay ring of a township centre (C0) among nine peer centres."""
    root = tmp_path_factory.mktemp("beds")
    (root / "data").mkdir()
    data_dir, _ = beds_county(root / "data", beds_ring=True, busy_hospital=False, discharge=True)
    (pack,) = _packs(_detect(data_dir, root / "out"), root / "packs", pack_key_file, "repeat_stays")
    return pack


@pytest.fixture(scope="module")
def card_packs(tmp_path_factory: pytest.TempPathFactory, pack_key_file: Path) -> dict:
    """The packs of the misused-card rings (a centre billing the dead, a chain swiping a collector's cards)."""
    root = tmp_path_factory.mktemp("cards")
    write_world(card_world(), None, root / "data")
    packs = _packs(_detect(root / "data", root / "out"), root / "packs", pack_key_file, "misused_cards")
    return {json.loads(_args(p.path, "misused_cards"))["venue"]: p for p in packs}


def _args(folder: Path, code: str) -> str:
    reasons = read(folder / "reasons.csv")
    return reasons.loc[reasons["code"] == code, "args"].iloc[0]


def _forge(pack, tmp_path: Path, key_file: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    """A copy of the pack with peers.csv edited by ``edit`` (a DataFrame -> DataFrame), its manifest re-hashed
    and re-signed with the bureau's own key: every file matches, the signature is valid."""
    folder = tmp_path / pack.ring_id
    shutil.copytree(pack.path, folder)
    edit(read(folder / "peers.csv")).to_csv(folder / "peers.csv", index=False)
    record = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    record["files"]["peers.csv"] = {
        "sha256": file_sha256(folder / "peers.csv"),
        "bytes": (folder / "peers.csv").stat().st_size,
    }
    (folder / "manifest.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (folder / "manifest.sig").write_bytes(
        sign_manifest((folder / "manifest.json").read_bytes(), load_private_key(key_file))
    )
    return folder


def _refused(folder: Path, *words: str) -> str:
    result = CliRunner().invoke(main, ["verify", str(folder)])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert "理由中的数字与证据包自身的数据不符" in result.output, result.output  # Chinese first
    for word in words:
        assert word in result.output, result.output
    return result.output


def test_the_repeat_stays_pack_carries_the_facility_and_each_peer(beds_pack) -> None:
    peers = read(beds_pack.path / "peers.csv")
    rows = peers[peers["reason"] == "repeat_stays"]
    venue, peer = rows[rows["role"] == "venue"], rows[rows["role"] == "peer"]
    assert venue["venue_id"].tolist() == ["C0"] and sorted(peer["venue_id"]) == [f"C{i}" for i in range(1, 10)]
    assert set(rows["peer_group"]) == {"community level 1"}  # its kind and level, not the hospitals
    # the reason's numbers, by hand from peers.csv: the peers' rate is their counts pooled, the peer with the
    # highest share left out when it has any, smoothed by one hit in two more counts
    args = json.loads(_args(beds_pack.path, "repeat_stays"))
    inpatients, repeaters = int(venue["count"].iat[0]), int(venue["hits"].iat[0])
    hits, counts = peer["hits"].astype(int).to_numpy(), peer["count"].astype(int).to_numpy()
    top = int(np.argmax(hits / counts))
    out = (hits[top], counts[top]) if hits[top] else (0, 0)  # a peer with none is not left out
    pooled = (hits.sum() - out[0] + 1) / (counts.sum() - out[1] + 2)
    assert (args["inpatients"], args["repeaters"], args["peers"]) == (inpatients, repeaters, 9)
    assert args["peer_rate"] == pytest.approx(pooled)
    assert args["ratio"] == pytest.approx(repeaters / inpatients / pooled)


def test_a_fresh_repeat_stays_pack_verifies_with_its_reason_recomputed(beds_pack) -> None:
    for path in (beds_pack.path, beds_pack.zip_path):
        result = verify_pack(path)
        assert result.ok and result.recomputed == 1 and result.mismatches == []
    out = CliRunner().invoke(main, ["verify", str(beds_pack.zip_path)])
    assert out.exit_code == 0 and "1 reason(s) recomputed from peers.csv agree" in out.output, out.output


def test_a_repeat_stays_pack_with_changed_counts_fails_even_re_signed(beds_pack, tmp_path: Path, pack_key_file) -> None:
    def more_repeaters(p: pd.DataFrame) -> pd.DataFrame:
        p.loc[(p["reason"] == "repeat_stays") & (p["role"] == "venue"), "hits"] = "40"
        return p

    folder = _forge(beds_pack, tmp_path, pack_key_file, more_repeaters)
    said = json.loads(_args(folder, "repeat_stays"))["repeaters"]
    output = _refused(
        folder, f"repeat_stays：repeaters 由本证据包重算为 40，理由写的是 {said}", "rate 由本证据包重算为"
    )
    assert "reasons.csv 第 " in output and "signature valid" not in output


def test_a_repeat_stays_pack_whose_peers_were_removed_fails(beds_pack, tmp_path: Path, pack_key_file) -> None:
    folder = _forge(beds_pack, tmp_path, pack_key_file, lambda p: p[p["role"] != "peer"])
    _refused(folder, "peers.csv 没有该机构及其同类机构的住院人数，无法重算")


def test_the_misused_cards_packs_carry_the_institutions_and_their_peers(card_packs: dict) -> None:
    assert set(card_packs) >= {"H0"}  # the centre billing stays on the dead
    peers = read(card_packs["H0"].path / "peers.csv")
    flags = peers[peers["test"] == "flags"].set_index("role")
    args = json.loads(_args(card_packs["H0"].path, "misused_cards"))
    assert int(flags.at["venue", "hits"]) == args["flagged"] == 5
    assert int(flags.at["peers", "count"]) > 0 and flags.at["venue", "peer_group"] == "facilities of kind community"
    # the living cards billed the same way joined by a test whose counts are there too
    joined = peers[(peers["test"] != "flags") & (peers["role"] == "venue")]
    assert len(joined) and int(joined["hits"].max()) <= args["joined"] <= int(joined["hits"].sum())


def test_fresh_misused_cards_packs_verify_with_their_reasons_recomputed(card_packs: dict) -> None:
    for pack in card_packs.values():
        result = verify_pack(pack.zip_path)
        assert result.ok and result.recomputed == 1, result.mismatches


def test_a_misused_cards_pack_with_changed_peer_counts_fails_even_re_signed(card_packs: dict, tmp_path: Path,
                                                                          pack_key_file) -> None:  # fmt: skip
    def common_at_the_peers(p: pd.DataFrame) -> pd.DataFrame:  # the peers flag as many cards as the centre
        at = (p["test"] == "flags") & (p["role"] == "peers")
        p.loc[at, "hits"] = str(int(p.loc[at, "count"].iat[0]) // 2)
        return p

    folder = _forge(card_packs["H0"], tmp_path, pack_key_file, common_at_the_peers)
    _refused(folder, "flags 检验的概率由计数重算为", "flags 检验不成立", "the flags test does not hold")


def test_a_misused_cards_pack_with_changed_flagged_cards_fails(card_packs: dict, tmp_path: Path, pack_key_file) -> None:
    def fewer(p: pd.DataFrame) -> pd.DataFrame:
        p.loc[(p["test"] == "flags") & (p["role"] == "venue"), "hits"] = "4"
        return p

    _refused(_forge(card_packs["H0"], tmp_path, pack_key_file, fewer), "flagged 由本证据包重算为 4，理由写的是 5")


def test_a_proven_pack_whose_look_alikes_the_peers_rate_mostly_gives_fails(card_packs: dict, tmp_path: Path,
                                                                          pack_key_file) -> None:  # fmt: skip
    """SEED_CHANCE_SHARE holds on the route proven by its flags too (detection step 67): peers billing the joined
    way at 0.6 of the centre's rate give more than half of its joined cards."""

    def mostly_the_peers(p: pd.DataFrame) -> pd.DataFrame:
        joined = p[(p["test"] != "flags") & (p["role"] == "venue")]["test"].iat[0]
        at, venue = (p["test"] == joined) & (p["role"] == "peers"), (p["test"] == joined) & (p["role"] == "venue")
        share = int(p.loc[venue, "hits"].iat[0]) / int(p.loc[venue, "count"].iat[0])
        p.loc[at, "hits"] = str(int(int(p.loc[at, "count"].iat[0]) * share * 0.6) + 1)
        return p

    output = _refused(_forge(card_packs["H0"], tmp_path, pack_key_file, mostly_the_peers), "检验不成立")
    assert "more than 0.5 of the" in output


def test_a_pack_without_peers_csv_has_nothing_recomputed(card_packs: dict) -> None:
    files = {n: (card_packs["H0"].path / n).read_bytes() for n in ("reasons.csv", "run.json", "claims.csv")}
    assert recheck(files.get) == (0, [])


def test_a_pack_with_peers_csv_is_replaced_by_a_newer_pack_of_its_ring(beds_pack, pack_key_file) -> None:
    # peers.csv is one of a pack folder's own files: making the pack again replaces the folder
    out = Path(json.loads((beds_pack.path / "run.json").read_text(encoding="utf-8"))["data_dir"]).parent / "out"
    (again,) = make_packs(
        out, [beds_pack.ring_id], dest=beds_pack.path.parent, signing_key=load_private_key(pack_key_file)
    )
    assert again.path == beds_pack.path and verify_pack(again.path).ok


@pytest.fixture(scope="module")
def village_pack(tmp_path_factory: pytest.TempPathFactory, pack_key_file: Path):
    """The pack of a village doctor's kept cards, proven by how its three dead cards were billed (cards._seeded):
    a stray flag at a peer clinic makes three no more than the peers' rate allows (detect/test_seeded_cards.py)."""
    root = tmp_path_factory.mktemp("village")
    write_world(village_world(dead=3), None, root / "data")
    (pack,) = _packs(_detect(root / "data", root / "out"), root / "packs", pack_key_file, "misused_cards")
    return pack


def test_a_seeded_misused_cards_pack_verifies_with_its_bound(village_pack) -> None:
    """The flags do not prove the clinic by themselves; the pack says so (seeded, the number of institutions
    tested) and verify recomputes the joined test at max_chance over that number, not the flags alone."""
    args = json.loads(_args(village_pack.path, "misused_cards"))
    assert args["tested"] >= 1 and args["flagged"] == 3
    zh = say("misused_cards", args, "zh")
    assert zh.startswith("V0 结算的 3 张医保卡") and "仅凭这些卡不足以认定" in zh
    result = verify_pack(village_pack.zip_path)
    assert result.ok and result.recomputed == 1, result.mismatches


def test_a_seeded_pack_whose_look_alikes_are_common_at_the_peers_fails(village_pack, tmp_path: Path,
                                                                      pack_key_file) -> None:  # fmt: skip
    def common(p: pd.DataFrame) -> pd.DataFrame:  # the peers' cards billed like the dead one as often as the clinic's
        at = (p["test"] == "alike") & (p["role"] == "peers")
        venue = (p["test"] == "alike") & (p["role"] == "venue")
        share = int(p.loc[venue, "hits"].iat[0]) / int(p.loc[venue, "count"].iat[0])
        p.loc[at, "hits"] = str(int(int(p.loc[at, "count"].iat[0]) * share * 0.8))
        return p

    _refused(_forge(village_pack, tmp_path, pack_key_file, common), "alike 检验不成立", "the alike test does not hold")


def test_a_ghost_stays_pack_verifies_with_its_test_recomputed(tmp_path: Path, pack_key_file: Path) -> None:
    """A centre proven by its ghost stays alone (an export without death dates): the pack carries the ghost
    test's counts (the peers' with one hit and one miss added) and verify recomputes it at the route's bound."""
    data = card_world()
    death = data.persons["death_date"]
    data = dataclasses.replace(data, persons=data.persons.assign(death_date=death.where(death.isna())))
    write_world(data, None, tmp_path / "data")
    packs = _packs(_detect(tmp_path / "data", tmp_path / "out"), tmp_path / "packs", pack_key_file, "misused_cards")
    (pack,) = [p for p in packs if json.loads(_args(p.path, "misused_cards"))["venue"] == "H0"]
    peers = read(pack.path / "peers.csv")
    ghost = peers[peers["test"] == "ghost"].set_index("role")
    assert int(ghost.at["venue", "hits"]) == json.loads(_args(pack.path, "misused_cards"))["ghost"] == 11
    result = verify_pack(pack.zip_path)
    assert result.ok and result.recomputed == 1, result.mismatches
