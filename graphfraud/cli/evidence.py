"""``graphfraud evidence`` and ``graphfraud verify`` (issue 5): evidence packs for police liaison, and their check."""

from __future__ import annotations

from typing import Any

import click

from graphfraud.cli.common import audited, lang_option, main, progress, quiet_option, read_options, user_errors


@main.command("evidence")
@click.argument("out_dir", type=click.Path(file_okay=False))
@click.argument("ring_id", required=False)
@click.option(
    "--top",
    type=click.IntRange(1),
    default=None,
    metavar="N",
    help="Make packs for the N best rings of rings.csv instead of one RING_ID.",
)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Claims directory the rings were detected in [default: the one recorded in OUT_DIR/run.json].",
)
@click.option(
    "--dest",
    default="evidence",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Packs go to DEST/<RING_ID>/ and DEST/<RING_ID>.zip.",
)
@lang_option
@click.option("--unmask", is_flag=True, help="Show person ids, phones and addresses instead of their masks.")
@click.option(
    "--key-file",
    type=click.Path(dir_okay=False),
    envvar="GRAPHFRAUD_PACK_KEY",
    default=None,
    help="The bureau's Ed25519 signing key (PEM, mode 0600) [env GRAPHFRAUD_PACK_KEY; default "
    "~/.config/graphfraud/keys/evidence_ed25519.pem, made on first use].",
)
@read_options
@quiet_option
@audited(outputs=("dest",))
@user_errors
def evidence_cmd(out_dir: str, ring_id: str | None, top: int | None, data_dir: str | None, dest: str,
                 lang: str, unmask: bool, key_file: str | None, read_params: Any, quiet: bool) -> None:  # fmt: skip
    """Write an evidence pack (证据材料) for police liaison: one folder and .zip per ring.

    Reads the ring from OUT_DIR (the --out of `graphfraud detect`) and its
    claims from the claims directory, and writes report.html and report.pdf
    (Chinese by default), figures, claims.csv (every claim behind the ring),
    members.csv, baselines, query.cypher, run.json, manifest.json (SHA-256
    of every file and of the inputs) and manifest.sig (the manifest signed
    with the bureau's Ed25519 key).  Person ids, phones and addresses are
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
    log = progress(quiet)
    key = _signing_key(key_file, log)
    packs = make_packs(out_dir, ids, data_dir=data_dir, read_params=read_params, dest=dest, lang=lang,
                       unmask=unmask, log=log, signing_key=key)  # fmt: skip
    for pack in packs:
        click.echo(f"{pack.ring_id}: {pack.path} ({len(pack.manifest['files'])} files), {pack.zip_path}")


def _signing_key(key_file: str | None, log: Any) -> Any:
    """The signing key of --key-file / GRAPHFRAUD_PACK_KEY, or the default one (made on first use)."""
    from pathlib import Path

    from graphfraud.evidence import sign

    path = Path(key_file).expanduser() if key_file else sign.default_key_path()
    if key_file is None and not path.exists():
        sign.init_key(path)
        key = sign.load_private_key(path)
        log(f"made the signing key {path} (fingerprint {sign.fingerprint(key.public_key())}); give police "
            f"{sign.public_path(path)} and this fingerprint so they can check packs")  # fmt: skip
        return key
    return sign.load_private_key(path)


def _trusted(keys: tuple[str, ...]) -> dict[str, str]:
    """{fingerprint: key file} of --key files, the own public key and ~/.config/graphfraud/trusted/*.pem."""
    import os
    from pathlib import Path

    from graphfraud.evidence import sign

    own = Path(os.environ["GRAPHFRAUD_PACK_KEY"]) if os.environ.get("GRAPHFRAUD_PACK_KEY") else sign.default_key_path()
    paths = [Path(k) for k in keys]
    if not keys:
        folder = sign.default_key_path().parent.parent / "trusted"
        paths += [p for p in (sign.public_path(own),) if p.is_file()]
        paths += sorted(folder.glob("*.pem")) if folder.is_dir() else []
    return {sign.fingerprint(sign.load_public_key(p)): str(p) for p in paths}


@main.group("keys")
def keys_group() -> None:
    """The bureau's evidence-signing key (Ed25519).

    \b
    Example:
      graphfraud keys init
      graphfraud keys show
    """


@keys_group.command("init")
@click.option(
    "--key-file",
    type=click.Path(dir_okay=False),
    envvar="GRAPHFRAUD_PACK_KEY",
    default=None,
    help="Where to write the private key [env GRAPHFRAUD_PACK_KEY; default "
    "~/.config/graphfraud/keys/evidence_ed25519.pem]; the public key goes next to it as .pub.pem.",
)
@user_errors
def keys_init_cmd(key_file: str | None) -> None:
    """Make the signing key pair (private key mode 0600); refuses to overwrite one.

    \b
    Example:
      graphfraud keys init
    """
    from pathlib import Path

    from graphfraud.evidence import sign

    path = sign.init_key(Path(key_file).expanduser() if key_file else sign.default_key_path())
    key = sign.load_private_key(path)
    click.echo(
        f"private key {path} (keep it; mode 0600)\npublic key  {sign.public_path(path)} (give it to police)\n"
        f"fingerprint {sign.fingerprint(key.public_key())}"
    )


@keys_group.command("show")
@click.option(
    "--key-file",
    type=click.Path(dir_okay=False),
    envvar="GRAPHFRAUD_PACK_KEY",
    default=None,
    help="The private or public key [env GRAPHFRAUD_PACK_KEY; default the bureau key].",
)
@user_errors
def keys_show_cmd(key_file: str | None) -> None:
    """Print the fingerprint of the signing key, to publish with its public key.

    \b
    Example:
      graphfraud keys show
    """
    from pathlib import Path

    from graphfraud.evidence import sign

    path = Path(key_file).expanduser() if key_file else sign.default_key_path()
    click.echo(f"{sign.fingerprint(sign.load_public_key(path))}  {path}")


@main.command("verify")
@click.argument("pack", type=click.Path(exists=True))
@click.option(
    "--key",
    "keys",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True),
    help="The bureau's public key (PEM), repeatable [default: your own key and ~/.config/graphfraud/trusted/*.pem].",
)
@click.option(
    "--allow-unsigned", is_flag=True, help="Accept a pack without manifest.sig (integrity only, not authenticity)."
)
@user_errors
def verify_cmd(pack: str, keys: tuple[str, ...], allow_unsigned: bool) -> None:
    """Check an evidence pack (folder or .zip): its signature, its manifest and every file's SHA-256.

    Exits 0 when the manifest is signed by a trusted key, every file
    matches it and the reasons recomputed from the pack's data (peers.csv:
    repeat_stays, misused_cards) agree; otherwise names what failed (a
    changed, missing or added file, a number the pack's data does not give,
    an altered manifest or signature, an unknown signer, a damaged or
    tampered zip) and exits 1.

    \b
    Example:
      graphfraud verify evidence/R41F29EB1F2
      graphfraud verify evidence/R41F29EB1F2.zip --key bureau.pub.pem
    """
    from graphfraud.evidence.verify import verify_pack

    trusted = _trusted(keys)
    result = verify_pack(pack, trusted=trusted)
    if result.signature_problem:
        raise click.ClickException(f"{pack}: signature invalid: {result.signature_problem}")
    if result.problems:
        lines = "\n".join(f"  {p}" for p in result.problems + result.mismatches)
        raise click.ClickException(
            f"{pack}: {len(result.problems)} of {result.checked} files fail verification:\n{lines}"
        )
    if result.mismatches:
        lines = "\n".join(f"  {p}" for p in result.mismatches)
        raise click.ClickException(
            f"{pack}: 理由中的数字与证据包自身的数据不符，共 {len(result.mismatches)} 处 (the reasons' numbers do not "
            f"agree with the pack's own data, {len(result.mismatches)} found):\n{lines}"
        )
    files = f"{result.checked} files match manifest.json (ring {result.ring_id})"
    if result.recomputed:
        files += f"; {result.recomputed} reason(s) recomputed from peers.csv agree"
    if result.signed_by is None:
        if not allow_unsigned:
            raise click.ClickException(f"{pack}: not signed (no manifest.sig): {files}, but that proves integrity "
                                       "only, not authenticity; pass --allow-unsigned to accept it")  # fmt: skip
        click.echo(f"{pack}: integrity only, not authenticity (unsigned): {files}")
        return
    if not result.trusted:
        raise click.ClickException(f"{pack}: signature valid, but signed by {result.signed_by}, which is not a "
                                   f"trusted key; if the bureau confirms this fingerprint, pass its public key "
                                   f"with --key")  # fmt: skip
    click.echo(f"{pack}: OK, signature valid, signed by {result.signed_by} ({trusted[result.signed_by]}); {files}")
