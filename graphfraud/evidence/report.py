"""The pack's report: a small document model, rendered to report.html and to report.pdf (reportlab).

:func:`document` lays out the content (cover, reasons, figures, members,
summaries, method, reproduction) as a list of blocks; :func:`write_html` and
:func:`write_pdf` render the same blocks, so the two never disagree.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from graphfraud.evidence import wording
from graphfraud.score.wording import term
from graphfraud.evidence.tables import PackTables


@dataclass(frozen=True)
class Block:
    """One piece of the report: ``kind`` is title, h1, h2, p, kv, list, table, image or pagebreak."""

    kind: str
    text: str = ""
    rows: list = field(default_factory=list)  # kv: (key, value); list: items; table: header row then rows
    path: str = ""  # image: path relative to the pack


@dataclass(frozen=True)
class ReportContext:
    ring: dict
    tables: PackTables
    run: dict
    lang: str
    masked: bool
    figures: list[str]
    generated_at: str
    version: str
    signed_by: str | None = None  # fingerprint of the signing key (sign.fingerprint), None when unsigned


T = {
    "zh": {
        "title": "医保基金欺诈嫌疑团伙 证据材料", "ring": "团伙编号", "alert": "预警等级", "typology": "类型",
        "score": "可疑分值", "rank": "排名", "period": "时间范围", "fund": "涉及基金支付", "total": "医疗费总额",
        "claims": "可疑结算笔数", "members": "成员", "generated": "生成时间", "version": "软件版本",
        "masked": "个人标识", "masked_yes": "已脱敏（同一人在本材料中始终对应同一代号）", "masked_no": "未脱敏（--unmask）",
        "reasons": "一、可疑理由", "check": "核对方法", "figures": "二、图示", "members_h": "三、成员名单与角色",
        "persons_h": "四、参保人逐人汇总", "venues_h": "五、机构 / 药店汇总", "method": "六、方法与参数",
        "reproduce": "七、复核与重现", "files": "八、材料清单", "yuan": "元",
        "counts": "{persons} 名参保人，{doctors} 名医师，{facilities} 家医疗机构，{pharmacies} 家药店",
        "col_type": "类别", "col_id": "编号", "col_role": "角色", "col_name": "名称/姓名", "col_region": "区划",
        "col_claims": "结算笔数", "col_claims_days": "笔数 / 天数", "col_fund": "基金支付(元)", "col_days": "天数", "col_first": "首次", "col_last": "末次", "col_period": "首次 / 末次",
        "col_phone": "手机号", "col_address": "住址", "col_all": "机构全部结算", "col_share": "团伙占比",
        "col_kind": "类别", "col_owner": "性质", "col_venues": "就诊机构",
        "fig_graph": "图1 团伙关系图", "fig_timeline": "图2 到达时间线", "fig_heat": "图3 参保人×日期热力图",
        "fig_amounts": "图4 基金支付随时间变化",
        "none": "无",
        "signed": "签名公钥指纹", "unsigned": "未签名：只能校验完整性，不能证明材料出自医保局",
        "how_verify": "核验方法", "verify_cmd": "graphfraud verify {rid}.zip --key bureau.pub.pem（医保局签名公钥，见第七节）",
        "verify_unsigned": "graphfraud verify {rid}.zip --allow-unsigned（见第七节）",
    },
    "en": {
        "title": "Evidence pack: suspect medical-insurance fraud ring", "ring": "Ring id", "alert": "Alert",
        "typology": "Typology", "score": "Score", "rank": "Rank", "period": "Period", "fund": "Fund at stake",
        "total": "Total billed", "claims": "Suspect claims", "members": "Members", "generated": "Generated",
        "version": "Software version", "masked": "Personal identifiers",
        "masked_yes": "masked (the same person keeps the same code throughout this pack)",
        "masked_no": "not masked (--unmask)", "reasons": "1. Why this ring is suspicious", "check": "How to check",
        "figures": "2. Pictures", "members_h": "3. Members and roles", "persons_h": "4. Per-person summary",
        "venues_h": "5. Per-venue summary", "method": "6. Method and parameters", "reproduce": "7. Verify and reproduce",
        "files": "8. Files of this pack", "yuan": "yuan",
        "counts": "{persons} persons, {doctors} doctors, {facilities} facilities, {pharmacies} pharmacies",
        "col_type": "type", "col_id": "id", "col_role": "role", "col_name": "name", "col_region": "region",
        "col_claims": "claims", "col_claims_days": "claims / days", "col_fund": "fund (yuan)", "col_days": "days", "col_first": "first", "col_last": "last", "col_period": "first / last",
        "col_phone": "phone", "col_address": "address", "col_all": "all claims at venue", "col_share": "ring share",
        "col_kind": "kind", "col_owner": "ownership", "col_venues": "venues",
        "fig_graph": "Figure 1. Ring subgraph", "fig_timeline": "Figure 2. Arrival timeline",
        "fig_heat": "Figure 3. Persons x days", "fig_amounts": "Figure 4. Fund paid over time",
        "none": "none",
        "signed": "Key fingerprint", "unsigned": "not signed: integrity can be checked, authenticity cannot",
        "how_verify": "How to verify", "verify_cmd": "graphfraud verify {rid}.zip --key bureau.pub.pem (the bureau's "
        "public key; see section 7)", "verify_unsigned": "graphfraud verify {rid}.zip --allow-unsigned (see section 7)",
    },
}  # fmt: skip

FIGURE_TITLES = {"ring_graph": "fig_graph", "arrival_timeline": "fig_timeline",
                 "person_day_heatmap": "fig_heat", "amounts_over_time": "fig_amounts"}  # fmt: skip


def _money(x: float) -> str:
    return f"{float(x):,.2f}"


def document(ctx: ReportContext) -> list[Block]:
    """The report as blocks, in ``ctx.lang``."""
    t, lang, r, tab = T[ctx.lang], ctx.lang, ctx.ring, ctx.tables
    c = tab.claims
    period = f"{c['day'].min()} — {c['day'].max()}" if len(c) else t["none"]
    blocks = [
        Block("title", t["title"]),
        Block(
            "kv",
            rows=[
                (t["ring"], r["ring_id"]),
                (t["alert"], term("alert", r["alert"], lang)),
                (t["typology"], term("typology", r["typology"], lang)),
                (t["score"], f"{float(r['score']):.2f}"),
                (t["rank"], str(r["rank"])),
                (t["period"], period),
                (t["fund"], f"{_money(c['fund_amount'].sum())} {t['yuan']}"),
                (t["total"], f"{_money(c['total_amount'].sum())} {t['yuan']}"),
                (t["claims"], str(len(c))),
                (
                    t["members"],
                    t["counts"].format(**{k: r[k] for k in ("persons", "doctors", "facilities", "pharmacies")}),
                ),
                (t["masked"], t["masked_yes"] if ctx.masked else t["masked_no"]),
                (t["generated"], ctx.generated_at),
                (t["version"], f"graphfraud {ctx.version}"),
                (t["signed"], ctx.signed_by or t["unsigned"]),
                (t["how_verify"], t["verify_cmd" if ctx.signed_by else "verify_unsigned"].format(rid=r["ring_id"])),
            ],
        ),  # fmt: skip
        Block("h1", t["reasons"]),
        Block("list", rows=_reasons(ctx)),
        Block("pagebreak"),
        Block("h1", t["figures"]),
    ]
    for rel in ctx.figures:
        blocks += [Block("h2", t[FIGURE_TITLES[Path(rel).stem]]), Block("image", path=rel)]
    blocks += [Block("pagebreak"), Block("h1", t["members_h"]), Block("table", rows=_members(ctx))]
    blocks += [Block("h1", t["persons_h"]), Block("table", rows=_persons(ctx))]
    blocks += [Block("h1", t["venues_h"]), Block("table", rows=_venues(ctx))]
    blocks += [Block("h1", t["method"]), Block("p", _method(ctx))]
    off = _signals_off(ctx)
    if off:
        blocks.append(Block("p", off))
    blocks += [Block("h1", t["reproduce"])] + [Block("p", p) for p in _reproduce(ctx)]
    return blocks


def _reasons(ctx: ReportContext) -> list[tuple[str, str]]:
    """(sentence, how to check it) per reason."""
    t = T[ctx.lang]
    sep = "：" if ctx.lang == "zh" else ": "
    out = []
    for row in ctx.tables.reasons.itertuples():
        w = wording.say(row.code, row.args, ctx.lang, text=row.text)
        out.append((w.text, f"{t['check']}{sep}{w.check}" if w.check else ""))
    return out


def _members(ctx: ReportContext) -> list[list[str]]:
    t, lang = T[ctx.lang], ctx.lang
    m = ctx.tables.members
    head = [t["col_type"], t["col_id"], t["col_role"], t["col_name"], t["col_claims"], t["col_fund"]]
    rows = [head]
    for x in m.itertuples():
        rows.append([term("entity_type", x.entity_type, lang), x.entity_id,
                     term("role", x.role, lang), _s(x.name), str(x.claims), _money(x.fund_amount)])  # fmt: skip
    return rows


def _persons(ctx: ReportContext) -> list[list[str]]:
    t = T[ctx.lang]
    m = ctx.tables.members
    p = m[m["entity_type"] == "person"]
    c = ctx.tables.claims
    venues = c.groupby("person_id")["venue_id"].agg(lambda s: ", ".join(sorted(set(s))))
    head = [t["col_id"], t["col_role"], t["col_region"], t["col_phone"], t["col_address"], t["col_claims_days"],
            t["col_fund"], t["col_period"], t["col_venues"]]  # fmt: skip
    rows = [head]
    for x in p.itertuples():
        rows.append([x.entity_id, term("role", x.role, ctx.lang), _s(x.region), _s(x.phone), _s(x.address),
                     f"{x.claims} / {x.days}", _money(x.fund_amount), f"{_s(x.first_claim)} {_s(x.last_claim)}".strip(),
                     venues.get(x.entity_id, "")])  # fmt: skip
    return rows


def _venues(ctx: ReportContext) -> list[list[str]]:
    t = T[ctx.lang]
    head = [t["col_id"], t["col_name"], t["col_kind"], t["col_owner"], t["col_region"], t["col_claims"], t["col_fund"],
            t["col_all"], t["col_share"]]  # fmt: skip
    rows = [head]
    for x in ctx.tables.venues.itertuples():
        share = f"{x.ring_claims / x.all_claims:.0%}" if x.all_claims else ""
        kind = _s(x.kind) or x.venue_type
        rows.append([x.venue_id, _s(x.name), term("venue_kind", kind, ctx.lang) if kind else "",
                     term("ownership", x.ownership, ctx.lang) if _s(x.ownership) else "", _s(x.region),
                     str(x.ring_claims), _money(x.ring_fund), str(x.all_claims), share])  # fmt: skip
    return rows


def _s(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _method(ctx: ReportContext) -> str:
    p = ctx.run.get("parameters", {})
    cv, ca, st, sc = (p.get(k, {}) for k in ("covisit", "coadmit", "steering", "score"))
    seed = ctx.run.get("seed", p.get("seed"))
    res = ctx.run.get("time_resolution", ctx.tables.time_resolution)
    if ctx.lang == "zh":
        return (
            f"本团伙由 graphfraud {ctx.run.get('version', ctx.version)} 从结算数据中自动发现：把在 {cv.get('window_minutes')} 分钟内"
            f"先后到达同一机构的参保人连成共同就诊网络（每人最多 {cv.get('max_neighbours')} 个邻居，至少 {cv.get('min_days')} 天），"
            f"用带随机种子 {seed} 的 Leiden 社区发现（分辨率 {cv.get('resolution')}）分组；另以同日集体入院（至少 {ca.get('min_times')} 次）"
            f"和医师—药店引流（就诊后 {st.get('follow_days')} 天内购药，占比至少 {st.get('min_share')}、倍数至少 {st.get('min_lift')}、"
            f"z 值至少 {st.get('min_z')}）补充候选。每个候选按同步性、费用与同类结算对比、共用手机号、异地参保、非工作时间、高价项目、"
            f"药品追溯码重复、死亡后结算、分解住院和涉及金额打分，分值 ≥ {sc.get('red')} 为红色、≥ {sc.get('orange')} 为橙色预警；"
            f"透析队列、养老机构巡诊、家庭医生签约随访与儿童保健日、家庭和一次性体检等合理密集就诊被单独列出，不计入。时间精度：{term('time_resolution', res, 'zh')}。"
            f"所有参数见 run.json。可疑并非定论：需经现场核查与调查核实。"
        )
    return (
        f"graphfraud {ctx.run.get('version', ctx.version)} found this ring in the settlement data: persons arriving at the same "
        f"venue within {cv.get('window_minutes')} minutes are linked (at most {cv.get('max_neighbours')} neighbours each, on at "
        f"least {cv.get('min_days')} days) and grouped with seeded Leiden (seed {seed}, resolution {cv.get('resolution')}); "
        f"repeated group admissions (at least {ca.get('min_times')} times) and doctor-to-pharmacy steering (purchase within "
        f"{st.get('follow_days')} days of a visit, share >= {st.get('min_share')}, lift >= {st.get('min_lift')}, z >= "
        f"{st.get('min_z')}) add candidates. Each candidate is scored on synchrony, cost against similar claims, shared "
        f"phones, out-of-region holders, off-hours claims, high-value items, resold drug boxes, claims after death, split "
        f"admissions and money; score >= {sc.get('red')} is red, >= {sc.get('orange')} orange. Dialysis cohorts, "
        f"nursing-home rounds, family-doctor follow-up and child-health days, households and one-off check-ups are "
        f"reported apart as legitimate dense care. Time "
        f"resolution: {res}. All parameters are in run.json. A suspicion is not a finding: on-site checks and "
        f"investigation must confirm it."
    )


def _signals_off(ctx: ReportContext) -> str:
    """The signals this data could not support (run.json's ``signals_off``), or "" when none were off."""
    from graphfraud.signals import SIGNALS

    off = ctx.run.get("signals_off") or {}
    if not off:
        return ""
    if ctx.lang == "zh":
        named = "；".join(f"{SIGNALS[k].zh if k in SIGNALS else k}（{k}：{why}）" for k, why in off.items())
        return f"本数据不支持、因而未启用的信号：{named}。未启用的信号既不加分也不排除嫌疑。"
    named = "; ".join(f"{k} ({why})" for k, why in off.items())
    return f"Signals this data cannot support, switched off: {named}. A signal switched off neither adds nor clears suspicion."


def _reproduce(ctx: ReportContext) -> list[str]:
    rid = ctx.ring["ring_id"]
    seed = ctx.run.get("seed", 0)
    if ctx.lang == "zh":
        return [
            _verify_step(ctx),
            f"2. 重现检测：用 run.json 中记录哈希的同一批输入文件，执行 graphfraud detect DATA_DIR --out OUT --seed {seed} --params params.json"
            "（params.json 为 run.json 的 parameters 部分），同样的输入与参数得到同样的团伙编号与排名。",
            f"3. 重新生成本材料：graphfraud evidence OUT {rid} --data DATA_DIR。",
            "4. 在 Neo4j Browser 中查看：导入数据与团伙后运行 query.cypher。",
            "5. 逐条核对：claims.csv 为本团伙全部可疑结算；baselines.csv、venues.csv、steering.csv、peers.csv 为理由中用到的团伙外对比基线"
            "（反复住院与冒用医保卡两类理由由 graphfraud verify 按 peers.csv 重算核对）。",
        ]
    return [
        _verify_step(ctx),
        f"2. Reproduce detection: with the input files whose hashes run.json records, run graphfraud detect DATA_DIR --out OUT "
        f"--seed {seed} --params params.json (the parameters part of run.json); the same input and parameters give the same "
        "ring ids and ranks.",
        f"3. Make this pack again: graphfraud evidence OUT {rid} --data DATA_DIR.",
        "4. See the ring in Neo4j Browser: after loading the data and rings, run query.cypher.",
        "5. Check each statement: claims.csv holds every suspect claim of the ring; baselines.csv, venues.csv, "
        "steering.csv and peers.csv hold the baselines from outside the ring that the reasons use (graphfraud verify "
        "recomputes the repeat-stay and misused-card reasons from peers.csv).",
    ]


def _verify_step(ctx: ReportContext) -> str:
    """How to check the pack's signature and files, with the fingerprint to compare."""
    rid, fp = ctx.ring["ring_id"], ctx.signed_by
    if ctx.lang == "zh":
        if fp is None:
            return (
                f"1. 校验完整性：graphfraud verify {rid} --allow-unsigned（或 {rid}.zip）。本材料未签名："
                "manifest.json 记录了每个文件及原始输入文件的 SHA-256，能发现改动，但不能证明材料出自医保局。"
            )
        return (
            f"1. 校验签名与完整性：graphfraud verify {rid}.zip --key bureau.pub.pem（或材料文件夹 {rid}）。"
            "bureau.pub.pem 是医保局经可信渠道（联络函、电话）提供的签名公钥文件。结果应为 "
            f"“OK, signature valid, signed by {fp}”，且该指纹与封面“签名公钥指纹”一致，并与医保局告知的指纹逐组核对；"
            "manifest.json 记录了本材料每个文件及原始输入文件的 SHA-256，并由该公钥对应的私钥签名，任何改动都会被指出。"
        )
    if fp is None:
        return (
            f"1. Check integrity: graphfraud verify {rid} --allow-unsigned (or {rid}.zip). This pack is not signed: "
            "manifest.json holds the SHA-256 of every file and of the input files, which finds changes but does not "
            "prove that the bureau made the pack."
        )
    return (
        f"1. Check the signature and every file: graphfraud verify {rid}.zip --key bureau.pub.pem (or the folder "
        f"{rid}), where bureau.pub.pem is the bureau's public key, received through a channel you trust (the "
        f'liaison letter, a phone call). It must say "OK, signature valid, signed by {fp}", the key fingerprint on '
        "the cover, which you compare group by group with the one the bureau gave you. manifest.json holds the "
        "SHA-256 of every file of this pack and of the input files and is signed with the bureau's key; any "
        "change is named."
    )


# ---------------------------------------------------------------- HTML

CSS = """
body { font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
h1.title { font-size: 1.6em; border-bottom: 3px solid #b22222; padding-bottom: .3em; }
h1 { font-size: 1.25em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
h2 { font-size: 1.05em; }
table { border-collapse: collapse; font-size: .85em; margin: .5em 0; }
th, td { border: 1px solid #bbb; padding: .2em .5em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
table.kv th { width: 10em; }
img { max-width: 100%; border: 1px solid #ddd; }
li { margin: .5em 0; }
small.check { color: #666; }
"""


def write_html(blocks: list[Block], path: Path, *, lang: str = "zh") -> Path:
    """Render ``blocks`` as a standalone HTML page (figures linked by relative path)."""
    e = html.escape
    parts = [f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head><meta charset="utf-8">',
             f"<title>{e(blocks[0].text)}</title><style>{CSS}</style></head>\n<body>"]  # fmt: skip
    for b in blocks:
        if b.kind == "title":
            parts.append(f'<h1 class="title">{e(b.text)}</h1>')
        elif b.kind in ("h1", "h2"):
            parts.append(f"<{b.kind}>{e(b.text)}</{b.kind}>")
        elif b.kind == "p":
            parts.append(f"<p>{e(b.text)}</p>")
        elif b.kind == "kv":
            rows = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in b.rows)
            parts.append(f'<table class="kv">{rows}</table>')
        elif b.kind == "list":
            items = (f"<li>{e(text)}" + (f'<br><small class="check">{e(note)}</small>' if note else "") + "</li>"
                     for text, note in b.rows)  # fmt: skip
            parts.append("<ol>" + "".join(items) + "</ol>")
        elif b.kind == "table":
            head = "".join(f"<th>{e(x)}</th>" for x in b.rows[0])
            body = "".join("<tr>" + "".join(f"<td>{e(x)}</td>" for x in r) + "</tr>" for r in b.rows[1:])
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif b.kind == "image":
            parts.append(f'<p><img src="{e(b.path)}" alt="{e(b.path)}"></p>')
    parts.append("</body>\n</html>\n")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


