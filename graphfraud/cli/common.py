"""What every ``graphfraud`` command shares: the ``main`` group, errors, progress, audit log, read options.

Commands parse options, build parameters, call the library, print results to
stdout and progress to stderr.  A :class:`~graphfraud.errors.GraphfraudError`
becomes a one-line message and exit code 1 (``ParamError``: 2); a user never
sees a traceback for their own mistake.  Commands that read claims data are
``@audited``: each run appends one line to the audit log (graphfraud.audit).
"""

from __future__ import annotations

import errno
import functools
import os
from collections.abc import Callable
from typing import Any

import click

from graphfraud import __version__
from graphfraud.errors import GraphfraudError, ParamError


#: OS errors a user's machine causes (full disk, quota, read-only or unreadable place): one line, no traceback.
_SYSTEM_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO,
                            errno.EMFILE, errno.ENFILE, errno.EFBIG, errno.ENOTDIR, errno.EISDIR})  # fmt: skip


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
        except OSError as exc:
            if exc.errno not in _SYSTEM_ERRNOS:
                raise
            where = f" {exc.filename}" if exc.filename else ""
            raise click.ClickException(f"cannot read or write{where}: {exc.strerror}; nothing was published "
                                       "(outputs appear whole or not at all)") from None  # fmt: skip

    return wrapper


def quiet_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--quiet", "-q", is_flag=True, help="Print no progress on stderr.")(func)


def lang_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """--lang zh|en (default zh, or GRAPHFRAUD_LANG): the language of what people read."""
    return click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default="zh",
        envvar="GRAPHFRAUD_LANG",
        show_default=True,
        show_envvar=True,
        help="Chinese (default) or English for reasons, headings, typologies and roles.",
    )(func)


def progress(quiet: bool) -> Callable[[str], None]:
    """A logger that writes to stderr unless ``quiet``."""

    def log(message: str) -> None:
        if not quiet:
            click.echo(message, err=True)

    return log


#: The umask every command runs under: outputs are created 0600 (files) and 0700 (folders).
PRIVATE_UMASK = 0o077


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="graphfraud")
@click.option(
    "--audit-log",
    type=click.Path(dir_okay=False),
    envvar="GRAPHFRAUD_AUDIT_LOG",
    default=None,
    help="JSON-lines audit log of commands that read claims data "
    "[env GRAPHFRAUD_AUDIT_LOG; default ~/.local/state/graphfraud/audit.jsonl].",
)
@click.pass_context
def main(ctx: click.Context, audit_log: str | None) -> None:
    """Find organised medical-insurance fraud rings (医保欺诈骗保团伙) in settlement data.

    \b
    Example:
      graphfraud synth data/world --persons 5000 --seed 7
      graphfraud detect data/world --out out/world
    """
    ctx.meta["graphfraud.audit_log"] = audit_log
    # Every file and folder a command writes (detect --out, evidence --dest, export, --work, synth, the
    # audit log, Neo4j) holds personal data: private to the user, whatever the shell's umask.
    previous = os.umask(PRIVATE_UMASK)
    ctx.call_on_close(lambda: os.umask(previous))


def audited(
    *, outputs: tuple[str, ...] = (), only_if_read: bool = False, hash_inputs: bool = True
) -> Callable[..., Any]:
    """Append audit lines (graphfraud.audit): one before each output is published, one when the command ends.

    ``outputs`` names the parameters that hold output files or directories;
    ``only_if_read`` logs only when the command actually read claims;
    ``hash_inputs=False`` records the claims directory without hashing its
    files (commands that do not read them, e.g. export).  The line before an
    output is published (``"stage": "publish"``, with the SHA-256 of its
    files) must be written, or the output is not published and the command
    fails: no result without a record.
    """

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            import datetime as dt
            import time

            from graphfraud.io.write import BEFORE_PUBLISH

            ctx = click.get_current_context()
            ctx.meta["graphfraud.audit_hash_inputs"] = hash_inputs
            started, since = dt.datetime.now(dt.timezone.utc), time.time()
            token = BEFORE_PUBLISH.set(functools.partial(_audit_publish, ctx, started))
            try:
                value = func(*args, **kwargs)
            except BaseException as exc:
                if not isinstance(exc, click.exceptions.Exit) or exc.exit_code != 0:
                    _audit(ctx, started, since, outputs, only_if_read, error=type(exc).__name__)
                raise
            finally:
                BEFORE_PUBLISH.reset(token)
            _audit(ctx, started, since, outputs, only_if_read, error=None)
            return value

        return wrapper

    return decorate


#: Files larger than this are recorded in a publish line by size only (a region split can be many GB).
PUBLISH_HASH_LIMIT = 256 << 20


