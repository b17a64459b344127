"""``graphfraud rings|show|export|expand|peers`` (issue 7): the analyst's views of a detect run; institution tools.

The logic lives in graphfraud.outputs.views / export / expand / peers; these commands
only parse, call and print.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from graphfraud.cli.common import (
    audited,
    lang_option,
    main,
    progress,
    quiet_option,
    read_logged,
    read_options,
    user_errors,
)


_ALERT_COLOURS = {"red": "red", "orange": "yellow", "yellow": "bright_yellow"}


def _alert_colour(text: str, alert: str) -> str:
    return click.style(text, fg=_ALERT_COLOURS.get(alert), bold=alert == "red")


def _terminal_width() -> int:
    import shutil

    return max(shutil.get_terminal_size((120, 24)).columns, 60)


def _out_dir_argument(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.argument("out_dir", type=click.Path(file_okay=False))(func)


def _json_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(func)


@main.command("rings")
@_out_dir_argument
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True, help="Show the best TOP rings.")
@click.option(
    "--alert", type=click.Choice(["red", "orange", "yellow"]), default=None, help="Only rings with this alert level."
)
@lang_option
@_json_option
@user_errors
def rings_cmd(out_dir: str, top: int, alert: str | None, lang: str, as_json: bool) -> None:
    """Print the ranked suspect rings of a detect run as a table.

    One line per ring: rank, alert (red = open a case, orange = on-site check,
    yellow = reminder letter), typology, members, fund at stake and the first
    reason, cut to the terminal's width.  `graphfraud show` opens one ring.

    \b
    Example:
      graphfraud rings out/sample --top 10
      graphfraud rings out/sample --alert red --json
      graphfraud rings out/sample --lang en
    """
    import json

    from graphfraud.outputs.views import format_rings, read_output, rings_view

    output = read_output(out_dir)
    view = rings_view(output, top=top, alert=alert, lang=lang)
    if as_json:
        click.echo(json.dumps(view.to_dict("records"), indent=2, ensure_ascii=False, default=str))
        return
    total = len(output.rings)
    shown = f"{len(view)} of {total} rings" + (f" with alert {alert}" if alert else "")
    click.echo(f"{shown} in {out_dir}", err=True)
    for line in format_rings(view, width=_terminal_width(), colour=_alert_colour, lang=lang):
        click.echo(line)


def _data_dir_of(output: Any, data_dir: str | None, log: Callable[[str], None]) -> str | None:
    """--data, else the data_dir recorded in run.json, else None (with a hint)."""
    from pathlib import Path

    if data_dir is None:
        data_dir = output.record.get("data_dir")
        if data_dir and not Path(data_dir).is_dir():
            log(f"note: the data directory recorded in run.json ({data_dir}) is gone; pass --data DATA_DIR")
            return None
    if data_dir is None:
        log("note: busiest days need the claims: pass --data DATA_DIR (the directory detect read)")
    return data_dir


def _warn_if_other_data(output: Any, data: Any, log: Callable[[str], None]) -> None:
    recorded = output.record.get("inputs") or {}
    for name, digest in data.source.items():
        if name in recorded and recorded[name] != digest:
            log(f"warning: {name} differs from the file detect read (sha256 changed); days may not match")


@main.command("show")
@_out_dir_argument
@click.argument("ring_id")
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, exists=True),
    default=None,
    help="Claims directory the run read (for the busiest days) [default: data_dir in run.json].",
)
@click.option(
    "--days", "top_days", type=click.IntRange(min=1), default=10, show_default=True, help="Busiest days listed."
)
@read_options
@lang_option
@_json_option
@quiet_option
@audited(only_if_read=True)
@user_errors
def show_cmd(
    out_dir: str,
    ring_id: str,
    data_dir: str | None,
    top_days: int,
    read_params: Any,
    lang: str,
    as_json: bool,
    quiet: bool,
) -> None:
    """Print one ring: its reasons, members by role and busiest days.

    The busiest days join OUT_DIR/ring_claims.csv to the claims of the data
    directory the run read (--data, or the one recorded in run.json).

    \b
    Example:
      graphfraud show out/sample R2DBB8BFCB5 --data data/sample
      graphfraud show out/sample R2DBB8BFCB5 --json > ring.json
    """
    import json

    from graphfraud.outputs.views import format_detail, read_output, ring_detail

    log = progress(quiet)
    output = read_output(out_dir)
    claims = None
    source = _data_dir_of(output, data_dir, log)
    if source is not None and not output.rings[output.rings["ring_id"] == ring_id].empty:
        data = read_logged(source, read_params, log)
        _warn_if_other_data(output, data, log)
        claims = data.claims
    detail = ring_detail(output, ring_id, claims=claims, top_days=top_days, lang=lang)
    if as_json:
        click.echo(json.dumps(detail.to_dict(), indent=2, ensure_ascii=False, default=str))
        return
    for line in format_detail(detail, width=_terminal_width(), colour=_alert_colour):
        click.echo(line)


@main.command("export")
@_out_dir_argument
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["xlsx", "csv"]),
    default="xlsx",
    show_default=True,
    help="A workbook, or a directory of CSV files (UTF-8 with BOM, one per sheet).",
)
@lang_option
@click.option(
    "--dest",
    type=click.Path(),
    default=None,
    help="Workbook, or CSV directory, to write (replaced atomically) [default: OUT_DIR/rings.xlsx, OUT_DIR/rings-csv].",
)
@click.option("--unmask", is_flag=True, help="Show person ids and phones instead of their masks.")
@quiet_option
@audited(outputs=("dest",), hash_inputs=False)
@user_errors
def export_cmd(out_dir: str, fmt: str, lang: str, dest: str | None, unmask: bool, quiet: bool) -> None:
    """Write a detect run as a spreadsheet bureau staff open in Excel or WPS.

    Four sheets: the rings (best first, alert cells red/orange/yellow), their
    members, every reason of every ring with its numbers (each row linked to
    its ring), and the dense groups left out as legitimate care with the
    reason why.  Chinese headers by default, frozen header row, filters,
    fitted column widths.  Person ids and phones are masked (consistently
    within the workbook) unless --unmask; text that a spreadsheet would run
    as a formula is escaped.  --format csv writes the same sheets as CSV
    files Excel opens correctly (UTF-8 with BOM) into a directory.

    \b
    Example:
      graphfraud export out/sample --format xlsx
      graphfraud export out/sample --lang en --dest reports/2024-03-rings.xlsx
      graphfraud export out/sample --format csv --dest reports/2024-03-csv
    """
    from pathlib import Path

    from graphfraud.outputs.export import write_csv_dir, write_workbook
    from graphfraud.outputs.views import read_output

    log = progress(quiet)
    output = read_output(out_dir)
    for name in ("ring_reasons.csv", "explained.csv"):
        if not (Path(out_dir) / name).is_file():
            log(f"note: {out_dir} has no {name} (an older detect run?); its sheet is left empty")
    target = Path(dest) if dest else Path(out_dir) / ("rings.xlsx" if fmt == "xlsx" else "rings-csv")
    write = write_workbook if fmt == "xlsx" else write_csv_dir
    write(output.rings, output.members, target, reasons=output.reasons, explained=output.explained,
          explained_reasons=output.explained_reasons, lang=lang, unmask=unmask)  # fmt: skip
    log(
        f"{len(output.rings)} rings, {len(output.members)} members, {len(output.reasons)} reasons, "
        f"{len(output.explained)} explained groups; "
        + ("not masked (--unmask)" if unmask else "person ids and phones masked")
    )
    click.echo(str(target))


def _write_table(frame: Any, out_file: str, log: Callable[[str], None]) -> None:
    from pathlib import Path

    from graphfraud.io.write import write_csv

    path = Path(out_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_csv(frame, path)
    log(f"{len(frame)} rows written to {path}")


@main.command("expand")
@click.argument("data_dir", type=click.Path(file_okay=False))
@click.option(
    "--seeds",
    "seeds_file",
    required=True,
    type=click.Path(dir_okay=False, exists=True),
    help="CSV of known fraudsters: entity_type (person/doctor/facility/pharmacy), entity_id.",
)
@click.option("--top", type=click.IntRange(min=1), default=50, show_default=True, help="Entities ranked.")
@click.option(
    "--type",
    "types",
    type=click.Choice(["person", "doctor", "facility", "pharmacy"]),
    multiple=True,
    help="Rank only this kind of entity (repeatable) [default: all].",
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the ranking as CSV (replaced atomically) instead of printing it.",
)
@read_options
@_json_option
@quiet_option
@audited(outputs=("out_file",))
@user_errors
def expand_cmd(
    data_dir: str,
    seeds_file: str,
    top: int,
    types: tuple[str, ...],
    out_file: str | None,
    read_params: Any,
    as_json: bool,
    quiet: bool,
) -> None:
    """Rank the persons, doctors and venues most tied to known fraudsters.

    Personalised PageRank from the seeds over the person-venue-doctor claim
    graph (edges weighted by claim counts, popular hubs down-weighted); each
    ranked entity comes with the path of ids that ties it to a seed.  Without
    --type, entities are ranked by their score relative to the best of their
    own kind, so a ring's persons rank beside its venues and doctors.

    \b
    Example:
      printf 'entity_type,entity_id\\nperson,0013088156\\ndoctor,D350206876162\\n' > known.csv
      graphfraud expand data/sample --seeds known.csv --top 20 --type person
    """
    import json

    from graphfraud.analyses.expand import entity_graph, expand, format_expansion, read_seeds

    log = progress(quiet)
    data = read_logged(data_dir, read_params, log)
    graph = entity_graph(data)
    seeds = read_seeds(seeds_file, graph)
    for v in seeds:
        if graph.graph.vs[v]["claims"] == 0:
            log(f"warning: seed {graph.graph.vs[v]['entity_id']} has no claims in {data_dir}: it ties to nothing")
    log(f"{len(seeds)} seeds; graph of {graph.graph.vcount()} entities, {graph.graph.ecount()} ties")
    ranking = expand(graph, seeds, top=top, entity_types=types or ("person", "doctor", "facility", "pharmacy"))
    if out_file:
        _write_table(ranking, out_file, log)
    elif as_json:
        click.echo(json.dumps(ranking.to_dict("records"), indent=2, ensure_ascii=False))
    else:
        for line in format_expansion(ranking, width=_terminal_width()):
            click.echo(line)


@main.command("peers")
@click.argument("data_dir", type=click.Path(file_okay=False))
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="Institutions printed (the --out CSV holds every institution).",
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write every facility and pharmacy with a claim, ranked, as CSV (replaced atomically).",
)
@click.option(
    "--cases",
    "cases_file",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="Verdicts to learn from: CSV entity_type,entity_id,verdict (confirmed|dismissed).",
)
@click.option(
    "--rings",
    "rings_dir",
    type=click.Path(file_okay=False, exists=True),
    default=None,
    help="A detect --out directory on the same data: ring membership counts, ring verdicts reach members.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the learner's cross-validation.")
@read_options
@_json_option
@quiet_option
@audited(outputs=("out_file",))
@user_errors
def peers_cmd(
    data_dir: str,
    top: int,
    out_file: str | None,
    cases_file: str | None,
    rings_dir: str | None,
    seed: int,
    read_params: Any,
    as_json: bool,
    quiet: bool,
) -> None:
    """Rank every facility and pharmacy (score: higher = more suspicious), each with plain-language reasons.

    The score combines money against peers (fund paid, length of stay,
    readmissions, claims per patient as percentiles), the peer-comparison
    signals against institutions of the same kind and level (growth of fund
    paid per claim, item-category shares, high-value consumables, split
    admissions, claims after death), ring membership (--rings) and doctors
    and patients shared with confirmed cases.  With --cases a calibrated
    scikit-learn model learns the score from the verdicts (docs/institutions.md).

    \b
    Example:
      graphfraud peers data/sample --top 10
      graphfraud peers exports/2024-03 --mapping nhsa --out out/2024-03/peers.csv
      graphfraud peers exports/2024-03 --rings out/2024-03 --cases cases.csv --out peers.csv
    """
    import json

    from graphfraud.signals import support
    from graphfraud.analyses.institutions import rank_institutions
    from graphfraud.io.cases import read_cases
    from graphfraud.io.rings import read_rings
    from graphfraud.outputs.views import truncate

    log = progress(quiet)
    data = read_logged(data_dir, read_params, log)
    cases = read_cases(cases_file) if cases_file else None
    members = read_rings(rings_dir).members if rings_dir else None
    ranking = rank_institutions(data, members=members, cases=cases, seed=seed)
    table = ranking.table
    flagged = int((table["peer_signals"] != "").sum())
    log(f"{len(table)} institutions ranked, {flagged} with at least one peer signal")
    if ranking.model is not None:
        m = ranking.model
        log(
            f"learned from {m.n_confirmed_} confirmed and {m.n_dismissed_} dismissed: {m.model_name_}, "
            f"cross-validated ROC AUC " + ", ".join(f"{k} {v:.3f}" for k, v in m.cv_auc_.items())
        )
    signals = support(data, used_by=("peers",))
    if not quiet and (signals.off or signals.reduced):
        click.echo(signals.line(), err=True)
    if out_file:
        _write_table(table, out_file, log)
    elif as_json:
        click.echo(json.dumps(json.loads(table.head(top).to_json(orient="records", force_ascii=False)), indent=2,
                              ensure_ascii=False))  # fmt: skip
    else:
        width = _terminal_width()
        click.echo(f"{'rank':>4}  {'institution':<13}  {'claims':>6}  {'score':>5}  reasons")
        for r in table.head(top).itertuples(index=False):
            click.echo(truncate(f"{r.rank:>4}  {r.entity_id:<13}  {r.claims:>6}  {r.score:>5.1f}  {r.reasons}", width))
