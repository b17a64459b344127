"""Recompute, from a pack's own files, the reasons that compare the ring's institution with its peers.

``repeat_stays`` (phantom stays, :mod:`graphfraud.detect.beds`) and
``misused_cards`` (cards that cannot have been there, :mod:`graphfraud.detect.cards`)
rest on counts over all the claims, not only the ring's: the institution's
inpatients or cards and those of its peers.  The pack carries them in
``peers.csv`` (:func:`graphfraud.evidence.tables.peer_table`), and
``graphfraud verify`` recomputes from it what the reason says:

- ``repeat_stays``: the facility's repeat patients, inpatients and rate, its
  peers (their number and group) and their rate (the median of
  ``(hits + 1) / (count + 2)`` over the peers), and the ratio of the two;
- ``misused_cards``: the flagged cards, the binomial chance of as many at the
  peer institutions' rate for the flags and for each joined test (it must match
  the chance peers.csv states and be at most the run's ``cards.max_chance``,
  with at least ``cards.min_cards`` cards; for an institution proven by how its few
  flags were billed, ``args["tested"]`` given, the flags need not hold and each joined
  test holds at ``max_chance / args["tested"]`` with most of its cards beyond the
  peers' rate), the cards joined (between the
  largest test and the sum of the tests), and the cards claimed more than
  ``grace_days`` after the holder's death (claims.csv).

Every mismatch is one line, Chinese first, naming reasons.csv's row (as in a
spreadsheet: the header is row 1), the value recomputed and the value said.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable

import numpy as np
import pandas as pd
from graphfraud.stats import binom

from graphfraud.detect.beds import peer_share
from graphfraud.detect.cards import SEED_CHANCE_SHARE
from graphfraud.io.write import unescape_formula
from graphfraud.score.reasons import printed

#: The reason codes recomputed here, from peers.csv.
RECOMPUTED = ("repeat_stays", "misused_cards")

Read = Callable[[str], "bytes | None"]


def recheck(read: Read) -> tuple[int, list[str]]:
    r"""Recompute the pack's ``repeat_stays`` and ``misused_cards`` reasons from its files.

    Parameters
    ----------
    read : callable
        ``read(name)``: the bytes of the pack's file ``name`` (``peers.csv``), None when absent.

    Returns
    -------
    (int, list of str)
        How many reasons were recomputed, and one line per number that does not
        agree with the pack's data (empty when all agree).  A pack without
        ``peers.csv`` (made before it existed) has none recomputed.

    Examples
    --------
    A centre with 10 of 40 inpatients admitted three times or more, against two peers with none of 38
    (pooled: ``(0 + 1) / (76 + 2)``, 1.3%), whose reason says 12:

    >>> args = ('{"repeaters":12,"inpatients":40,"venue":"C0","rate":0.25,"times":3,"peer_rate":0.01282,'
    ...         '"peers":2,"peer_group":"community level 1","ratio":19.5,"persons":12,"member_times":2,'
    ...         '"admissions":40,"repeat_ratio_from":3.0}')
    >>> reasons = 'code,args\nrepeat_stays,"' + args.replace('"', '""') + '"\n'
    >>> peers = ("reason,test,role,venue_id,peer_group,count,hits,chance\n"
    ...          "repeat_stays,repeat,venue,C0,community level 1,40,10,\n"
    ...          "repeat_stays,repeat,peer,C1,community level 1,38,0,\n"
    ...          "repeat_stays,repeat,peer,C2,community level 1,38,0,\n")
    >>> files = {"reasons.csv": reasons.encode(), "peers.csv": peers.encode()}
    >>> count, problems = recheck(files.get)
    >>> count, problems
    (1, ['reasons.csv 第 2 行 repeat_stays：repeaters 由本证据包重算为 10，理由写的是 12（repeaters recomputed from the pack is 10, the reason says 12）'])
    """
    raw_reasons, raw_peers = read("reasons.csv"), read("peers.csv")
    if raw_reasons is None or raw_peers is None:
        return 0, []
    try:
        reasons, peers = _table(raw_reasons), _table(raw_peers)
        run = json.loads((read("run.json") or b"{}").decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        return 0, [f"reasons.csv、peers.csv 或 run.json 无法读取：{exc}（cannot be read: {exc}）"]
    cards = (run.get("parameters") or {}).get("cards") or {}
    count, problems = 0, []
    for i, row in enumerate(reasons.to_dict("records")):
        code = row.get("code")
        if code not in RECOMPUTED:
            continue
        where = f"reasons.csv 第 {i + 2} 行 {code}"
        try:
            args = json.loads(row.get("args") or "null")
        except ValueError:
            args = None
        if not isinstance(args, dict):
            problems.append(
                f"{where}：args 不是 JSON 对象，无法重算（args is not a JSON object: nothing to recompute）"
            )
            continue
        mine = peers[peers["reason"] == code] if "reason" in peers else peers.iloc[:0]
        try:
            if code == "repeat_stays":
                lines = _repeat_stays(args, mine)
            else:
                lines = _misused_cards(args, mine, cards, lambda: _table(read("claims.csv") or b""))
        except (KeyError, ValueError, TypeError) as exc:
            lines = [f"peers.csv 中的数据不完整或不是数字（{exc}），无法重算（incomplete or not numbers: {exc})"]
        count += 1
        problems += [f"{where}：{line}" for line in lines]
    return count, problems


def _table(raw: bytes) -> pd.DataFrame:
    """A pack CSV as text cells, formula escapes undone (graphfraud.io.write.read_text_csv on bytes)."""
    frame = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False)
    return frame.map(unescape_formula)


def _compare(code: str, args: dict, got: dict[str, object]) -> list[str]:
    """Each value of ``got`` whose printed form differs from the reason's, as a line."""
    said = printed(code, args)
    again = printed(code, {**args, **got})
    return [
        f"{name} 由本证据包重算为 {again[name]}，理由写的是 {said[name]}"
        f"（{name} recomputed from the pack is {again[name]}, the reason says {said[name]}）"
        for name in got
        if again[name] != said[name]
    ]


