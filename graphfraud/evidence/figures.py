"""The pack's pictures (matplotlib, no pyplot state): ring subgraph, arrival timeline, persons x days, amounts.

Each function takes the pack's tables (identifiers already masked) and writes
one PNG.  Chinese labels use the CJK font of :mod:`graphfraud.evidence.fonts`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from graphfraud.evidence.fonts import cjk_font
from graphfraud.evidence.tables import PackTables

#: Colour per member role (and per node kind in the subgraph).
ROLE_COLOURS = {
    "organizer": "#d62728", "recruit": "#ff9896", "card_holder": "#ff9896", "patient": "#ff9896",
    "doctor": "#1f77b4", "facility": "#2ca02c", "pharmacy": "#9467bd",
}  # fmt: skip
DPI = 130

LABELS = {
    "zh": {
        "graph": "团伙关系图（按角色着色；连线粗细 = 结算笔数）", "organizer": "组织者", "member": "成员（参保人）",
        "doctor": "医师", "facility": "医疗机构", "pharmacy": "零售药店",
        "timeline": "到达时间线：每笔结算的日期与时刻", "date": "日期", "time": "时刻", "main": "主要机构",
        "other": "其他机构", "busiest": "最密集的一天 {day}：{n} 笔结算，跨 {span} 分钟", "person": "参保人",
        "heat": "参保人 × 日期：每格为当天结算笔数", "amounts": "基金支付随时间变化（按周）",
        "weekly": "每周基金支付（元）", "cumulative": "累计（元）", "per_day": "每日结算笔数（仅有日期）", "phone": "共用手机号",
    },
    "en": {
        "graph": "Ring subgraph (coloured by role; line width = claims)", "organizer": "organizer",
        "member": "member (person)", "doctor": "doctor", "facility": "facility", "pharmacy": "pharmacy",
        "timeline": "Arrival timeline: date and time of day of every claim", "date": "date", "time": "time of day",
        "main": "main venue", "other": "other venues", "busiest": "Busiest day {day}: {n} claims within {span} min",
        "person": "person", "heat": "Persons x days: claims per person and day", "amounts": "Fund paid over time (weekly)",
        "weekly": "fund paid per week (yuan)", "cumulative": "cumulative (yuan)", "per_day": "claims per day (dates only)", "phone": "shared phone",
    },
}  # fmt: skip


def _font() -> dict[str, Any]:
    """Font keyword for matplotlib text: the CJK font when there is one."""
    from matplotlib import font_manager

    path = cjk_font()
    if path is None:
        return {}
    return {"fontproperties": font_manager.FontProperties(fname=str(path))}


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def _save(fig: Any, path: Path) -> Path:
    fig.savefig(path, dpi=DPI, metadata={"Software": None})
    return path


def draw_all(tables: PackTables, folder: Path, *, lang: str = "zh", seed: int = 0) -> list[Path]:
    """Draw the four figures into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    return [
        ring_graph(tables, folder / "ring_graph.png", lang=lang, seed=seed),
        arrival_timeline(tables, folder / "arrival_timeline.png", lang=lang),
        person_day_heatmap(tables, folder / "person_day_heatmap.png", lang=lang),
        amounts_over_time(tables, folder / "amounts_over_time.png", lang=lang),
    ]


