"""Retry Neo4j work that failed for a passing reason, with exponential back-off.

A batch of a load is one transaction; if the server restarts, a cluster
leader changes or a lock times out while it runs, the driver raises
``ServiceUnavailable``, ``SessionExpired``, ``IncompleteCommit`` or a
``TransientError`` (``Neo.TransientError.*``).  :func:`retry` runs the batch
again after waits of ``first_delay``, ``first_delay * factor``, ... (each at
most ``max_delay``), for at most ``attempts`` tries and ``max_time`` seconds,
and logs one line per retry.  Anything else (a wrong password, a Cypher
syntax error, a constraint violation) fails at once: trying again cannot help.

Retrying is safe because every graphfraud write is idempotent: statements
``MERGE`` by id and ``SET`` the same values, and the resume checkpoint is
written in the batch's own transaction.  So a batch whose commit reached the
server before the connection broke (``IncompleteCommit``) can be sent again.

The driver's own managed-transaction retry (``execute_write``, 30 s) is not
used for batches: its waits cannot be bounded per call or logged.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from neo4j import exceptions as nx

from graphfraud.errors import Neo4jError, ParamError

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry one transaction after a transient failure.

    The defaults wait 0.5, 1, 2, 4 and 8 s, then 10 s ten times (115.5 s in
    all) between 16 tries.  That outlasts a restart of the bundled server:
    about 11 s on an idle machine, up to 60 s (stop included) on a busy
    two-core one (tests/neo4j/test_faults_live.py).

    Examples
    --------
    >>> backoff_delays(RetryPolicy())[:7], sum(backoff_delays(RetryPolicy()))
    ([0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0], 115.5)
    >>> backoff_delays(RetryPolicy(max_time=5.0))
    [0.5, 1.0, 2.0]
    >>> backoff_delays(RetryPolicy.none())
    []
    """

    attempts: int = 16  # tries of one transaction, the first included (1: never retry)
    first_delay: float = 0.5  # seconds to wait before the second try
    factor: float = 2.0  # each wait is this many times the previous one
    max_delay: float = 10.0  # longest single wait, seconds
    max_time: float = 120.0  # seconds from the first failure after which no further try starts

    def __post_init__(self) -> None:
        checks = (
            ("attempts", self.attempts, isinstance(self.attempts, int) and self.attempts >= 1, "an int >= 1"),
            ("first_delay", self.first_delay, self.first_delay >= 0, "a number >= 0"),
            ("factor", self.factor, self.factor >= 1, "a number >= 1"),
            ("max_delay", self.max_delay, self.max_delay >= 0, "a number >= 0"),
            ("max_time", self.max_time, self.max_time >= 0, "a number >= 0"),
        )
        for name, value, ok, what in checks:
            if not ok:
                raise ParamError(f"The '{name}' parameter of RetryPolicy must be {what}. Got {value!r} instead.")

    @classmethod
    def none(cls) -> RetryPolicy:
        """A policy that never retries (the first failure is final)."""
        return cls(attempts=1, max_time=0.0)

    @classmethod
    def within(cls, seconds: float) -> RetryPolicy:
        """The default waits, bounded by time only: no try starts ``seconds`` after the first failure.

        >>> RetryPolicy.within(120) == RetryPolicy(attempts=10_000)
        True
        >>> backoff_delays(RetryPolicy.within(0))
        []
        """
        return cls(attempts=10_000, max_time=float(seconds))


def backoff_delays(policy: RetryPolicy) -> list[float]:
    """The waits between tries, in seconds: at most ``attempts - 1``, summing to at most ``max_time``.

    >>> backoff_delays(RetryPolicy(attempts=4, first_delay=1, factor=3, max_delay=5))
    [1.0, 3.0, 5.0]
    """
    out: list[float] = []
    delay = float(policy.first_delay)
    for _ in range(policy.attempts - 1):
        wait = float(min(delay, policy.max_delay))
        if sum(out) + wait > policy.max_time:
            break
        out.append(wait)
        delay *= policy.factor
    return out


