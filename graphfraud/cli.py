"""The ``graphfraud`` command line: a thin shell over the library.

Commands parse options, build parameters, call the library, print results to
stdout and progress to stderr.  A :class:`~graphfraud.errors.GraphfraudError`
becomes a one-line message and exit code 1 (``ParamError``: 2); a user never
sees a traceback for their own mistake.
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from typing import Any

import click

from graphfraud import __version__
from graphfraud.errors import GraphfraudError, ParamError


def user_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors into click errors (exit 1, or 2 for parameters)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ParamError as exc:
            raise click.UsageError(str(exc)) from None
        except GraphfraudError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


def quiet_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--quiet", "-q", is_flag=True, help="Print no progress on stderr.")(func)


def progress(quiet: bool) -> Callable[[str], None]:
    """A logger that writes to stderr unless ``quiet``."""

    def log(message: str) -> None:
        if not quiet:
            click.echo(message, err=True)

    return log


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="graphfraud")
@click.option("--audit-log", type=click.Path(dir_okay=False), envvar="GRAPHFRAUD_AUDIT_LOG", default=None,
              help="JSON-lines audit log of commands that read claims data "
                   "[env GRAPHFRAUD_AUDIT_LOG; default ~/.local/state/graphfraud/audit.jsonl].")
@click.pass_context
def main(ctx: click.Context, audit_log: str | None) -> None:
    """Find organised medical-insurance fraud rings (医保欺诈骗保团伙) in settlement data.

    \b
    Example:
      graphfraud synth data/world --persons 5000 --seed 7
      graphfraud detect data/world --out out/world
    """
    ctx.meta["graphfraud.audit_log"] = audit_log


def audited(*, outputs: tuple[str, ...] = (), only_if_read: bool = False) -> Callable[..., Any]:
    """Append an audit line (graphfraud.audit) when the command finishes or fails.

    ``outputs`` names the parameters that hold output files or directories;
    ``only_if_read`` logs only when the command actually read claims.
    """

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            import datetime as dt
            import time

            ctx = click.get_current_context()
            started, since = dt.datetime.now(dt.timezone.utc), time.time()
            try:
                value = func(*args, **kwargs)
            except BaseException as exc:
                if not isinstance(exc, click.exceptions.Exit) or exc.exit_code != 0:
                    _audit(ctx, started, since, outputs, only_if_read, error=type(exc).__name__)
                raise
            _audit(ctx, started, since, outputs, only_if_read, error=None)
            return value

        return wrapper

    return decorate


def _audit(ctx: click.Context, started: Any, since: float, outputs: tuple[str, ...], only_if_read: bool,
           error: str | None) -> None:
    from graphfraud import audit

    read = ctx.meta.get("graphfraud.audit_read")
    if only_if_read and read is None:
        return
    input_dir, inputs = read or (ctx.params.get("data_dir") or _recorded_data_dir(ctx.params.get("out_dir")), None)
    if inputs is None and input_dir:
        from graphfraud.contract import INPUT_TABLES

        inputs = audit.input_hashes(input_dir, tables=[t.name for t in INPUT_TABLES])
    entry = audit.audit_entry(
        ctx.command_path, params=ctx.params, ok=error is None, input_dir=input_dir, inputs=inputs, error=error,
        outputs=audit.output_hashes((ctx.params.get(name) for name in outputs), since=since) if error is None else {},
        started=started)  # fmt: skip
    path = ctx.meta.get("graphfraud.audit_log") or audit.default_path()
    try:
        audit.append(path, entry)
    except OSError as exc:
        if error is None:
            raise click.ClickException(f"cannot write the audit log {path}: {exc.strerror}; "
                                       "set --audit-log or GRAPHFRAUD_AUDIT_LOG to a writable file") from None
        click.echo(f"warning: cannot write the audit log {path}: {exc.strerror}", err=True)


def _recorded_data_dir(out_dir: str | None) -> str | None:
    """The data_dir in OUT_DIR/run.json (what evidence reads without --data), or None."""
    import json
    from pathlib import Path

    if not out_dir:
        return None
    try:
        return json.loads((Path(out_dir) / "run.json").read_text(encoding="utf-8")).get("data_dir")
    except (OSError, ValueError, AttributeError):
        return None


# ---------------------------------------------------------------- commands
# Each command lives in its own section below; keep sections independent.


# ---------------------------------------------------------------- synth (issue 2)
@main.command("synth")
@click.argument("out_dir", type=click.Path(file_okay=False))
@click.option("--persons", type=int, default=5000, show_default=True, help="Insured persons in the ordinary world.")
@click.option("--days", type=int, default=365, show_default=True, help="Length of the period, days.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of every random draw.")
@click.option("--start", default="2024-01-01", show_default=True, help="First day of the period (YYYY-MM-DD).")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True,
              help="File format of the tables.")
@click.option("--date-only", is_flag=True, help="Write dates without time of day (a day-resolution export).")
@click.option("--plant", default=None, metavar="KIND,...",
              help="Typologies and benign kinds to plant (default: all): staged_clinic, card_collector, "
                   "induced_admission, kickback, dialysis, nursing_home, family, checkup.")
@click.option("--rings", "rings", type=int, default=None,
              help="Groups per planted kind [default: max(1, round(persons / 15000))].")
@click.option("--ring-size-scale", type=float, default=1.0, show_default=True, help="Multiplier on group sizes.")
@click.option("--city", default="3502", show_default=True,
              help="4-digit city code heading the district (pooling-region) codes; venue and doctor ids carry it.")
@click.option("--id-prefix", default="", metavar="TEXT",
              help="Letters/digits heading person, claim and ring ids, phone/address keys and trace codes, "
                   "so worlds of several cities can be concatenated into one province.")
@quiet_option
@user_errors
def synth_cmd(out_dir: str, persons: int, days: int, seed: int, start: str, fmt: str, date_only: bool,
              plant: str | None, rings: int | None, ring_size_scale: float, city: str, id_prefix: str,
              quiet: bool) -> None:
    """Write a seeded synthetic claims world with planted fraud rings and benign dense groups.

    OUT_DIR receives persons, facilities, pharmacies, doctors, claims,
    claim_items and labels (ground truth, for `evaluate`) as CSV or Parquet.
    The same options give byte-identical files.

    \b
    Example:
      graphfraud synth data/world --persons 5000 --days 365 --seed 7
      graphfraud synth data/cc --persons 3000 --plant card_collector,dialysis --format parquet
      graphfraud synth data/quanzhou --persons 5000 --city 3505 --id-prefix 3505 --seed 2
    """
    import time
    from collections import Counter

    from graphfraud.synth import SynthParams, make_world, write_world

    log = progress(quiet)
    kwargs: dict[str, Any] = {}
    if plant is not None:
        kwargs["plant"] = tuple(p.strip() for p in plant.split(",") if p.strip())
    params = SynthParams(persons=persons, days=days, seed=seed, start=start, date_only=date_only,
                         rings_per_typology=rings, ring_size_scale=ring_size_scale, city=city,
                         id_prefix=id_prefix, **kwargs)
    t0 = time.perf_counter()
    log(f"building a world of {persons} persons over {days} days (seed {seed})")
    data, labels = make_world(params)
    log(f"built in {time.perf_counter() - t0:.1f}s; writing {fmt} to {out_dir}")
    write_world(data, labels, out_dir, fmt=fmt)
    log(f"done in {time.perf_counter() - t0:.1f}s")
    for name in ("persons", "facilities", "pharmacies", "doctors", "claims", "claim_items"):
        click.echo(f"{name}: {len(data.table(name))}")
    click.echo(f"labels: {len(labels)}")
    groups = labels.drop_duplicates("ring_id")
    counts = Counter(groups.typology.tolist())
    for kind in params.plant:
        click.echo(f"planted {kind}: {counts.get(kind, 0)}")


# ---------------------------------------------------------------- io: validate (issue 2)
# `graphfraud validate DATA_DIR`.  `read_options` is the shared option group of every
# command that reads a claims directory: it passes `read_params: ReadParams` on.


def _check_encoding(ctx: click.Context, param: click.Parameter, value: str) -> str:
    import codecs

    try:
        codecs.lookup(value)
    except LookupError:
        raise click.BadParameter(f"unknown encoding {value!r}; use e.g. utf-8, gbk or gb18030") from None
    return value


def read_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add --mapping, --lenient and --encoding; the command receives ``read_params``."""

    @functools.wraps(func)
    def wrapper(*args: Any, mapping: str | None, lenient: bool, encoding: str, **kwargs: Any) -> Any:
        from graphfraud.params import ReadParams

        params = ReadParams(mapping=mapping, lenient=lenient, encoding=encoding)
        return func(*args, read_params=params, **kwargs)

    options = [
        click.option("--mapping", metavar="nhsa|FILE.yaml", default=None,
                     help="Column names of the export: 'nhsa' for the national platform's "
                          "(psn_no, setl_id, ...), or a YAML mapping file."),
        click.option("--lenient", is_flag=True,
                     help="Skip rows that break the data contract, and report how many and why, "
                          "instead of failing."),
        click.option("--encoding", default="utf-8", show_default=True, callback=_check_encoding,
                     help="Text encoding of the CSV files, e.g. gbk for files saved by Chinese Excel."),
    ]  # fmt: skip
    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def _read_logged(data_dir: str, params: Any, log: Callable[[str], None], *, skip: tuple[str, ...] = ()) -> Any:
    """read_claims_dir, with skipped-row warnings and timing sent to the progress log.

    ``skip``: text columns the command does not use (checked, then not kept; see read_claims_dir).
    """
    import time
    import warnings

    from graphfraud.io.read import read_claims_dir
    from graphfraud.io.validate import SkippedRowsWarning

    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SkippedRowsWarning)
        data = read_claims_dir(data_dir, params, skip=skip, log=log)
    click.get_current_context().meta["graphfraud.audit_read"] = (data_dir, dict(data.source))  # audit log
    for w in caught:
        if issubclass(w.category, SkippedRowsWarning):
            log(f"warning: {w.message}")
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    log(f"read {data_dir} in {time.perf_counter() - start:.1f} s")
    return data