def _repeat_stays(args: dict, rows: pd.DataFrame) -> list[str]:
    repeat = rows[rows["test"] == "repeat"]
    venue, peer = repeat[repeat["role"] == "venue"], repeat[repeat["role"] == "peer"]
    if venue.empty or peer.empty:
        return ["peers.csv 没有该机构及其同类机构的住院人数，无法重算（peers.csv has no counts of the facility and "
                "its peers: nothing to recompute)"]  # fmt: skip
    problems = []
    if venue["venue_id"].iat[0] != str(args["venue"]):
        problems.append(f"peers.csv 的机构为 {venue['venue_id'].iat[0]}，理由的机构为 {args['venue']}"
                        f"（peers.csv counts {venue['venue_id'].iat[0]}, the reason is about {args['venue']}）")  # fmt: skip
    inpatients, repeaters = int(venue["count"].iat[0]), int(venue["hits"].iat[0])
    counts, hits = peer["count"].astype(int).to_numpy(), peer["hits"].astype(int).to_numpy()
    peer_rate = peer_share(counts, hits)
    rate = repeaters / max(inpatients, 1)
    got = {"repeaters": repeaters, "inpatients": inpatients, "rate": rate, "peer_rate": peer_rate,
           "peers": len(peer), "peer_group": venue["peer_group"].iat[0], "ratio": rate / peer_rate}  # fmt: skip
    return problems + _compare("repeat_stays", args, got)


