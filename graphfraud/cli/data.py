"""``graphfraud synth`` and ``graphfraud validate`` (issue 2): write a synthetic claims directory, check a real one."""

from __future__ import annotations

from typing import Any

import click

from graphfraud.cli.common import audited, main, progress, quiet_option, read_logged, read_options, user_errors
from graphfraud.contract import TYPOLOGY_TABLE


@main.command("synth")
@click.argument("out_dir", type=click.Path(file_okay=False))
@click.option("--persons", type=int, default=5000, show_default=True, help="Insured persons in the ordinary world.")
@click.option("--days", type=int, default=365, show_default=True, help="Length of the period, days.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of every random draw.")
@click.option("--start", default="2024-01-01", show_default=True, help="First day of the period (YYYY-MM-DD).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "parquet"]),
    default="csv",
    show_default=True,
    help="File format of the tables.",
)
@click.option("--date-only", is_flag=True, help="Write dates without time of day (a day-resolution export).")
@click.option(
    "--plant",
    default=None,
    metavar="KIND,...",
    help="Typologies and benign kinds to plant (default: all): "
    + ", ".join(t.name for t in TYPOLOGY_TABLE.values() if t.planter)
    + ", dialysis, nursing_home, family, checkup.",
)
@click.option(
    "--rings",
    "rings",
    type=int,
    default=None,
    help="Groups per planted kind [default: max(1, round(persons / 15000))].",
)
@click.option("--ring-size-scale", type=float, default=1.0, show_default=True, help="Multiplier on group sizes.")
@click.option(
    "--city",
    default="3502",
    show_default=True,
    help="4-digit city code heading the district (pooling-region) codes; venue and doctor ids carry it.",
)
@click.option(
    "--id-prefix",
    default="",
    metavar="TEXT",
    help="Letters/digits heading person, claim and ring ids, phone/address keys and trace codes, "
    "so worlds of several cities can be concatenated into one province.",
)
@click.option(
    "--vary",
    is_flag=True,
    help="Robustness worlds (issue 14): each group draws pool size, attendance, arrival gaps, cycle and "
    "recruiting from wide ranges; the world drops optional columns, may be date-only or keep 4-decimal "
    "unit prices, all drawn from the seed; what was drawn goes to world.json.",
)
@quiet_option
@user_errors
def synth_cmd(
    out_dir: str,
    persons: int,
    days: int,
    seed: int,
    start: str,
    fmt: str,
    date_only: bool,
    plant: str | None,
    rings: int | None,
    ring_size_scale: float,
    city: str,
    id_prefix: str,
    vary: bool,
    quiet: bool,
) -> None:
    """Write a seeded synthetic claims world with planted fraud rings and benign dense groups.

    OUT_DIR receives persons, facilities, pharmacies, doctors, claims,
    claim_items and labels (ground truth, for `evaluate`) as CSV or Parquet.
    The same options give byte-identical files.

    \b
    Example:
      graphfraud synth data/world --persons 5000 --days 365 --seed 7
      graphfraud synth data/cc --persons 3000 --plant card_collector,dialysis --format parquet
      graphfraud synth data/quanzhou --persons 5000 --city 3505 --id-prefix 3505 --seed 2
      graphfraud synth data/varied --persons 30000 --seed 4 --vary
    """
    import json
    import time
    from collections import Counter

    from graphfraud.synth import SynthParams, build_world, write_world

    log = progress(quiet)
    kwargs: dict[str, Any] = {}
    if plant is not None:
        kwargs["plant"] = tuple(p.strip() for p in plant.split(",") if p.strip())
    params = SynthParams(
        persons=persons,
        days=days,
        seed=seed,
        start=start,
        date_only=date_only,
        rings_per_typology=rings,
        ring_size_scale=ring_size_scale,
        city=city,
        id_prefix=id_prefix,
        vary=vary,
        **kwargs,
    )
    t0 = time.perf_counter()
    log(f"building a world of {persons} persons over {days} days (seed {seed})")
    world = build_world(params)
    data, labels = world.data, world.labels
    log(f"built in {time.perf_counter() - t0:.1f}s; writing {fmt} to {out_dir}")
    write_world(data, labels, out_dir, fmt=fmt, drop=world.variation.drop)
    if vary:
        from pathlib import Path

        text = json.dumps(world.record(), indent=2, ensure_ascii=False) + "\n"
        Path(out_dir, "world.json").write_text(text, encoding="utf-8")
    log(f"done in {time.perf_counter() - t0:.1f}s")
    for name in ("persons", "facilities", "pharmacies", "doctors", "claims", "claim_items"):
        click.echo(f"{name}: {len(data.table(name))}")
    click.echo(f"labels: {len(labels)}")
    groups = labels.drop_duplicates("ring_id")
    counts = Counter(groups.typology.tolist())
    for kind in params.plant:
        click.echo(f"planted {kind}: {counts.get(kind, 0)}")


