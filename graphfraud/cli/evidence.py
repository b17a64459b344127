"""``graphfraud evidence`` and ``graphfraud verify`` (issue 5): evidence packs for police liaison, and their check."""

from __future__ import annotations

from typing import Any

import click

from graphfraud.cli.common import audited, lang_option, main, progress, quiet_option, read_options, user_errors


@main.command("evidence")
@click.argument("out_dir", type=click.Path(file_okay=False))
@click.argument("ring_id", required=False)
@click.option("--top", type=click.IntRange(1), default=None, metavar="N",
              help="Make packs for the N best rings of rings.csv instead of one RING_ID.")
@click.option("--data", "data_dir", type=click.Path(file_okay=False), default=None,
              help="Claims directory the rings were detected in [default: the one recorded in OUT_DIR/run.json].")
@click.option("--dest", default="evidence", show_default=True, type=click.Path(file_okay=False),
              help="Packs go to DEST/<RING_ID>/ and DEST/<RING_ID>.zip.")
@lang_option
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