# ---------------------------------------------------------------- PDF


def _widths(rows: list[list], total: float, *, font: str, size: float) -> list[float]:
    """Column widths that fit ``total``: every column gets its longest word, the rest goes to long cells."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    def width(text: str) -> float:
        return stringWidth(text, font, size) + 14  # cell padding is 6 + 6 points

    cols = range(len(rows[0]))
    natural = [max(width(str(r[i])) for r in rows) for i in cols]
    least = [max(width(w) for r in rows[1:] or rows for w in str(r[i]).split() or [""]) for i in cols]
    if sum(least) > total:
        return [total * w / sum(least) for w in least]
    spare, want = total - sum(least), [n - m for n, m in zip(natural, least)]
    share = min(1.0, spare / sum(want)) if sum(want) > 0 else 0.0
    out = [m + w * share for m, w in zip(least, want)]
    return [w * total / sum(out) for w in out]


def write_pdf(blocks: list[Block], path: Path, *, root: Path, font: Path | None, title: str = "") -> Path:
    """Render ``blocks`` as an A4 PDF with reportlab, embedding a subset of ``font`` (Chinese glyphs).

    Raises
    ------
    GraphfraudError
        reportlab is not installed (``pip install graphfraud[report]``).
    """
    try:
        from reportlab.lib import colors
        from reportlab.lib.enums import TA_LEFT
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.lib.units import mm
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont
        from reportlab.platypus import (
            Image,
            KeepTogether,
            ListFlowable,
            ListItem,
            PageBreak,
            Paragraph,
            SimpleDocTemplate,
            Spacer,
            Table,
            TableStyle,
        )
    except ImportError as exc:  # pragma: no cover - depends on the install
        from graphfraud.errors import GraphfraudError

        raise GraphfraudError("report.pdf needs reportlab: pip install 'graphfraud[report]'") from exc

    name = "Helvetica"
    if font is not None:
        name = "GraphfraudCJK"
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(font), subfontIndex=0))
    base = dict(fontName=name, alignment=TA_LEFT, wordWrap="CJK")
    styles = {
        "title": ParagraphStyle(
            "title", fontSize=18, leading=24, spaceAfter=10, textColor=colors.HexColor("#b22222"), **base
        ),
        "h1": ParagraphStyle("h1", fontSize=13.5, leading=18, spaceBefore=10, spaceAfter=6, **base),
        "h2": ParagraphStyle("h2", fontSize=11, leading=15, spaceBefore=6, spaceAfter=3, **base),
        "p": ParagraphStyle("p", fontSize=9.5, leading=14, spaceAfter=4, **base),
        "cell": ParagraphStyle("cell", fontSize=6.5, leading=8.5, **base),
        "note": ParagraphStyle("note", fontSize=8, leading=11, textColor=colors.HexColor("#555555"), **base),
        "kv": ParagraphStyle("kv", fontSize=10, leading=14, **base),
    }
    width = A4[0] - 36 * mm
    story: list = []
    e = html.escape
    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                       ("VALIGN", (0, 0), (-1, -1), "TOP"), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee"))])  # fmt: skip
    heading = None
    for b in blocks:
        if b.kind == "h2":
            heading = Paragraph(e(b.text), styles["h2"])  # kept on the page of what follows
            continue
        if heading is not None and b.kind != "image":
            story.append(heading)
            heading = None
        if b.kind in ("title", "h1", "p"):
            story.append(Paragraph(e(b.text), styles[b.kind]))
        elif b.kind == "kv":
            rows = [[Paragraph(e(k), styles["kv"]), Paragraph(e(v), styles["kv"])] for k, v in b.rows]
            kv = Table(rows, colWidths=[38 * mm, width - 38 * mm])
            kv.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                                    ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eeeeee"))]))  # fmt: skip
            story.append(kv)
        elif b.kind == "list":
            items = [ListItem([Paragraph(e(text), styles["p"])] + ([Paragraph(e(note), styles["note"])] if note else []))
                     for text, note in b.rows]  # fmt: skip
            story.append(ListFlowable(items, bulletType="1", bulletFontName=name, bulletFontSize=9))
        elif b.kind == "table":
            rows = [[Paragraph(e(str(x)), styles["cell"]) for x in r] for r in b.rows]
            table = Table(rows, repeatRows=1, colWidths=_widths(b.rows, width, font=name, size=6.5))
            table.setStyle(grid)
            story.append(table)
        elif b.kind == "image":
            img = Image(str(root / b.path))
            scale = min(width / img.imageWidth, (A4[1] * 0.55) / img.imageHeight)
            img.drawWidth, img.drawHeight = img.imageWidth * scale, img.imageHeight * scale
            story.append(KeepTogether([x for x in (heading, img, Spacer(1, 4 * mm)) if x is not None]))
            heading = None
        elif b.kind == "pagebreak":
            story.append(PageBreak())

    def footer(canvas, doc) -> None:  # noqa: ANN001 - reportlab callback
        canvas.saveState()
        canvas.setFont(name, 7.5)
        canvas.drawString(18 * mm, 10 * mm, title)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, str(doc.page))
        canvas.restoreState()

    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=title, author="graphfraud", invariant=1)  # fmt: skip
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return path
