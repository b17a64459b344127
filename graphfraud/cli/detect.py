"""``graphfraud detect`` and ``graphfraud evaluate`` (issue 3): find rings, and compare a run with labels.

``detect`` calls graphfraud.pipeline.  Its co-visit projection runs in this
process or on Apache Spark (``engine_options``, docs/spark.md); ``--by-region``
detects one pooling region at a time (graphfraud.runs.regions).  On a terminal its
stages show as a progress bar.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import Any

import click

from graphfraud.cli.common import audited, main, progress, quiet_option, read_logged, read_options, user_errors


@contextlib.contextmanager
def _stage_bar(quiet: bool, label: str, *, stages: int) -> Iterator[Callable[[str], None]]:
    """A logger for stage messages: a progress bar on an interactive terminal, plain lines otherwise.

    Each message advances the bar by one stage and is shown as the bar's current item;
    ``--quiet`` silences both.
    """
    if quiet or not sys.stderr.isatty():
        yield progress(quiet)
        return
    with click.progressbar(
        length=stages, label=label, file=sys.stderr, show_pos=True, item_show_func=lambda m: m
    ) as bar:
        yield lambda message: bar.update(1, message)


def _input_files(data_dir: str) -> int:
    """How many input tables ``data_dir`` holds (each is one step of the progress bar)."""
    from pathlib import Path

    from graphfraud.contract import INPUT_TABLES

    folder = Path(data_dir)
    return sum(any((folder / f"{t.name}.{ext}").is_file() for ext in ("csv", "parquet")) for t in INPUT_TABLES)


def _params_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--params",
        "params_file",
        type=click.Path(dir_okay=False, exists=True),
        default=None,
        help="JSON file of detection parameters (RunParams; see run.json of an earlier run).",
    )(func)


def _run_params(params_file: str | None, seed: int | None) -> Any:
    import dataclasses
    from pathlib import Path

    from graphfraud.params import RunParams, from_json

    params = RunParams()
    if params_file:
        text = Path(params_file).read_text(encoding="utf-8")
        params = from_json(RunParams, text)
    if seed is not None:
        params = dataclasses.replace(params, seed=seed)
    return params


def _spark_conf(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> dict[str, str]:
    conf = {}
    for item in value:
        key, sep, val = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{item!r} is not KEY=VALUE, e.g. spark.driver.memory=4g")
        conf[key.strip()] = val.strip()
    return conf


def engine_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add --engine, --spark-master and --spark-conf (docs/spark.md)."""
    options = [
        click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True,
                     help="Where the heavy stage runs: in this process, or on Apache Spark: the co-visit "
                          "projection, or with --by-region every region as a task of its own "
                          "(needs pip install graphfraud[spark] and Java 17; see docs/spark.md)."),
        click.option("--spark-master", default=None, metavar="URL",
                     help="Spark master for --engine spark: local[N], spark://HOST:7077, yarn "
                          "[default: spark-submit's, else local[*]]."),
        click.option("--spark-conf", multiple=True, metavar="KEY=VALUE", callback=_spark_conf,
                     help="A Spark setting for --engine spark (repeatable), e.g. spark.driver.memory=4g."),
    ]  # fmt: skip
    for option in reversed(options):
        func = option(func)
    return func


@contextlib.contextmanager
def _engine(
    engine: str, master: str | None, conf: dict[str, str], log: Callable[[str], None], *, by_region: bool
) -> Iterator[tuple[Any, dict[str, Any]]]:
    """Yield (what runs on Spark, None for the local engine; its run.json record); stop Spark if started here.

    On Spark: the co-visit projection, or with ``by_region`` the regions, one task each
    (in a fresh Python worker each, so that a region's memory is returned when it ends).
    """
    if engine == "local":
        if master is not None or conf:
            raise click.UsageError("--spark-master and --spark-conf need --engine spark")
        yield None, {"name": "local"}
        return
    import functools
    import time

    from graphfraud.engine import spark, tasks

    if by_region:
        conf = {"spark.python.worker.reuse": "false"} | conf
    start = time.perf_counter()
    with spark.session(master, conf) as session:
        record = spark.describe(session, conf) | {
            "runs": "regions" if by_region else "co-visit projection",
            "start_s": round(time.perf_counter() - start, 3),
        }
        log(f"spark session on {record['master']}: {record['start_s']:.1f} s")
        if by_region:
            yield functools.partial(tasks.map_tasks, spark=session), record
        else:
            yield functools.partial(spark.project_covisits, spark=session), record