def ring_graph(tables: PackTables, path: Path, *, lang: str = "zh", seed: int = 0) -> Path:
    """Persons, doctors and venues of the ring; edges are claims, coloured by role."""
    import networkx as nx

    L, font = LABELS[lang], _font()
    c, m = tables.claims, tables.members
    g = nx.Graph()
    roles = {(r.entity_type, r.entity_id): r.role for r in m.itertuples()}
    for (etype, eid), role in roles.items():
        g.add_node(eid, kind=etype, role=role)
    for (a, b), n in pd.concat([c[["person_id", "venue_id"]].set_axis(["a", "b"], axis=1),
                                c[["person_id", "doctor_id"]].dropna().set_axis(["a", "b"], axis=1)]).value_counts().items():  # fmt: skip
        if a in g and b in g:
            g.add_edge(a, b, weight=int(n))
    phones = m[(m["entity_type"] == "person") & m["phone"].notna()]
    shared = phones.groupby("phone")["entity_id"].apply(list)
    for phone, people in shared.items():
        if len(people) >= 3:
            g.add_node(phone, kind="phone", role="phone")
            for p in people:
                g.add_edge(p, phone, weight=1)
    fig = _figure(8, 6.5)
    ax = fig.add_subplot()
    pos = _layout(g)
    weights = np.array([d["weight"] for _, _, d in g.edges(data=True)], dtype=float)
    widths = 0.4 + 2.5 * weights / max(weights.max(), 1.0) if len(weights) else []
    nx.draw_networkx_edges(g, pos, ax=ax, width=widths, edge_color="#999999", alpha=0.6)
    groups = [("organizer", L["organizer"], 160), ("member", L["member"], 60), ("doctor", L["doctor"], 220),
              ("facility", L["facility"], 420), ("pharmacy", L["pharmacy"], 420), ("phone", L["phone"], 160)]  # fmt: skip
    for key, label, size in groups:
        nodes = [n for n, d in g.nodes(data=True) if _group(d) == key]
        if nodes:
            colour = ROLE_COLOURS.get(key, "#ff9896" if key == "member" else "#7f7f7f")
            shape = "s" if key in ("facility", "pharmacy") else ("^" if key == "doctor" else "o")
            nx.draw_networkx_nodes(g, pos, nodelist=nodes, ax=ax, node_color=colour, node_size=size,
                                   node_shape=shape, label=f"{label} ({len(nodes)})", edgecolors="white")  # fmt: skip
    named = {n: n for n, d in g.nodes(data=True) if d["kind"] in ("doctor", "facility", "pharmacy", "phone")}
    named.update({n: n for n, d in g.nodes(data=True) if d["role"] == "organizer"})
    nx.draw_networkx_labels(g, pos, labels=named, ax=ax, font_size=7)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, prop=font.get("fontproperties"), frameon=False)
    ax.set_title(L["graph"], **font)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return _save(fig, path)


def _layout(g: Any) -> dict:
    """Concentric circles: venues inside, then doctors and shared phones, persons, organizers outside."""
    shells: list[list] = [[], [], [], []]
    for n, d in sorted(g.nodes(data=True), key=lambda nd: str(nd[0])):
        index = {"facility": 0, "pharmacy": 0, "doctor": 1, "phone": 1, "member": 2, "organizer": 3}[_group(d)]
        shells[index].append(n)
    radius = {0: 0.0 if len(shells[0]) == 1 else 0.25, 1: 0.5, 2: 1.0, 3: 1.3}
    pos = {}
    for i, nodes in enumerate(shells):
        offset = 0.5 if i % 2 else 0.0
        for k, n in enumerate(nodes):
            angle = 2 * np.pi * (k + offset) / max(len(nodes), 1) + np.pi / 2
            pos[n] = np.array([radius[i] * np.cos(angle), radius[i] * np.sin(angle)])
    return pos


def _group(d: dict) -> str:
    if d["kind"] == "person":
        return "organizer" if d["role"] == "organizer" else "member"
    return str(d["kind"])


def arrival_timeline(tables: PackTables, path: Path, *, lang: str = "zh") -> Path:
    """Date x time of day of every claim, and the busiest day's arrivals minute by minute."""
    L, font = LABELS[lang], _font()
    c = tables.claims
    start = pd.to_datetime(c["start_time"], format="ISO8601")
    main = tables.venues["venue_id"].iloc[0] if len(tables.venues) else None
    # A date-only venue's claims (mixed resolution) have no time of day: they are not drawn at 00:00.
    timed = (c["start_time"].astype(str).str.len() > 10).to_numpy()
    at_main = (c["venue_id"] == main).to_numpy()
    fig = _figure(8, 6.5)
    top, bottom = fig.subplots(2, 1, height_ratios=[1.2, 1])
    if tables.time_resolution == "day" or not (at_main & timed).any():
        per_day = start.dt.normalize().value_counts().sort_index()
        top.bar(per_day.index, per_day.to_numpy(), width=1.0, color="#d62728")
        top.set_ylabel(L["per_day"], **font)
        bottom.set_axis_off()
    else:
        c, start, at_main = c[timed], start[timed], at_main[timed]
        hours = start.dt.hour + start.dt.minute / 60
        top.scatter(start.dt.normalize()[at_main], hours[at_main], s=8, color="#d62728", alpha=0.6,
                    label=f"{L['main']} {main}")  # fmt: skip
        if (~at_main).any():
            top.scatter(
                start.dt.normalize()[~at_main], hours[~at_main], s=8, color="#7f7f7f", alpha=0.5, label=L["other"]
            )
        top.set_ylim(24, 0)
        top.set_yticks([0, 6, 7, 12, 18, 19, 24])
        top.axhspan(0, 7, color="#eeeeee", zorder=0)
        top.axhspan(19, 24, color="#eeeeee", zorder=0)
        top.set_ylabel(L["time"], **font)
        top.legend(loc="upper right", fontsize=8, prop=font.get("fontproperties"))
        _busiest_day(bottom, c[at_main], start[at_main], L, font)
    top.set_title(L["timeline"], **font)
    top.set_xlabel(L["date"], **font)
    return _save(fig, path)


