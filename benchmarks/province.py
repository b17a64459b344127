"""A province: N synthetic cities concatenated, run through `graphfraud detect --by-region`.

Each city is one `graphfraud synth` world of PERSONS persons (a 1M-person city has about 10M
claims) with its own seed, city code (3502 Xiamen, 3501 Fuzhou, 3503 Putian, ...) and id prefix,
so ids never clash.  Cities are generated one at a time (each in its own process, under the
caller's `nice`), then every table is concatenated with a streaming ParquetWriter, one record
batch at a time (never a whole table in memory).  The province is then detected with
`/usr/bin/time -v graphfraud detect PROVINCE --out OUT --by-region --work WORK`: wall time and peak
RSS (the largest of the parent and of every region's child process), per-region figures from
run.json, disk used, and the `evaluate` quality against the concatenated labels.

    nice -n 19 python benchmarks/province.py --cities 3                 # 30M claims -> results/province-3x1M.md
    python benchmarks/province.py --cities 10 --jobs 2 --root /data/p    # 100M claims: ~4 GB of Parquet input
    python benchmarks/province.py --cities 2 --persons 3000              # a tiny province (tests)

Cities and the province are cached under --root (a city is reused when its `.done` marker is there).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))  # graphfraud from this checkout

from _common import REPO, header, machine, save, table  # noqa: E402

from graphfraud.params import RunParams, ScoreParams, to_json  # noqa: E402

#: City codes (Fujian's prefecture-level cities, then Nanchang), one per city of the province.
CITY_CODES = ("3502", "3501", "3503", "3504", "3505", "3506", "3507", "3508", "3509", "3601")
TABLES = ("persons", "facilities", "pharmacies", "doctors", "claims", "claim_items", "labels")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def graphfraud(*args: str) -> list[str]:
    """The command line of `graphfraud ARGS` from this checkout (never an installed copy)."""
    return [sys.executable, "-c", "import sys; from graphfraud.cli import main; sys.exit(main())", *args]


def timed(cmd: list[str], *, out: Path) -> dict:
    """Run ``cmd`` under /usr/bin/time -v; wall seconds, peak RSS GB and CPU seconds."""
    env = os.environ | {"PYTHONPATH": str(REPO)}
    with open(out, "w") as f:
        done = subprocess.run(["/usr/bin/time", "-v", *cmd], stdout=f, stderr=subprocess.STDOUT, env=env)
    text = out.read_text(encoding="utf-8", errors="replace")
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:6])}... failed (exit {done.returncode}); see {out}")
    return parse_time(text)


def parse_time(text: str) -> dict:
    """Wall time, peak RSS and CPU time from the output of GNU time -v."""

    def grab(label: str) -> str:
        m = re.search(rf"{re.escape(label)}: (.+)", text)
        return m.group(1).strip() if m else ""

    clock = [float(x) for x in grab("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")]
    wall = sum(v * 60**i for i, v in enumerate(reversed(clock)))
    return {
        "wall_s": round(wall, 1),
        "peak_gb": round(int(grab("Maximum resident set size (kbytes)")) / 1024**2, 2),
        "cpu_s": round(float(grab("User time (seconds)")) + float(grab("System time (seconds)")), 1),
    }


def make_cities(root: Path, cities: int, persons: int, days: int, *, jobs: int = 1) -> list[dict]:
    """Generate (or reuse) each city's world; ``jobs`` cities at a time, each in its own process."""

    def one(i: int, code: str) -> dict:
        d = root / "cities" / code
        if (d / ".done").exists():
            log(f"city {code}: reusing {d}")
            return {"city": code, "seed": i, "note": "reused"}
        shutil.rmtree(d, ignore_errors=True)
        d.parent.mkdir(parents=True, exist_ok=True)
        log(f"city {code}: {persons:,} persons, seed {i}")
        t = timed(
            graphfraud(
                "synth",
                str(d),
                "--persons",
                str(persons),
                "--days",
                str(days),
                "--seed",
                str(i),
                "--city",
                code,
                "--id-prefix",
                code,
                "--format",
                "parquet",
                "-q",
            ),
            out=root / "cities" / f"{code}.log",
        )
        (d / ".done").touch()
        note = f"{jobs} at a time" if jobs > 1 else ""
        return {"city": code, "seed": i, "synth s": t["wall_s"], "synth peak GB": t["peak_gb"], "note": note}

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, range(1, cities + 1), CITY_CODES[:cities]))