@main.command("detect")
@click.argument("data_dir", type=click.Path(file_okay=False))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Output directory (replaced atomically): rings.csv, ring_members.csv, run.json.",
)
@click.option("--seed", type=int, default=None, help="Seed of the community detection [default 0].")
@_params_option
@engine_options
@click.option(
    "--by-region",
    is_flag=True,
    help="Split by pooling region (统筹区, the venue's region) and detect one region at a time: "
    "memory of the largest region, not of the whole input (a province). Scores are then "
    "relative to each region's own peers.",
)
@click.option(
    "--work",
    "work_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="With --by-region: keep the region directories here and reuse them when the input "
    "files are unchanged [default: a temporary directory next to OUT, removed].",
)
@click.option(
    "--previous",
    "previous_dir",
    type=click.Path(file_okay=False, exists=True),
    default=None,
    help="The --out directory of the previous run: link each ring to its rings by shared persons "
    "and write OUT/lineage.csv (new, continuing, grown, shrunk, split, merged, ended).",
)
@click.option(
    "--cases",
    "cases_file",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="Verdicts (CSV entity_type,entity_id,verdict: confirmed|dismissed) to learn a re-ranking from "
    "(docs/feedback.md); the model goes to OUT/model.pkl, its quality and hash to run.json. "
    "With --by-region, --previous and --cases work on the merged list of all regions.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace an --out folder that holds files graphfraud did not write (they are deleted). "
    "Never the input, a folder holding it, or the working directory.",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 2),
    default=1,
    show_default=True,
    help="Detectors side by side: 2 runs co-visits in a second thread beside the others (same rings; "
    "at ten million claims 6 s faster but 0.55 GB more memory, docs/performance.md).",
)
@read_options
@quiet_option
@audited(outputs=("out_dir",))
@user_errors
def detect_cmd(
    data_dir: str,
    out_dir: str,
    seed: int | None,
    params_file: str | None,
    engine: str,
    spark_master: str | None,
    spark_conf: dict[str, str],
    by_region: bool,
    work_dir: str | None,
    previous_dir: str | None,
    cases_file: str | None,
    force: bool,
    jobs: int,
    read_params: Any,
    quiet: bool,
) -> None:
    """Find, score and rank suspect rings in a claims directory.

    Reads DATA_DIR (see `graphfraud validate`), links persons who keep meeting
    at the same venues minutes apart, groups them with seeded Leiden, adds
    repeated co-admissions and doctor->pharmacy steering, and scores every
    group on synchrony, money, shared phones, geography and contrast with
    the venue's other patients.  Writes OUT/rings.csv (best first, with
    red/orange/yellow alerts and reasons), OUT/ring_members.csv, OUT/run.json,
    plus ring_reasons.csv and ring_claims.csv for evidence packs.

    With --engine spark the co-visit projection runs on Apache Spark
    (--spark-master, --spark-conf; docs/spark.md) with the same results; with
    --by-region --engine spark each region is a Spark task, side by side.

    \b
    Example:
      graphfraud detect data/sample --out out/sample
      graphfraud detect exports/2024-03 --mapping nhsa --out out/2024-03 --seed 1
      graphfraud detect exports/2024-04 --out out/2024-04 --previous out/2024-03 --cases cases.csv
      graphfraud detect exports/2024 --out out/2024 --engine spark --spark-master local[2]
      graphfraud detect exports/fujian-2024 --out out/fujian --by-region --work /data/fujian-regions
      graphfraud detect /mnt/shared/fujian-2024 --out out/fujian --by-region --work /mnt/shared/regions \\
          --engine spark --spark-master spark://spark-master:7077
    """
    import os
    import time

    from graphfraud.runs.feedback import apply_feedback, claims_period
    from graphfraud.io.cases import read_cases
    from graphfraud.pipeline import CODED_COLUMNS, UNUSED_COLUMNS, run, write_outputs

    params = _run_params(params_file, seed)
    if work_dir and not by_region:
        raise click.UsageError("--work is only used with --by-region")
    if jobs != 1 and by_region:
        raise click.UsageError("--jobs is not used with --by-region (its regions run one at a time, for memory)")
    _check_output_paths(data_dir, out_dir, work_dir, force=force)
    cases = read_cases(cases_file) if cases_file else None
    if by_region:
        log = progress(quiet)
        with _engine(engine, spark_master, spark_conf, log, by_region=True) as (map_tasks, engine_record):
            result = _detect_by_region(
                data_dir,
                out_dir,
                params,
                read_params,
                work_dir,
                log,
                map_tasks=map_tasks,
                engine=engine_record,
                force=force,
                previous=previous_dir,
                cases=cases,
            )
        _print_detect_summary(result, out_dir, quiet=quiet)
        return
    # (spark session,) each input file, read, graph, 3 detectors, score, written
    stages = _input_files(data_dir) + 7 + (engine == "spark")
    with (
        _stage_bar(quiet, "detect", stages=stages) as log,
        _engine(engine, spark_master, spark_conf, log, by_region=False) as (project, engine_record),
    ):
        start = time.perf_counter()
        data = read_logged(data_dir, read_params, log, skip=UNUSED_COLUMNS, codes=CODED_COLUMNS)
        read_s = time.perf_counter() - start
        result = run(data, params, log=log, project=project, jobs=jobs)
        feedback = apply_feedback(result, data.claims, previous=previous_dir, cases=cases, seed=params.seed)
        result = feedback.result
        _log_feedback(feedback.record, log)
        write_outputs(
            result,
            data,
            out_dir,
            inputs=(data_dir,),
            force=force,
            extra={
                "read_s": round(read_s, 3),
                "skipped": data.skipped,
                "data_dir": os.path.abspath(data_dir),  # evidence --data default
                "engine": engine_record,
                "claims_period": claims_period(data.claims),
                **feedback.record,
            },
            tables=feedback.tables(),
            files=feedback.files(),
        )
        log("written")
    _print_detect_summary(result, out_dir, quiet=quiet)