def _validate_summary(data_dir: str, data: Any) -> dict[str, Any]:
    from graphfraud.contract import INPUT_TABLES

    claims = data.claims
    first, last = claims.start_time.min(), claims.start_time.max()
    return {
        "data_dir": data_dir,
        "rows": {t.name: len(data.table(t.name)) for t in INPUT_TABLES},
        "files": sorted(data.source),
        "claims_from": None if claims.empty else str(first.date()),
        "claims_to": None if claims.empty else str(last.date()),
        "time_resolution": data.time_resolution,
        "total_amount": round(float(claims.total_amount.sum()), 2),
        "fund_amount": round(float(claims.fund_amount.sum()), 2),
        "skipped": data.skipped,
    }


def _print_validate_summary(s: dict[str, Any]) -> None:
    skipped = sum(n for counts in s["skipped"].values() for n in counts.values())
    verdict = f"valid after skipping {skipped} rows" if skipped else "valid"
    click.echo(f"{s['data_dir']}: {verdict}")
    for name, n in s["rows"].items():
        click.echo(f"  {name:<12} {n:>12,} rows")
    if s["claims_from"]:
        click.echo(f"claims from {s['claims_from']} to {s['claims_to']}, {s['time_resolution']} resolution"
                   + ("" if s["time_resolution"] == "minute" else " (dates only: minute-level signals off)"))
    share = f" ({100 * s['fund_amount'] / s['total_amount']:.1f}% of total)" if s["total_amount"] else ""
    click.echo(f"total amount {s['total_amount']:,.2f} yuan; fund paid {s['fund_amount']:,.2f} yuan{share}")
    if s["skipped"]:
        click.echo("skipped rows (--lenient):")
        for file, counts in s["skipped"].items():
            click.echo(f"  {file}: " + ", ".join(f"{n:,} {reason}" for reason, n in counts.items()))


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

    data = _read_logged(data_dir, read_params, progress(quiet))
    summary = _validate_summary(data_dir, data)
    if as_json:
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        _print_validate_summary(summary)