def _busiest_day(ax: Any, c: pd.DataFrame, start: pd.Series, L: dict, font: dict) -> None:
    if c.empty:
        ax.set_axis_off()
        return
    day = start.dt.normalize()
    busiest = day.value_counts().sort_index().idxmax()
    sel = (day == busiest).to_numpy()
    times = start[sel].sort_values()
    people = c.loc[times.index, "person_id"]
    order = {p: i for i, p in enumerate(dict.fromkeys(people))}
    ax.scatter(times, [order[p] for p in people], s=18, color="#d62728")
    ax.hlines([order[p] for p in people], times.min(), times, color="#dddddd", linewidth=0.5, zorder=0)
    if len(order) <= 40:
        ax.set_yticks(range(len(order)), list(order), fontsize=6)
    ax.invert_yaxis()
    ax.set_ylabel(L["person"], **font)
    span = int((times.max() - times.min()).total_seconds() // 60)
    ax.set_title(L["busiest"].format(day=busiest.date(), n=int(sel.sum()), span=span), **font)
    ax.set_xlabel(L["time"], **font)
    from matplotlib.dates import DateFormatter

    ax.xaxis.set_major_formatter(DateFormatter("%H:%M"))


def person_day_heatmap(tables: PackTables, path: Path, *, lang: str = "zh") -> Path:
    """Persons (rows, by first claim) x calendar days (columns): claims per cell."""
    L, font = LABELS[lang], _font()
    c = tables.claims
    day = pd.to_datetime(c["day"])
    first, last = day.min(), day.max()
    col = (day - first).dt.days.to_numpy()
    persons = c.assign(_d=day).groupby("person_id")["_d"].min().sort_values(kind="stable").index
    row = pd.Index(persons).get_indexer(c["person_id"])
    grid = np.zeros((len(persons), int((last - first).days) + 1))
    np.add.at(grid, (row, col), 1)
    fig = _figure(8, max(3.0, min(7.5, 1.5 + 0.09 * len(persons))))
    ax = fig.add_subplot()
    image = ax.imshow(grid, aspect="auto", interpolation="nearest", cmap="Reds", vmin=0, vmax=max(1.0, grid.max()))
    ticks = pd.date_range(first, last, freq="MS")
    if len(ticks) < 2:
        ticks = pd.date_range(first, last, periods=min(5, grid.shape[1]))
    ax.set_xticks([(t - first).days for t in ticks], [t.strftime("%Y-%m-%d") for t in ticks], rotation=45, fontsize=7)
    if len(persons) <= 50:
        ax.set_yticks(range(len(persons)), list(persons), fontsize=5)
    else:
        ax.set_yticks([])
    ax.set_ylabel(L["person"], **font)
    ax.set_title(L["heat"], **font)
    fig.colorbar(image, ax=ax, shrink=0.8)
    return _save(fig, path)


def amounts_over_time(tables: PackTables, path: Path, *, lang: str = "zh") -> Path:
    """Fund paid per week (bars) and cumulative (line)."""
    L, font = LABELS[lang], _font()
    c = tables.claims
    day = pd.to_datetime(c["day"])
    weekly = c["fund_amount"].astype(float).groupby(day.dt.to_period("W").dt.start_time).sum().sort_index()
    fig = _figure(8, 3.6)
    ax = fig.add_subplot()
    ax.bar(weekly.index, weekly.to_numpy(), width=6, color="#ff7f0e", label=L["weekly"])
    ax.set_ylabel(L["weekly"], **font)
    twin = ax.twinx()
    twin.plot(weekly.index, weekly.cumsum().to_numpy(), color="#1f77b4", linewidth=1.5)
    twin.set_ylabel(L["cumulative"], color="#1f77b4", **font)
    ax.set_title(L["amounts"], **font)
    ax.set_xlabel(L["date"], **font)
    return _save(fig, path)