def _check_output_paths(data_dir: str, out_dir: str, work_dir: str | None, *, force: bool = False) -> None:
    """Refuse, before any work, an --out or --work that is the input, the working directory or unrelated files."""
    from graphfraud.io.write import check_replaceable, owned_by

    inputs = [data_dir] + ([work_dir] if work_dir else [])
    check_replaceable(out_dir, owned=owned_by("run.json"), inputs=inputs, what="detect output (--out)", force=force)
    if work_dir:
        check_replaceable(work_dir, owned=owned_by("partition.json"), inputs=[data_dir, out_dir],
                          what="region split (--work)")  # fmt: skip


def _log_feedback(record: dict[str, Any], log: Callable[[str], None]) -> None:
    """The lineage counts and what was learned, from run.json's ``previous`` and ``learned``."""
    if "previous" in record:
        counts = record["previous"]["statuses"]
        log("lineage: " + ", ".join(f"{n} {status}" for status, n in counts.items()))
    learned = record.get("learned", {})
    if learned.get("skipped"):
        click.echo(f"warning: {learned['skipped']}", err=True)
    elif learned:
        log(
            f"learned from {learned['confirmed']} confirmed and {learned['dismissed']} dismissed rings: "
            f"{learned['model']}, cross-validated ROC AUC "
            + ", ".join(f"{k} {v:.3f}" for k, v in learned["cv_roc_auc"].items())
        )


def _detect_by_region(
    data_dir: str,
    out_dir: str,
    params: Any,
    read_params: Any,
    work_dir: str | None,
    log: Callable[[str], None],
    *,
    map_tasks: Any,
    engine: dict[str, Any],
    force: bool = False,
    previous: str | None = None,
    cases: Any = None,
) -> Any:
    """detect --by-region: graphfraud.runs.regions does the work; the audit log records the inputs."""
    from graphfraud.pipeline import CODED_COLUMNS, UNUSED_COLUMNS
    from graphfraud.runs.regions import detect_by_region

    result, record = detect_by_region(
        data_dir,
        out_dir,
        params=params,
        read_params=read_params,
        work=work_dir,
        skip=UNUSED_COLUMNS,
        codes=CODED_COLUMNS,
        map_tasks=map_tasks,
        engine=engine,
        force=force,
        log=log,
        previous=previous,
        cases=cases,
    )
    _log_feedback(record, log)
    click.get_current_context().meta["graphfraud.audit_read"] = (data_dir, dict(record["inputs"]))
    return result