# ---------------------------------------------------------------- detect, evaluate (issue 3)


@contextlib.contextmanager
def _stage_bar(quiet: bool, label: str, *, stages: int) -> Iterator[Callable[[str], None]]:
    """A logger for stage messages: a progress bar on an interactive terminal, plain lines otherwise.

    Each message advances the bar by one stage and is shown as the bar's current item;
    ``--quiet`` silences both.
    """
    if quiet or not sys.stderr.isatty():
        yield progress(quiet)
        return
    with click.progressbar(length=stages, label=label, file=sys.stderr, show_pos=True,
                           item_show_func=lambda m: m) as bar:
        yield lambda message: bar.update(1, message)


def _input_files(data_dir: str) -> int:
    """How many input tables ``data_dir`` holds (each is one step of the progress bar)."""
    from pathlib import Path

    from graphfraud.contract import INPUT_TABLES

    folder = Path(data_dir)
    return sum(any((folder / f"{t.name}.{ext}").is_file() for ext in ("csv", "parquet")) for t in INPUT_TABLES)


def _params_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--params", "params_file", type=click.Path(dir_okay=False, exists=True), default=None,
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
                     help="Where the co-visit projection runs: in this process, or on Apache Spark "
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
def _projection_engine(engine: str, master: str | None, conf: dict[str, str],
                       log: Callable[[str], None]) -> Iterator[tuple[Any, dict[str, Any]]]:
    """Yield (the projection, None for the local engine; its run.json record); stop Spark if started here."""
    if engine == "local":
        if master is not None or conf:
            raise click.UsageError("--spark-master and --spark-conf need --engine spark")
        yield None, {"name": "local"}
        return
    import functools
    import time

    from graphfraud.engine import spark

    start = time.perf_counter()
    with spark.session(master, conf) as session:
        record = spark.describe(session, conf) | {"start_s": round(time.perf_counter() - start, 3)}
        log(f"spark session on {record['master']}: {record['start_s']:.1f} s")
        yield functools.partial(spark.project_covisits, spark=session), record


@main.command("detect")
@click.argument("data_dir", type=click.Path(file_okay=False))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Output directory (replaced atomically): rings.csv, ring_members.csv, run.json.")
@click.option("--seed", type=int, default=None, help="Seed of the community detection [default 0].")
@_params_option
@engine_options
@click.option("--by-region", is_flag=True,
              help="Split by pooling region (统筹区, the venue's region) and detect one region at a time: "
                   "memory of the largest region, not of the whole input (a province). Scores are then "
                   "relative to each region's own peers.")
@click.option("--work", "work_dir", type=click.Path(file_okay=False), default=None,
              help="With --by-region: keep the region directories here and reuse them when the input "
                   "files are unchanged [default: a temporary directory next to OUT, removed].")
@read_options
@quiet_option
@audited(outputs=("out_dir",))
@user_errors
def detect_cmd(data_dir: str, out_dir: str, seed: int | None, params_file: str | None, engine: str,
               spark_master: str | None, spark_conf: dict[str, str], by_region: bool, work_dir: str | None,
               read_params: Any, quiet: bool) -> None:
    """Find, score and rank suspect rings in a claims directory.

    Reads DATA_DIR (see `graphfraud validate`), links persons who keep meeting
    at the same venues minutes apart, groups them with seeded Leiden, adds
    repeated co-admissions and doctor->pharmacy steering, and scores every
    group on synchrony, money, shared phones, geography and contrast with
    the venue's other patients.  Writes OUT/rings.csv (best first, with
    red/orange/yellow alerts and reasons), OUT/ring_members.csv, OUT/run.json,
    plus ring_reasons.csv and ring_claims.csv for evidence packs.

    With --engine spark the co-visit projection runs on Apache Spark
    (--spark-master, --spark-conf; docs/spark.md) with the same results.

    \b
    Example:
      graphfraud detect data/sample --out out/sample
      graphfraud detect exports/2024-03 --mapping nhsa --out out/2024-03 --seed 1
      graphfraud detect exports/2024 --out out/2024 --engine spark --spark-master local[2]
      graphfraud detect exports/fujian-2024 --out out/fujian --by-region --work /data/fujian-regions
    """
    import os
    import time

    from graphfraud.pipeline import UNUSED_COLUMNS, run, write_outputs

    params = _run_params(params_file, seed)
    if work_dir and not by_region:
        raise click.UsageError("--work is only used with --by-region")
    if by_region:
        if engine != "local":
            raise click.UsageError("--by-region runs the local engine in each region; drop --engine spark")
        result = _detect_by_region(data_dir, out_dir, params, read_params, work_dir, progress(quiet))
        _print_detect_summary(result, out_dir)
        return
    # (spark session,) each input file, read, graph, 3 detectors, score, written
    stages = _input_files(data_dir) + 7 + (engine == "spark")
    with _stage_bar(quiet, "detect", stages=stages) as log, \
            _projection_engine(engine, spark_master, spark_conf, log) as (project, engine_record):
        start = time.perf_counter()
        data = _read_logged(data_dir, read_params, log, skip=UNUSED_COLUMNS)
        read_s = time.perf_counter() - start
        result = run(data, params, log=log, project=project)
        write_outputs(result, data, out_dir, extra={"read_s": round(read_s, 3), "skipped": data.skipped,
                                                    "data_dir": os.path.abspath(data_dir),  # evidence --data default
                                                    "engine": engine_record})
        log("written")
    _print_detect_summary(result, out_dir)