def concatenate(root: Path, codes: list[str], dest: Path) -> dict[str, int]:
    """Every table of every city into ``dest/NAME.parquet``, one record batch at a time."""
    if (dest / ".done").exists() and json.loads((dest / ".done").read_text()) == codes:
        log(f"province: reusing {dest}")
        return {t: pq.ParquetFile(dest / f"{t}.parquet").metadata.num_rows for t in TABLES}
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    rows = {}
    for name in TABLES:
        files = [pq.ParquetFile(root / "cities" / c / f"{name}.parquet") for c in codes]
        schema = files[0].schema_arrow.remove_metadata()
        n = 0
        with pq.ParquetWriter(dest / f"{name}.parquet", schema, compression="zstd") as writer:
            for f in files:
                for batch in f.iter_batches(batch_size=1 << 20):
                    writer.write_batch(batch.cast(schema) if batch.schema != schema else batch, row_group_size=1 << 20)
                    n += batch.num_rows
        rows[name] = n
        log(f"province: {name} {n:,} rows")
    (dest / ".done").write_text(json.dumps(codes))
    return rows


def du_gb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1024**3, 2)


def quality(out: Path, labels: Path) -> dict:
    import pandas as pd

    from graphfraud.analyses.evaluate import evaluate

    rings = pd.read_csv(out / "rings.csv", dtype={"ring_id": str})
    members = pd.read_csv(out / "ring_members.csv", dtype=str)
    lab = pq.read_table(labels).to_pandas().astype(str)
    planted = lab.loc[~lab.ring_id.str.startswith("benign:"), "ring_id"].nunique()
    e = evaluate(rings, members, lab, top=planted + 5)
    return {
        "top K": planted + 5,
        "found": f"{e.found}/{e.planted}",
        "recall": round(e.found / max(e.planted, 1), 3),
        "benign in top K": f"{e.benign_in_top}/{e.benign_groups}",
    }


OUTPUTS = ("rings.csv", "ring_members.csv", "ring_reasons.csv", "ring_claims.csv", "explained.csv")


def on_spark(
    province: Path,
    out: Path,
    work: Path,
    params: Path,
    master: str,
    log_file: Path,
    local: dict,
    local_record: dict,
    local_out: Path,
) -> str:
    """detect --by-region --engine spark on the split the local run left in ``work``; a Markdown section."""
    run = timed(
        graphfraud(
            "detect",
            str(province),
            "--out",
            str(out),
            "--by-region",
            "--work",
            str(work),
            "--params",
            str(params),
            "--engine",
            "spark",
            "--spark-master",
            master,
            "--spark-conf",
            "spark.driver.memory=1g",
        ),
        out=log_file,
    )
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    same = all((out / f).read_bytes() == (local_out / f).read_bytes() for f in OUTPUTS)
    rows = []
    for engine, r, rec in (
        ("local, one region after the other", local, local_record),
        (f"spark {master}", run, record),
    ):
        rows.append(
            {
                "regions run by": engine,
                "wall s": r["wall_s"],
                "CPU s": r["cpu_s"],
                "peak GB (time -v)": r["peak_gb"],
                "split s": rec["timings_s"].get("split"),
                "regions s": rec["timings_s"].get("regions (wall)"),
                "largest region peak GB": max(x["peak_memory_gb"] for x in rec["by_region"]["regions"]),
            }
        )
    ratio = rows[1]["regions s"] / max(rows[0]["regions s"], 1e-9)
    return (
        "\n## Regions as Spark tasks (`--engine spark`, same split, same run)\n\n"
        + table(rows, list(rows[0]))
        + f"\nRegions phase, Spark / local: **{ratio:.2f}**. The five output files are "
        + ("byte-identical" if same else "**not** identical")
        + " to the local run's. Peak memory of a Spark "
        "run is the largest of the processes `time -v` waits for (the driver and its JVM); the Python workers "
        "that run the regions belong to the Spark JVM and report their own peaks (largest region peak).\n"
    )