def _misused_cards(args: dict, rows: pd.DataFrame, params: dict, claims: Callable[[], pd.DataFrame]) -> list[str]:
    max_chance, min_cards = float(params.get("max_chance", 0.001)), int(params.get("min_cards", 3))
    # an institution proven by how its few flagged cards were billed (detect.cards._seeded): its joined tests
    # hold at max_chance over the institutions so tested; every joined test (either route) with most joined cards
    # beyond the peers' rate
    seeded = "tested" in args
    bound = max_chance / max(int(args.get("tested", 1)), 1) if seeded else max_chance
    problems: list[str] = []
    hits: dict[str, int] = {}
    shops: list[str] = []
    for test in ["flags"] + sorted(set(rows["test"]) - {"flags"}):
        mine = rows[rows["test"] == test]
        venue, peers = mine[mine["role"] == "venue"], mine[mine["role"] == "peers"]
        if venue.empty or peers.empty:
            problems.append(f"peers.csv 没有 {test} 检验的本机构与同类机构计数，无法重算（peers.csv has no counts of "
                            f"the {test} test for the institution and its peers: nothing to recompute)")  # fmt: skip
            continue
        n, k = int(venue["count"].iat[0]), int(venue["hits"].iat[0])
        rate = int(peers["hits"].iat[0]) / max(int(peers["count"].iat[0]), 1)
        chance = float(binom.sf(k - 1, n, min(max(rate, 1e-6), 1 - 1e-6)))
        said = float(venue["chance"].iat[0])
        if not math.isclose(chance, said, rel_tol=1e-6, abs_tol=1e-300):
            problems.append(f"{test} 检验的概率由计数重算为 {chance:.3g}，peers.csv 写的是 {said:.3g}"
                            f"（the chance of the {test} test recomputed from its counts is {chance:.3g}, peers.csv "
                            f"says {said:.3g}）")  # fmt: skip
        if seeded and test == "flags":  # proven by how its flags were billed: the flags need not hold alone
            hits[test] = k
            shops = shops or str(venue["venue_id"].iat[0]).split(";")
            continue
        if n * rate > SEED_CHANCE_SHARE * k:
            problems.append(f"{test} 检验不成立：{n} 张卡按同类机构比率 {rate:.3g} 应有 {n * rate:.3g} 张，超过 {k} 张的 "
                            f"{SEED_CHANCE_SHARE:g}（the {test} test does not hold: the peers' rate {rate:.3g} gives "
                            f"{n * rate:.3g} of {n} cards, more than {SEED_CHANCE_SHARE:g} of the {k} joined）")  # fmt: skip
        if chance > bound or k < min_cards:
            problems.append(f"{test} 检验不成立：{n} 张卡中 {k} 张，同类机构比率 {rate:.3g} 下的概率 {chance:.3g}"
                            f"（须不高于 {bound:g}，且至少 {min_cards} 张）（the {test} test does not hold: {k} of "
                            f"{n} cards, chance {chance:.3g} at the peers' rate {rate:.3g}; it must be at most "
                            f"{bound:g} with at least {min_cards} cards）")  # fmt: skip
        hits[test] = k
        shops = shops or str(venue["venue_id"].iat[0]).split(";")
    if "flags" in hits:
        problems += _compare("misused_cards", args, {"flagged": hits["flags"], "dead": _dead(claims(), shops, args)})
    joined = [k for test, k in hits.items() if test != "flags"]
    low, high = (max(joined), sum(joined)) if joined else (0, 0)
    if not low <= int(args["joined"]) <= high:
        problems.append(f"joined 为 {args['joined']}，而 peers.csv 各联合检验的卡数只容许 {low} 至 {high}"
                        f"（joined is {args['joined']}, but the joined tests of peers.csv allow {low} to {high}）")  # fmt: skip
    return problems


def _dead(claims: pd.DataFrame, shops: list[str], args: dict) -> int:
    """Cards billed at ``shops`` more than ``grace_days`` after the death of the card's person (claims.csv)."""
    c = claims[claims["venue_id"].isin(shops)]
    pharmacy = (c["venue_type"] == "pharmacy").to_numpy()
    death = np.where(pharmacy, c["holder_death_date"], c["patient_death_date"])
    died = pd.to_datetime(pd.Series(death).replace("", None))
    late = (pd.to_datetime(c["day"]).to_numpy() - died.to_numpy()) > np.timedelta64(int(args["grace_days"]), "D")
    return int(c.loc[late, "person_id"].nunique())