def _print_detect_summary(result: Any, out_dir: str, *, quiet: bool = False) -> None:
    """The rings found (stdout); the signals the data switched off, on one line (stderr, unless quiet)."""
    if not quiet and (result.signals.off or result.signals.reduced):
        click.echo(result.signals.line(), err=True)
    alerts = {a: sum(r.alert == a for r in result.rings) for a in ("red", "orange", "yellow")}
    if not result.rings:
        click.echo(
            f"0 rings written to {out_dir}: none of the signals this data supports found a group "
            f"(on: {', '.join(result.signals.on)}; off: {', '.join(result.signals.off) or 'none'}; "
            "see signals_off in run.json)"
        )
        return
    click.echo(
        f"{len(result.rings)} rings ({alerts['red']} red, {alerts['orange']} orange, "
        f"{alerts['yellow']} yellow) written to {out_dir}"
    )
    for r in result.rings[:5]:
        click.echo(
            f"  #{r.rank} {r.ring_id} {r.alert:<6} {r.typology:<18} score {r.score:5.1f}  "
            f"{r.count('person')} persons  {r.fund_amount:,.2f} yuan"
        )


@main.command("evaluate")
@click.argument("out_dir", type=click.Path(file_okay=False, exists=True))
@click.option(
    "--labels",
    "labels_file",
    required=True,
    type=click.Path(dir_okay=False, exists=True),
    help="labels.csv: ring_id, typology, entity_type, entity_id (benign:* = legitimate groups).",
)
@click.option(
    "--top", type=click.IntRange(min=1), default=10, show_default=True, help="Only the best TOP reported rings count."
)
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@user_errors
def evaluate_cmd(out_dir: str, labels_file: str, top: int, as_json: bool) -> None:
    """Compare a detect run with ground-truth labels (recall, typology, member F1, benign hits).

    \b
    Example:
      graphfraud evaluate out/sample --labels data/sample/labels.csv --top 10
    """
    import json
    from pathlib import Path

    import pandas as pd

    from graphfraud.errors import ContractError
    from graphfraud.analyses.evaluate import evaluate
    from graphfraud.io.write import read_text_csv

    out = Path(out_dir)
    for name in ("rings.csv", "ring_members.csv"):
        if not (out / name).exists():
            raise ContractError(str(out / name), None, None, "missing: is this the --out directory of a detect run?")
    rings = pd.read_csv(out / "rings.csv", dtype={"ring_id": str})
    members = read_text_csv(out / "ring_members.csv").replace({"": None})
    labels = _read_labels(Path(labels_file))
    missing = {"ring_id", "typology", "entity_type", "entity_id"} - set(labels.columns)
    if missing:
        raise ContractError(Path(labels_file).name, 1, sorted(missing)[0], "missing required column")
    e = evaluate(rings, members, labels, top=top)
    if as_json:
        fields = {k: v for k, v in e.__dict__.items() if k != "matches"}
        click.echo(json.dumps(fields | {"matches": e.matches.to_dict("records")}, indent=2, default=str))
        return
    click.echo(e.summary())
    click.echo("")
    click.echo(e.matches.to_string(index=False))


def _read_labels(path: Any) -> Any:
    """labels.csv (UTF-8) or labels.parquet as text columns; a clear error for anything else."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    from graphfraud.errors import ContractError

    try:
        if path.suffix == ".parquet":
            return pq.read_table(path).to_pandas().astype(str)
        return pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ContractError(
            path.name, None, None, "is not UTF-8 CSV; pass labels.csv (UTF-8) or labels.parquet"
        ) from None
    except (pa.ArrowInvalid, OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ContractError(path.name, None, None, f"cannot be read as labels: {exc}") from None