def _detect_by_region(data_dir: str, out_dir: str, params: Any, read_params: Any, work_dir: str | None,
                      log: Callable[[str], None]) -> Any:
    """detect --by-region: graphfraud.regions does the work; the audit log records the inputs."""
    from graphfraud.pipeline import UNUSED_COLUMNS
    from graphfraud.regions import detect_by_region

    result, record = detect_by_region(data_dir, out_dir, params=params, read_params=read_params, work=work_dir,
                                      skip=UNUSED_COLUMNS, log=log)
    click.get_current_context().meta["graphfraud.audit_read"] = (data_dir, dict(record["inputs"]))
    return result


def _print_detect_summary(result: Any, out_dir: str) -> None:
    alerts = {a: sum(r.alert == a for r in result.rings) for a in ("red", "orange", "yellow")}
    click.echo(f"{len(result.rings)} rings ({alerts['red']} red, {alerts['orange']} orange, "
               f"{alerts['yellow']} yellow) written to {out_dir}")
    for r in result.rings[:5]:
        click.echo(f"  #{r.rank} {r.ring_id} {r.alert:<6} {r.typology:<18} score {r.score:5.1f}  "
                   f"{r.count('person')} persons  {r.fund_amount:,.2f} yuan")


@main.command("evaluate")
@click.argument("out_dir", type=click.Path(file_okay=False, exists=True))
@click.option("--labels", "labels_file", required=True, type=click.Path(dir_okay=False, exists=True),
              help="labels.csv: ring_id, typology, entity_type, entity_id (benign:* = legitimate groups).")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="Only the best TOP reported rings count.")
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
    from graphfraud.evaluate import evaluate

    out = Path(out_dir)
    for name in ("rings.csv", "ring_members.csv"):
        if not (out / name).exists():
            raise ContractError(str(out / name), None, None, "missing: is this the --out directory of a detect run?")
    rings = pd.read_csv(out / "rings.csv", dtype={"ring_id": str})
    members = pd.read_csv(out / "ring_members.csv", dtype=str)
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
        raise ContractError(path.name, None, None, "is not UTF-8 CSV; pass labels.csv (UTF-8) or labels.parquet") from None
    except (pa.ArrowInvalid, OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ContractError(path.name, None, None, f"cannot be read as labels: {exc}") from None


# ---------------------------------------------------------------- rings, show, export, expand, peers (issue 7)
# The analyst's views of a detect run and the institution-level tools.  The logic lives in
# graphfraud.views / export / expand / peers; these commands only parse, call and print.

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
@click.option("--alert", type=click.Choice(["red", "orange", "yellow"]), default=None,
              help="Only rings with this alert level.")
@_json_option
@user_errors
def rings_cmd(out_dir: str, top: int, alert: str | None, as_json: bool) -> None:
    """Print the ranked suspect rings of a detect run as a table.

    One line per ring: rank, alert (red = open a case, orange = on-site check,
    yellow = reminder letter), typology, members, fund at stake and the first
    reason, cut to the terminal's width.  `graphfraud show` opens one ring.

    \b
    Example:
      graphfraud rings out/sample --top 10
      graphfraud rings out/sample --alert red --json
    """
    import json

    from graphfraud.views import format_rings, read_output, rings_view

    output = read_output(out_dir)
    view = rings_view(output, top=top, alert=alert)
    if as_json:
        click.echo(json.dumps(view.to_dict("records"), indent=2, ensure_ascii=False, default=str))
        return
    total = len(output.rings)
    shown = f"{len(view)} of {total} rings" + (f" with alert {alert}" if alert else "")
    click.echo(f"{shown} in {out_dir}", err=True)
    for line in format_rings(view, width=_terminal_width(), colour=_alert_colour):
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
@click.option("--data", "data_dir", type=click.Path(file_okay=False, exists=True), default=None,
              help="Claims directory the run read (for the busiest days) [default: data_dir in run.json].")
@click.option("--days", "top_days", type=click.IntRange(min=1), default=10, show_default=True,
              help="Busiest days listed.")
@read_options
@_json_option
@quiet_option
@audited(only_if_read=True)
@user_errors
def show_cmd(out_dir: str, ring_id: str, data_dir: str | None, top_days: int, read_params: Any,
             as_json: bool, quiet: bool) -> None:
    """Print one ring: its reasons, members by role and busiest days.

    The busiest days join OUT_DIR/ring_claims.csv to the claims of the data
    directory the run read (--data, or the one recorded in run.json).

    \b
    Example:
      graphfraud show out/sample R2DBB8BFCB5 --data data/sample
      graphfraud show out/sample R2DBB8BFCB5 --json > ring.json
    """
    import json

    from graphfraud.views import format_detail, read_output, ring_detail

    log = progress(quiet)
    output = read_output(out_dir)
    claims = None
    source = _data_dir_of(output, data_dir, log)
    if source is not None and not output.rings[output.rings["ring_id"] == ring_id].empty:
        data = _read_logged(source, read_params, log)
        _warn_if_other_data(output, data, log)
        claims = data.claims
    detail = ring_detail(output, ring_id, claims=claims, top_days=top_days)
    if as_json:
        click.echo(json.dumps(detail.to_dict(), indent=2, ensure_ascii=False, default=str))
        return
    for line in format_detail(detail, width=_terminal_width(), colour=_alert_colour):
        click.echo(line)


@main.command("export")
@_out_dir_argument
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx", show_default=True,
              help="A workbook, or a directory of CSV files (UTF-8 with BOM, one per sheet).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Headers, sheet names and category values in Chinese or English.")