def _validate_summary(data_dir: str, data: Any) -> dict[str, Any]:
    from graphfraud.contract import INPUT_TABLES
    from graphfraud.signals import support

    claims = data.claims
    first, last = claims.start_time.min(), claims.start_time.max()
    return {
        "data_dir": data_dir,
        "rows": {t.name: len(data.table(t.name)) for t in INPUT_TABLES},
        "files": sorted(data.source),
        "claims_from": None if claims.empty else str(first.date()),
        "claims_to": None if claims.empty else str(last.date()),
        "time_resolution": data.time_resolution,
        **({"date_only": _date_only(data)} if data.date_only_venues else {}),
        "total_amount": round(float(claims.total_amount.sum()), 2),
        "fund_amount": round(float(claims.fund_amount.sum()), 2),
        "skipped": data.skipped,
        "data_quality": [w.record() for w in data.warnings],
        **support(data).record(),
    }


def _date_only(data: Any) -> dict[str, int]:
    """``{"venues": n, "claims": n}`` whose claims carry dates only in a mixed-resolution table."""
    venue = data.claims["facility_id"].fillna(data.claims["pharmacy_id"])
    return {"venues": len(data.date_only_venues), "claims": int(venue.isin(data.date_only_venues).sum())}


def _print_validate_summary(s: dict[str, Any]) -> None:
    skipped = sum(n for counts in s["skipped"].values() for n in counts.values())
    verdict = f"valid after skipping {skipped} rows" if skipped else "valid"
    warned = sum(w["rows"] for w in s["data_quality"])
    verdict += f", with {warned:,} rows of data-quality warnings" if warned else ""
    click.echo(f"{s['data_dir']}: {verdict}")
    for name, n in s["rows"].items():
        click.echo(f"  {name:<12} {n:>12,} rows")
    if s["claims_from"]:
        click.echo(
            f"claims from {s['claims_from']} to {s['claims_to']}, {s['time_resolution']} resolution"
            + {"minute": "", "day": " (dates only: minute-level signals off)"}.get(s["time_resolution"], "")
        )
    if "date_only" in s:
        d = s["date_only"]
        click.echo(
            f"  {d['venues']:,} venues export dates only ({d['claims']:,} claims): no arrival times (dates, or one "
            "batch upload's time a day); they pair by the day and are left out of minute-level signals (arrival "
            "gaps, off-hours)"
        )
    share = f" ({100 * s['fund_amount'] / s['total_amount']:.1f}% of total)" if s["total_amount"] else ""
    click.echo(f"total amount {s['total_amount']:,.2f} yuan; fund paid {s['fund_amount']:,.2f} yuan{share}")
    if s["skipped"]:
        click.echo("skipped rows (--lenient):")
        for file, counts in s["skipped"].items():
            click.echo(f"  {file}: " + ", ".join(f"{n:,} {reason}" for reason, n in counts.items()))
    if s["data_quality"]:
        click.echo("data-quality warnings (rows kept; an audit finding, not a refusal):")
        for w in s["data_quality"]:
            rows = ", ".join(str(e["row"]) for e in w["examples"]) + (", ..." if w["rows"] > len(w["examples"]) else "")
            click.echo(f"  WARNING {w['file']}: {w['rows']:,} rows {w['check']} (rows {rows})")
            for e in w["examples"][:3]:
                click.echo(f"    row {e['row']}: {e['message']}")
    if s["signals_off"]:
        click.echo("signals off for this data: " + ", ".join(f"{k} ({v})" for k, v in s["signals_off"].items()))