def _audit_publish(ctx: click.Context, started: Any, tmp: Any, dest: Any) -> None:
    """The audit line written just before ``tmp`` replaces ``dest``; failing to write it stops the publication."""
    from graphfraud import audit
    from graphfraud.io.write import file_sha256

    files = [tmp] if tmp.is_file() else sorted(p for p in tmp.rglob("*") if p.is_file())
    outputs = {}
    for p in files:
        name = str(dest) if p == tmp else str(dest / p.relative_to(tmp))
        size = p.stat().st_size
        outputs[name] = file_sha256(p) if size <= PUBLISH_HASH_LIMIT else f"{size} bytes (not hashed)"
    read = ctx.meta.get("graphfraud.audit_read")
    entry = audit.audit_entry(ctx.command_path, params=ctx.params, ok=True, outputs=outputs, started=started,
                              input_dir=read[0] if read else None, inputs=read[1] if read else None,
                              stage="publish")  # fmt: skip
    path = ctx.meta.get("graphfraud.audit_log") or audit.default_path()
    try:
        audit.append(path, entry)
    except OSError as exc:
        raise click.ClickException(f"cannot write the audit log {path}: {exc.strerror or exc}; nothing was "
                                   f"published to {dest}; set --audit-log or GRAPHFRAUD_AUDIT_LOG to a writable "
                                   "file") from None  # fmt: skip


def _audit(
    ctx: click.Context, started: Any, since: float, outputs: tuple[str, ...], only_if_read: bool, error: str | None
) -> None:
    from graphfraud import audit

    read = ctx.meta.get("graphfraud.audit_read")
    if only_if_read and read is None:
        return
    input_dir, inputs = read or (ctx.params.get("data_dir") or _recorded_data_dir(ctx.params.get("out_dir")), None)
    if inputs is None and input_dir and ctx.meta.get("graphfraud.audit_hash_inputs", True):
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
            raise click.ClickException(
                f"cannot write the audit log {path}: {exc.strerror or exc}; "
                "set --audit-log or GRAPHFRAUD_AUDIT_LOG to a writable file"
            ) from None
        click.echo(f"warning: cannot write the audit log {path}: {exc.strerror or exc}", err=True)


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


# ---------------------------------------------------------------- reading a claims directory
# `read_options` is the shared option group of every command that reads a claims directory:
# it passes `read_params: ReadParams` on; `read_logged` reads with progress and audit.


def _check_encoding(ctx: click.Context, param: click.Parameter, value: str) -> str:
    import codecs

    try:
        codecs.lookup(value)
    except LookupError:
        raise click.BadParameter(f"unknown encoding {value!r}; use e.g. utf-8, gbk or gb18030") from None
    return value


def read_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add --mapping, --lenient, --max-skipped and --encoding; the command receives ``read_params``."""

    @functools.wraps(func)
    def wrapper(
        *args: Any, mapping: str | None, lenient: bool, max_skipped: float, encoding: str, **kwargs: Any
    ) -> Any:
        from graphfraud.params import ReadParams

        params = ReadParams(mapping=mapping, lenient=lenient, encoding=encoding, max_skipped=max_skipped / 100)
        return func(*args, read_params=params, **kwargs)

    options = [
        click.option("--mapping", metavar="nhsa|FILE.yaml", default=None,
                     help="Column names of the export: 'nhsa' for the national platform's "
                          "(psn_no, setl_id, ...), or a YAML mapping file."),
        click.option("--lenient", is_flag=True,
                     help="Skip rows that break the data contract, and report how many and why, "
                          "instead of failing."),
        click.option("--max-skipped", type=click.FloatRange(0, 100), default=1.0, show_default=True,
                     metavar="PERCENT",
                     help="With --lenient, refuse when more than this percentage of a table's rows would be "
                          "skipped (naming the file, the share and the first reasons)."),
        click.option("--encoding", default="utf-8", show_default=True, callback=_check_encoding,
                     help="Text encoding of the CSV files, e.g. gbk for files saved by Chinese Excel."),
    ]  # fmt: skip
    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def read_logged(
    data_dir: str,
    params: Any,
    log: Callable[[str], None],
    *,
    skip: tuple[str, ...] = (),
    codes: tuple[str, ...] = (),
) -> Any:
    """read_claims_dir, with skipped-row warnings and timing sent to the progress log.

    ``skip``: text columns the command does not use (checked, then not kept); ``codes``: enum columns kept as
    categoricals (see read_claims_dir).
    """
    import time
    import warnings

    from graphfraud.io.memory import small_pages
    from graphfraud.io.read import read_claims_dir
    from graphfraud.io.validate import SkippedRowsWarning

    small_pages()  # fresh memory in 4 KiB pages: huge pages cost the kernel dearly, stage after stage (io.memory)
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SkippedRowsWarning)
        data = read_claims_dir(data_dir, params, skip=skip, codes=codes, log=log)
    click.get_current_context().meta["graphfraud.audit_read"] = (data_dir, dict(data.source))  # audit log
    for w in caught:
        if issubclass(w.category, SkippedRowsWarning):
            log(f"warning: {w.message}")
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    log(f"read {data_dir} in {time.perf_counter() - start:.1f} s")
    return data