@click.option("--dest", type=click.Path(), default=None,
              help="Workbook, or CSV directory, to write (replaced atomically) "
                   "[default: OUT_DIR/rings.xlsx, OUT_DIR/rings-csv].")
@click.option("--unmask", is_flag=True, help="Show person ids and phones instead of their masks.")
@quiet_option
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

    from graphfraud.export import write_csv_dir, write_workbook
    from graphfraud.views import read_output

    log = progress(quiet)
    output = read_output(out_dir)
    for name in ("ring_reasons.csv", "explained.csv"):
        if not (Path(out_dir) / name).is_file():
            log(f"note: {out_dir} has no {name} (an older detect run?); its sheet is left empty")
    target = Path(dest) if dest else Path(out_dir) / ("rings.xlsx" if fmt == "xlsx" else "rings-csv")
    write = write_workbook if fmt == "xlsx" else write_csv_dir
    write(output.rings, output.members, target, reasons=output.reasons, explained=output.explained,
          lang=lang, unmask=unmask)  # fmt: skip
    log(f"{len(output.rings)} rings, {len(output.members)} members, {len(output.reasons)} reasons, "
        f"{len(output.explained)} explained groups; " + ("not masked (--unmask)" if unmask else "person ids and phones masked"))
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
@click.option("--seeds", "seeds_file", required=True, type=click.Path(dir_okay=False, exists=True),
              help="CSV of known fraudsters: entity_type (person/doctor/facility/pharmacy), entity_id.")
@click.option("--top", type=click.IntRange(min=1), default=50, show_default=True, help="Entities ranked.")
@click.option("--type", "types", type=click.Choice(["person", "doctor", "facility", "pharmacy"]), multiple=True,
              help="Rank only this kind of entity (repeatable) [default: all].")
@click.option("--out", "out_file", type=click.Path(dir_okay=False), default=None,
              help="Write the ranking as CSV (replaced atomically) instead of printing it.")
@read_options
@_json_option
@quiet_option
@audited(outputs=("out_file",))
@user_errors
def expand_cmd(data_dir: str, seeds_file: str, top: int, types: tuple[str, ...], out_file: str | None,
               read_params: Any, as_json: bool, quiet: bool) -> None:
    """Rank the persons, doctors and venues most tied to known fraudsters.

    Personalised PageRank from the seeds over the person-venue-doctor claim
    graph (edges weighted by claim counts, popular hubs down-weighted); each
    ranked entity comes with the path of ids that ties it to a seed.

    \b
    Example:
      printf 'entity_type,entity_id\\nperson,0013088156\\ndoctor,D350206876162\\n' > known.csv
      graphfraud expand data/sample --seeds known.csv --top 20 --type person
    """
    import json

    from graphfraud.expand import entity_graph, expand, format_expansion, read_seeds

    log = progress(quiet)
    data = _read_logged(data_dir, read_params, log)
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
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True,
              help="Institutions printed (the --out CSV holds all flagged ones).")
@click.option("--out", "out_file", type=click.Path(dir_okay=False), default=None,
              help="Write every flagged institution as CSV (replaced atomically) instead of printing.")
@read_options
@_json_option
@quiet_option
@audited(outputs=("out_file",))
@user_errors
def peers_cmd(data_dir: str, top: int, out_file: str | None, read_params: Any, as_json: bool, quiet: bool) -> None:
    """Rank institutions by peer-comparison signals, each with a plain-language reason.

    Every facility and pharmacy is compared with peers of the same kind and
    level: growth of fund paid per claim, item-category shares (e.g. lab tests
    at 2.3x peers, herbal slices at 92% of the amounts billed), high-value
    consumables, split admissions and claims after death.

    \b
    Example:
      graphfraud peers data/sample --top 10
      graphfraud peers exports/2024-03 --mapping nhsa --out out/2024-03/peers.csv
    """
    import json

    from graphfraud.peers import peer_signals
    from graphfraud.views import truncate

    log = progress(quiet)
    data = _read_logged(data_dir, read_params, log)
    table = peer_signals(data)
    log(f"{len(table)} institutions with at least one signal")
    if out_file:
        _write_table(table, out_file, log)
    elif as_json:
        click.echo(json.dumps(json.loads(table.head(top).to_json(orient="records", force_ascii=False)), indent=2,
                              ensure_ascii=False))  # fmt: skip
    else:
        width = _terminal_width()
        click.echo(f"{'rank':>4}  {'institution':<13}  {'peer group':<18}  {'claims':>6}  {'score':>5}  reasons")
        for r in table.head(top).itertuples(index=False):
            click.echo(truncate(f"{r.rank:>4}  {r.entity_id:<13}  {r.peer_group:<18}  {r.claims:>6}  {r.score:>5.0f}  "
                                f"{r.reasons}", width))  # fmt: skip


# ---------------------------------------------------------------- end issue 7


# ---------------------------------------------------------------- neo4j (issue 4)
# `graphfraud neo4j install|start|stop|status|query`, `load`, `case`.  Connection
# settings come from --uri/--user (NEO4J_* in the environment).  The password comes
# from NEO4J_PASSWORD, else (without --uri) the bundled server's stored one, else a
# hidden prompt when stdin is a terminal (issue 8); never from an example's command line.


def _neo4j_home_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--home",
        envvar="GRAPHFRAUD_NEO4J_HOME",
        type=click.Path(file_okay=False),
        default=None,
        help="Bundled server's cache and data directory "
        "[env GRAPHFRAUD_NEO4J_HOME; default ~/.cache/graphfraud/neo4j].",
    )(func)