@main.command("validate")
@click.argument("data_dir", type=click.Path(file_okay=False))
@read_options
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@quiet_option
@audited()
@user_errors
def validate_cmd(data_dir: str, read_params: Any, as_json: bool, quiet: bool) -> None:
    """Check a claims directory against the data contract and summarise it.

    Reads every table of DATA_DIR (persons, facilities, pharmacies, doctors,
    claims, optional claim_items; .csv or .parquet), checks every rule of the
    data contract and prints rows per table, the claim date range, the time
    resolution and the amounts.  A file that breaks the contract is reported
    with file, row and column of every problem (exit 1); --lenient skips such
    rows and reports how many were skipped and why.

    \b
    Example:
      graphfraud validate data/xiamen-2024q1
      graphfraud validate exports/2024-03 --mapping nhsa --encoding gbk --lenient
    """
    import json

    data = read_logged(data_dir, read_params, progress(quiet))
    summary = _validate_summary(data_dir, data)
    if as_json:
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        _print_validate_summary(summary)


@main.group("audit")
def audit_group() -> None:
    """The audit log of commands that read claims data or publish results.

    \b
    Example:
      graphfraud audit verify
      graphfraud --audit-log /var/log/graphfraud/audit.jsonl audit verify
    """


@audit_group.command("verify")
@click.pass_context
@user_errors
def audit_verify_cmd(ctx: click.Context) -> None:
    """Check the audit log's hash chain: every line complete, none edited, deleted or inserted.

    Prints the number of lines and the head hash (keep it elsewhere: deleting
    the last lines leaves a shorter chain that is still valid); exits 1 and
    names each broken line otherwise.

    \b
    Example:
      graphfraud audit verify
    """
    from graphfraud import audit

    path = ctx.find_root().meta.get("graphfraud.audit_log") or audit.default_path()
    try:
        result = audit.verify_log(path)
    except OSError as exc:
        raise click.ClickException(f"cannot read the audit log {path}: {exc.strerror or exc}") from None
    older = f" ({result.unchained} older unchained lines at its start)" if result.unchained else ""
    if not result.ok:
        lines = "\n".join(f"  {p}" for p in result.problems[:20])
        raise click.ClickException(f"{path}: the chain is broken:\n{lines}")
    click.echo(f"{path}: OK, {result.lines} lines, chain intact{older}; head {result.head}")


@main.command("convert")
@click.argument("source", type=click.Path(file_okay=False, exists=True))
@click.option(
    "--from",
    "kind",
    type=click.Choice(["kaggle-provider"]),
    required=True,
    help="The source's shape: kaggle-provider = the public Kaggle provider-fraud claims (docs/institutions.md).",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Claims directory to write (replaced atomically), plus cases.csv from the source's labels.",
)
@quiet_option
@user_errors
def convert_cmd(source: str, kind: str, out_dir: str, quiet: bool) -> None:
    """Convert an export that is not shaped like the data contract into a claims directory.

    The conversion follows a fixed, documented mapping (graphfraud.io.kaggle):
    no row is edited by hand.  The result reads like any export
    (`graphfraud validate`, `detect`, `peers`).

    \b
    Example:
      graphfraud convert ../shared/data/kaggle-provider-fraud --from kaggle-provider --out data/kaggle
      graphfraud peers data/kaggle --cases data/kaggle/cases.csv --out out/kaggle-peers.csv
    """
    from graphfraud.io.kaggle import convert_provider_fraud

    written = convert_provider_fraud(source, out_dir)
    log = progress(quiet)
    for name, rows in written.items():
        log(f"{name}: {rows:,} rows")
    click.echo(f"{out_dir}: converted from {kind}; day-resolution dates (minute signals off), no pharmacies")