def is_transient(exc: BaseException) -> bool:
    """Whether retrying the same idempotent transaction may succeed.

    True for a lost or refused connection (``ServiceUnavailable``,
    ``SessionExpired``, ``IncompleteCommit``) and for the server's
    ``Neo.TransientError.*`` codes except a terminated transaction; False for
    everything else, among them ``AuthError`` and ``CypherSyntaxError``.

    >>> is_transient(nx.ServiceUnavailable("connection refused"))
    True
    >>> is_transient(nx.AuthError("Neo.ClientError.Security.Unauthorized"))
    False
    """
    if isinstance(exc, nx.IncompleteCommit):
        return True  # our writes are idempotent, so sending the batch again is safe
    if isinstance(exc, (nx.Neo4jError, nx.DriverError)):
        return bool(exc.is_retryable())
    return False


def retry(
    call: Callable[[], T],
    *,
    policy: RetryPolicy,
    what: str,
    log: Callable[[str], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """Run ``call()``; on a transient Neo4j error wait and run it again, as ``policy`` allows.

    Parameters
    ----------
    call : callable
        One idempotent unit of work (a whole transaction), without arguments.
    policy : RetryPolicy
        Number of tries, waits and time limit.
    what : str
        What ``call`` does, for log lines and errors (``"claims batch 7 of 23"``).
    log : callable or None
        Receives one line per retry.
    sleep, clock : callable
        ``time.sleep`` and ``time.monotonic`` (replaced in tests).

    Returns
    -------
    The value of the first successful ``call()``.

    Raises
    ------
    Neo4jError
        The error was still transient after the last try allowed (the message
        gives the number of tries and the seconds spent).
    Exception
        A non-transient error, re-raised at once as the driver raised it (the
        caller's :func:`~graphfraud.neo4j.queries.driver_errors` words it).

    Examples
    --------
    >>> failures = [nx.ServiceUnavailable("refused"), nx.SessionExpired("gone")]
    >>> def flaky():
    ...     if failures:
    ...         raise failures.pop(0)
    ...     return "committed"
    >>> retry(flaky, policy=RetryPolicy(), what="claims batch 3 of 9", log=print, sleep=lambda s: None)
    Neo4j: ServiceUnavailable during claims batch 3 of 9 (refused); retry 1 of 15 in 0.5 s
    Neo4j: SessionExpired during claims batch 3 of 9 (gone); retry 2 of 15 in 1.0 s
    'committed'
    """
    delays = backoff_delays(policy)
    first_failure: float | None = None
    for attempt in range(len(delays) + 1):
        try:
            return call()
        except Exception as exc:
            if not is_transient(exc):
                raise
            now = clock()
            first_failure = now if first_failure is None else first_failure
            spent = now - first_failure
            if attempt == len(delays) or spent + delays[attempt] > policy.max_time:
                raise Neo4jError(_gave_up(exc, what, attempt + 1, spent)) from None
            if log is not None:
                log(f"Neo4j: {type(exc).__name__} during {what} ({one_line(exc)}); "
                    f"retry {attempt + 1} of {len(delays)} in {delays[attempt]:.1f} s")  # fmt: skip
            sleep(delays[attempt])
    raise AssertionError("unreachable")  # pragma: no cover


def _gave_up(exc: BaseException, what: str, tries: int, spent: float) -> str:
    tried = "no retry allowed" if tries == 1 else f"{tries} tries over {spent:.1f} s"
    return (
        f"Neo4j stopped answering during {what} ({type(exc).__name__}: {one_line(exc)}; {tried}). "
        "Start the server (`graphfraud neo4j start`) and run the same command again to finish: "
        "committed batches are kept."
    )


def one_line(exc: object, limit: int = 200) -> str:
    """An exception's message (or any text) on one line, at most ``limit`` characters.

    >>> one_line(ValueError("Couldn't connect:\\n  refused"))
    "Couldn't connect: refused"
    """
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"