def _connection_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--uri", envvar="NEO4J_URI", default=None,
                     help="Bolt URI of a running Neo4j [env NEO4J_URI; default: the bundled server]. "
                          "The password is read from NEO4J_PASSWORD, or the bundled server's "
                          "password file, or asked for (hidden) when stdin is a terminal."),
        click.option("--user", envvar="NEO4J_USER", default="neo4j", show_default=True,
                     help="Neo4j user [env NEO4J_USER]."),
        # Hidden: a password on the command line shows in `ps` and the shell history.
        click.option("--password", envvar="NEO4J_PASSWORD", default=None, hidden=True),
        click.option("--database", envvar="NEO4J_DATABASE", default="neo4j", show_default=True,
                     help="Database name [env NEO4J_DATABASE]."),
        _neo4j_home_option,
    ]  # fmt: skip
    for option in reversed(options):
        func = option(func)
    return func


def _bundled_server(home: str | None) -> Any:
    from pathlib import Path

    from graphfraud.neo4j.queries import CYPHER_DIR
    from graphfraud.neo4j.server import BundledServer

    root = Path(home) if home else Path.home() / ".cache" / "graphfraud" / "neo4j"
    return BundledServer(root, guide_dir=CYPHER_DIR)


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def _neo4j_password(uri: str | None, user: str, password: str | None, home: str | None) -> str:
    """NEO4J_PASSWORD, else the bundled server's stored password, else a hidden prompt on a terminal."""
    ctx = click.get_current_context(silent=True)
    if password is not None:
        if ctx is not None and ctx.get_parameter_source("password") == click.core.ParameterSource.COMMANDLINE:
            click.echo("warning: --password shows the password in `ps` and the shell history; "
                       "set NEO4J_PASSWORD or let graphfraud ask for it", err=True)  # fmt: skip
        return password
    if uri is None:
        return str(_bundled_server(home).password())
    if _stdin_is_terminal():
        return str(click.prompt(f"Neo4j password for user '{user}' at {uri}", hide_input=True, err=True))
    raise click.UsageError(
        f"No Neo4j password for user '{user}' at {uri}: set NEO4J_PASSWORD in the environment "
        "(standard input is not a terminal, so graphfraud cannot ask for it)."
    )


class _Connection:
    """A driver opened from the connection options, checked before use."""

    def __init__(self, uri: str | None, user: str, password: str | None, home: str | None) -> None:
        password = _neo4j_password(uri, user, password, home)
        self.uri = uri if uri is not None else _bundled_server(home).uri
        self.user, self.password = user, password

    def __enter__(self) -> Any:
        import neo4j

        from graphfraud.neo4j.queries import driver_errors

        with driver_errors(self.uri, self.user):
            self.driver = neo4j.GraphDatabase.driver(
                self.uri, auth=(self.user, self.password), notifications_min_severity="OFF"
            )
            try:
                self.driver.verify_connectivity()
            except BaseException:
                self.driver.close()
                raise
        return self.driver

    def __exit__(self, *exc: object) -> None:
        self.driver.close()


@main.group("neo4j")
def neo4j_group() -> None:
    """Run the bundled Neo4j 5.26 Community server and query it.

    The server's jars come from Maven Central (cached under --home); it listens
    on 127.0.0.1 only (Bolt 7687, Browser http://127.0.0.1:7474/browser/) with
    authentication on and a generated password stored in HOME/password.

    \b
    Example:
      graphfraud neo4j start
      graphfraud neo4j query "MATCH (r:Ring) RETURN r.ring_id, r.alert LIMIT 5"
      graphfraud neo4j stop
    """


@neo4j_group.command("install")
@_neo4j_home_option
@quiet_option
@user_errors
def neo4j_install(home: str | None, quiet: bool) -> None:
    """Fetch the pinned Neo4j server, Browser and APOC jars through Maven (once).

    \b
    Example:
      graphfraud neo4j install --home ~/.cache/graphfraud/neo4j
    """
    server = _bundled_server(home)
    lib = server.install(log=progress(quiet))
    click.echo(f"installed: {lib}")


@neo4j_group.command("start")
@_neo4j_home_option
@click.option("--timeout", default=120.0, show_default=True, help="Seconds to wait for the server to answer.")
@click.option("--heap", default="1g", show_default=True, help="JVM heap size.")
@click.option("--pagecache", default="512m", show_default=True, help="Neo4j page cache size.")
@quiet_option
@user_errors
def neo4j_start(home: str | None, timeout: float, heap: str, pagecache: str, quiet: bool) -> None:
    """Start the bundled server on loopback and wait until it answers.

    Installs first if needed.  Also serves the Browser guide (cypher/guide/),
    which opens when Browser connects.

    \b
    Example:
      graphfraud neo4j start && xdg-open http://127.0.0.1:7474/browser/
    """
    server = _bundled_server(home)
    server.heap, server.pagecache = heap, pagecache
    status = server.start(timeout=timeout, log=progress(quiet))
    click.echo("\n".join(status.lines()))


@neo4j_group.command("stop")
@_neo4j_home_option
@click.option("--timeout", default=30.0, show_default=True, help="Seconds to wait after SIGTERM.")
@quiet_option
@user_errors
def neo4j_stop(home: str | None, timeout: float, quiet: bool) -> None:
    """Stop the bundled server cleanly (SIGTERM, then wait).

    \b
    Example:
      graphfraud neo4j stop
    """
    stopped = _bundled_server(home).stop(timeout=timeout, log=progress(quiet))
    click.echo("stopped" if stopped else "not running")


@neo4j_group.command("status")
@_neo4j_home_option
@user_errors
def neo4j_status(home: str | None) -> None:
    """Show whether the bundled server runs, where, and how to connect.

    \b
    Example:
      graphfraud neo4j status
    """
    click.echo("\n".join(_bundled_server(home).status().lines()))