def report(
    info: dict, cities: list[dict], rows: dict[str, int], run: dict, record: dict, disk: dict, q: dict, target: int
) -> str:
    text = header("graphfraud detect --by-region on a synthetic province", info)
    text += "\n## Cities\n\n" + table(cities, ["city", "seed", "synth s", "synth peak GB", "note"])
    text += "\n## Input\n\n" + table([{"table": k, "rows": v} for k, v in rows.items()], ["table", "rows"])
    br = record["by_region"]
    regions = br["regions"]
    biggest = max(regions, key=lambda r: r["claims"])
    summary = {
        "claims": rows["claims"],
        "regions": len(regions),
        "wall s": run["wall_s"],
        "CPU s": run["cpu_s"],
        "peak GB (time -v)": run["peak_gb"],
        "split s": record["timings_s"].get("split"),
        "regions s": record["timings_s"].get("regions (wall)"),
        "merge s": record["timings_s"].get("merge"),
        "split+merge peak GB": br["peak_memory_gb_split_and_merge"],
        "largest region": f"{biggest['region']} ({biggest['claims']:,} claims, {biggest['peak_memory_gb']} GB)",
    }
    text += "\n## detect --by-region\n\n" + table([summary], list(summary))
    text += "\n" + table([disk], list(disk))
    text += "\n## Quality (`evaluate`, top K = planted fraud rings + 5)\n\n" + table([q], list(q))
    text += "\n## Regions\n\n" + table(regions, ["region", "claims", "rings", "explained", "seconds", "peak_memory_gb"])
    per_claim = run["wall_s"] / max(rows["claims"], 1)
    if rows["claims"] >= target:  # measured at (or beyond) the target size: nothing to extrapolate
        return text
    text += (
        f"\n## Extrapolation (not measured)\n\nTime grows with the claims (every region is run in turn; the "
        f"split streams every row twice at most) and peak memory with the largest region, not the province. "
        f"At this run's {per_claim * 1e6:.1f} s per million claims, {target:,} claims would take about "
        f"{per_claim * target / 3600:.1f} h on this machine under the same load, with a peak near "
        f"{run['peak_gb']} GB if no region is larger than {biggest['claims']:,} claims.\n"
    )
    return text


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cities", type=int, default=3, help=f"cities in the province (1..{len(CITY_CODES)})")
    p.add_argument("--persons", type=int, default=1_000_000, help="persons per city (1M: ~10M claims)")
    p.add_argument("--days", type=int, default=365)
    p.add_argument(
        "--jobs", type=int, default=1, help="cities generated at a time (each synth of 1M persons peaks near 7 GB)"
    )
    p.add_argument("--root", type=Path, default=Path("/tmp/province"), help="cities, province, regions, outputs")
    p.add_argument("--out", type=Path, help="Markdown result file [benchmarks/results/province-NxP.md]")
    p.add_argument("--target", type=int, default=100_000_000, help="claims to extrapolate to")
    p.add_argument(
        "--max-rings",
        type=int,
        default=None,
        help="ScoreParams.max_rings of the merged list [default 500 per city: a city plants ~270 rings]",
    )
    p.add_argument(
        "--spark-master",
        default=None,
        metavar="URL",
        help="also run the regions as Spark tasks on this master (e.g. local[2]), on the same split",
    )
    a = p.parse_args(argv)
    if not 1 <= a.cities <= len(CITY_CODES):
        raise SystemExit(f"--cities must be between 1 and {len(CITY_CODES)}")
    info = machine() | {"cities": str(a.cities), "persons per city": f"{a.persons:,}"}
    cities = make_cities(a.root, a.cities, a.persons, a.days, jobs=a.jobs)
    codes = list(CITY_CODES[: a.cities])
    province = a.root / f"province-{a.cities}x{a.persons}"
    rows = concatenate(a.root, codes, province)
    out, work = a.root / f"out-{a.cities}x{a.persons}", a.root / f"regions-{a.cities}x{a.persons}"
    shutil.rmtree(work, ignore_errors=True)  # measure the split too
    max_rings = a.max_rings or 500 * a.cities
    info["max_rings"] = f"{max_rings} (the default 500 would cut a province's list short)"
    params = a.root / "params.json"
    params.write_text(
        to_json(dataclasses.replace(RunParams(), score=dataclasses.replace(ScoreParams(), max_rings=max_rings)))
    )
    log(f"detect --by-region {province}")
    run = timed(
        graphfraud(
            "detect", str(province), "--out", str(out), "--by-region", "--work", str(work), "--params", str(params)
        ),
        out=a.root / f"detect-{a.cities}x{a.persons}.log",
    )
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    disk = {"input GB": du_gb(province), "regions GB (--work)": du_gb(work), "output GB": du_gb(out)}
    text = report(info, cities, rows, run, record, disk, quality(out, province / "labels.parquet"), a.target)
    if a.spark_master:
        log(f"detect --by-region --engine spark --spark-master {a.spark_master}")
        text += on_spark(
            province,
            a.root / f"out-{a.cities}x{a.persons}-spark",
            work,
            params,
            a.spark_master,
            a.root / f"detect-{a.cities}x{a.persons}-spark.log",
            run,
            record,
            out,
        )
    print(text)
    if a.out:
        a.out.write_text(text, encoding="utf-8")
    size = f"{a.persons // 1_000_000}M" if a.persons % 1_000_000 == 0 else str(a.persons)
    log(f"written {a.out or save(text, f'province-{a.cities}x{size}.md')}")


if __name__ == "__main__":
    main()