@neo4j_group.command("query")
@click.argument("cypher")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="Query parameter (repeatable); VALUE is parsed as JSON, else taken as text.")  # fmt: skip
@_connection_options
@user_errors
def neo4j_query(
    cypher: str, params: tuple[str, ...], uri: str | None, user: str,
    password: str | None, database: str, home: str | None,
) -> None:  # fmt: skip
    """Run one read-only CYPHER statement and print the result as a table.

    The statement runs in a read transaction: writes are refused.  The last
    line printed is the last row.

    \b
    Example:
      graphfraud neo4j query "MATCH (r:Ring) RETURN r.rank, r.ring_id ORDER BY r.rank LIMIT \\$n" -p n=5
    """
    import json

    from graphfraud.neo4j.queries import format_table, run_read

    values: dict[str, Any] = {}
    for item in params:
        name, sep, raw = item.partition("=")
        if not sep or not name:
            raise click.UsageError(f"--param must look like NAME=VALUE. Got {item!r} instead.")
        try:
            values[name] = json.loads(raw)
        except json.JSONDecodeError:
            values[name] = raw
    with _Connection(uri, user, password, home) as driver:
        result = run_read(driver, cypher, values, database=database)
    click.echo("\n".join(format_table(result)))


def _summary(stats: list[Any], seconds: float) -> str:
    nodes = sum(s.nodes for s in stats)
    rels = sum(s.relationships for s in stats)
    rows = sum(s.rows for s in stats)
    rate = (nodes + rels) / seconds if seconds > 0 else 0.0
    return (f"+{nodes} nodes, +{rels} relationships from {rows} rows in {seconds:.1f} s "
            f"({rate:,.0f} nodes+relationships/s)")  # fmt: skip


@main.command("load")
@click.argument("data_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--rings", "rings_dir", type=click.Path(exists=True, file_okay=False), default=None,
              help="Detection output directory (rings.csv, ring_members.csv) to write back.")
@click.option("--bulk", is_flag=True,
              help="First load with neo4j-admin import (bundled server only; REPLACES the database).")
@click.option("--batch-size", default=5000, show_default=True, type=click.IntRange(1),
              help="Rows per transaction.")
@click.option("--restart", is_flag=True, help="Ignore the resume checkpoints and MERGE everything again.")
@click.option("--retry-time", default=120.0, show_default=True, type=click.FloatRange(min=0), metavar="SECONDS",
              help="How long to keep retrying a batch while the server is unreachable or answers with a "
                   "transient error (waits 0.5, 1, 2, 4, 8, then 10 s); 0 fails at the first error.")
@_connection_options
@quiet_option
@audited()
@user_errors
def load_cmd(
    data_dir: str, rings_dir: str | None, bulk: bool, batch_size: int, restart: bool, retry_time: float,
    uri: str | None, user: str, password: str | None, database: str, home: str | None, quiet: bool,
) -> None:  # fmt: skip
    """Load DATA_DIR (and with --rings, detected rings) into Neo4j.

    Constraints and indexes first (cypher/schema.cypher), then nodes and
    relationships in batched UNWIND ... MERGE transactions.  Re-running changes
    nothing; an interrupted load resumes after its last committed batch.  A
    batch that fails because the server is restarting is retried for up to
    --retry-time seconds.  The password comes from NEO4J_PASSWORD, or the
    bundled server's password file, or a hidden prompt.

    \b
    Example:
      graphfraud neo4j start
      graphfraud load data/sample --rings out/sample
    """
    import time

    from graphfraud.io.read import read_claims_dir
    from graphfraud.io.rings import read_rings
    from graphfraud.neo4j.load import load_claims
    from graphfraud.neo4j.retry import RetryPolicy
    from graphfraud.neo4j.writeback import write_rings

    log = progress(quiet)
    policy = RetryPolicy.within(retry_time)
    if bulk and uri is not None:
        raise click.UsageError("--bulk runs neo4j-admin on the bundled server's files; drop --uri.")
    # Credentials first (a prompt or a missing NEO4J_PASSWORD must not wait for a long read); a bulk
    # load may create the bundled server's password, so it reads the stored one afterwards.
    connection = None if bulk else _Connection(uri, user, password, home)
    data = read_claims_dir(data_dir)
    rings = read_rings(rings_dir) if rings_dir else None
    if bulk:
        click.echo(_bulk_load(data, home, log))
        connection = _Connection(uri, user, password, home)
    started = time.monotonic()
    with connection as driver:
        stats = [] if bulk else load_claims(driver, data, batch_size=batch_size, resume=not restart,
                                            database=database, retry_policy=policy, log=log)  # fmt: skip
        if not bulk:
            click.echo(f"claims graph: {_summary(stats, time.monotonic() - started)}")
        if rings is not None:
            started = time.monotonic()
            ring_stats = write_rings(driver, rings[0], rings[1], data.claims, run_id=rings[2], batch_size=batch_size,
                                     database=database, retry_policy=policy, log=log)  # fmt: skip
            click.echo(f"rings: {_summary(ring_stats, time.monotonic() - started)}")


def _bulk_load(data: Any, home: str | None, log: Callable[[str], None]) -> str:
    import shutil
    import time

    from graphfraud.neo4j.bulk import import_frames, write_import_csvs

    server = _bundled_server(home)
    started = time.monotonic()
    files = import_frames(data)
    csv_dir = server.home / "import" / "graphfraud-bulk"
    shutil.rmtree(csv_dir, ignore_errors=True)
    written = write_import_csvs(files, csv_dir)
    log(f"wrote {len(written)} import CSVs to {csv_dir} in {time.monotonic() - started:.1f} s")
    was_running = server.stop(log=log)
    t0 = time.monotonic()
    server.import_full(
        [(name, path) for kind, name, path in written if kind == "nodes"],
        [(name, path) for kind, name, path in written if kind == "relationships"],
        log=log,
    )
    seconds = time.monotonic() - t0
    nodes = sum(f.rows for f in files if f.kind == "nodes")
    rels = sum(f.rows for f in files if f.kind == "relationships")
    log(f"neo4j-admin import done; {'restarting' if was_running else 'starting'} the server")
    server.start(log=log)
    return (f"bulk import: {nodes} nodes, {rels} relationships in {seconds:.1f} s "
            f"({(nodes + rels) / max(seconds, 1e-9):,.0f} nodes+relationships/s, "
            f"{time.monotonic() - started:.1f} s with CSV writing and restart)")  # fmt: skip


@main.command("case")
@click.argument("ring_id")
@click.option("--status", type=click.Choice(["open", "in_progress", "confirmed", "dismissed"]),
              default=None, help="New case status; without it, show the history.")
@click.option("--note", default="", help="Note recorded with the change (timestamped).")
@click.option("--by", default="", help="Who made the change (investigator's name or id).")
@_connection_options
@user_errors
def case_cmd(
    ring_id: str, status: str | None, note: str, by: str,
    uri: str | None, user: str, password: str | None, database: str, home: str | None,
) -> None:  # fmt: skip
    """Set a ring's case status with a timestamped note, or show its history.

    Statuses follow review: open -> in_progress -> confirmed | dismissed.

    \b
    Example:
      graphfraud case R0001 --status in_progress --note "on-site check booked" --by inspector7
      graphfraud case R0001
    """
    from graphfraud.neo4j.queries import format_table
    from graphfraud.neo4j.writeback import case_history, set_case_status

    with _Connection(uri, user, password, home) as driver:
        if status is not None:
            change = set_case_status(driver, ring_id, status, note, by=by, database=database)
            click.echo(f"{change.ring_id}: {change.previous} -> {change.status} "
                       f"({change.notes} notes)")  # fmt: skip
            return
        history = case_history(driver, ring_id, database=database)
    if not history.rows:
        raise click.ClickException(f"No ring {ring_id!r} in Neo4j.")
    click.echo("\n".join(format_table(history)))


# ---------------------------------------------------------------- end neo4j (issue 4)


# ---------------------------------------------------------------- evidence, verify (issue 5)


@main.command("evidence")
@click.argument("out_dir", type=click.Path(file_okay=False))
@click.argument("ring_id", required=False)
@click.option("--top", type=click.IntRange(1), default=None, metavar="N",
              help="Make packs for the N best rings of rings.csv instead of one RING_ID.")
@click.option("--data", "data_dir", type=click.Path(file_okay=False), default=None,
              help="Claims directory the rings were detected in [default: the one recorded in OUT_DIR/run.json].")
@click.option("--dest", default="evidence", show_default=True, type=click.Path(file_okay=False),
              help="Packs go to DEST/<RING_ID>/ and DEST/<RING_ID>.zip.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the report and figures.")
@click.option("--unmask", is_flag=True, help="Show person ids, phones and addresses instead of their masks.")
@read_options
@quiet_option
@audited(outputs=("dest",))
@user_errors
def evidence_cmd(out_dir: str, ring_id: str | None, top: int | None, data_dir: str | None, dest: str,
                 lang: str, unmask: bool, read_params: Any, quiet: bool) -> None:  # fmt: skip
    """Write an evidence pack (证据材料) for police liaison: one folder and .zip per ring.

    Reads the ring from OUT_DIR (the --out of `graphfraud detect`) and its
    claims from the claims directory, and writes report.html and report.pdf
    (Chinese by default), figures, claims.csv (every claim behind the ring),
    members.csv, baselines, query.cypher, run.json and manifest.json (SHA-256
    of every file and of the inputs).  Person ids, phones and addresses are
    masked consistently unless --unmask.  Check a pack with `graphfraud verify`.

    \b
    Example:
      graphfraud evidence out/sample R41F29EB1F2 --dest evidence
      graphfraud evidence out/sample --top 3 --lang en --data data/sample
      graphfraud verify evidence/R41F29EB1F2.zip
    """
    from graphfraud.evidence.pack import make_packs
    from graphfraud.evidence.source import ring_ids

    if (ring_id is None) == (top is None):
        raise click.UsageError("Give either RING_ID or --top N.")
    ids = [ring_id] if ring_id is not None else ring_ids(out_dir, top=top)
    if not ids:
        raise click.ClickException(f"{out_dir}/rings.csv has no rings; nothing to pack.")
    packs = make_packs(out_dir, ids, data_dir=data_dir, read_params=read_params, dest=dest, lang=lang,
                       unmask=unmask, log=progress(quiet))  # fmt: skip
    for pack in packs:
        click.echo(f"{pack.ring_id}: {pack.path} ({len(pack.manifest['files'])} files), {pack.zip_path}")


@main.command("verify")
@click.argument("pack", type=click.Path(exists=True))
@user_errors
def verify_cmd(pack: str) -> None:
    """Re-hash an evidence pack (folder or .zip) against its manifest.json.

    Exits 0 when every file matches; otherwise names each changed, missing
    or added file and exits 1.

    \b
    Example:
      graphfraud verify evidence/R41F29EB1F2
      graphfraud verify evidence/R41F29EB1F2.zip
    """
    from graphfraud.evidence.verify import verify_pack

    result = verify_pack(pack)
    if not result.ok:
        lines = "\n".join(f"  {p}" for p in result.problems)
        raise click.ClickException(f"{pack}: {len(result.problems)} of {result.checked} files fail verification:\n{lines}")
    click.echo(f"{pack}: OK, {result.checked} files match manifest.json (ring {result.ring_id})")


# ---------------------------------------------------------------- end evidence (issue 5)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
