"""The retry policy of Neo4j batches (issue 8): back-off schedule, bounds, what is and is not retried.

No server here: the calls raise the driver's own exception classes.  The same
policy against a real server that is stopped and started again is in
``test_faults_live.py``.
"""

from __future__ import annotations

import pytest
from neo4j import exceptions as nx

from graphfraud.errors import Neo4jError, ParamError
from graphfraud.neo4j.queries import driver_errors
from graphfraud.neo4j.retry import RetryPolicy, backoff_delays, is_transient, retry


class Clock:
    """A fake clock: ``sleep`` advances it; each call of the work takes ``work`` seconds."""

    def __init__(self, work: float = 0.0) -> None:
        self.now, self.work, self.slept = 0.0, work, []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def failing(errors: list[BaseException], clock: Clock, value: str = "ok"):
    calls = []

    def call() -> str:
        calls.append(clock.now)
        clock.now += clock.work
        if errors:
            raise errors.pop(0)
        return value

    return call, calls


def test_default_schedule_doubles_up_to_the_cap_and_stays_within_max_time() -> None:
    delays = backoff_delays(RetryPolicy())
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0] + [10.0] * 10
    assert len(delays) == RetryPolicy().attempts - 1 and sum(delays) == 115.5 <= RetryPolicy().max_time


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (RetryPolicy(attempts=3), [0.5, 1.0]),
        (RetryPolicy(max_time=3.5), [0.5, 1.0, 2.0]),
        (RetryPolicy(max_time=3.4), [0.5, 1.0]),
        (RetryPolicy(first_delay=2, factor=1, attempts=4), [2.0, 2.0, 2.0]),
        (RetryPolicy(first_delay=0, attempts=3), [0.0, 0.0]),
        (RetryPolicy.none(), []),
        (RetryPolicy(max_time=0), []),
    ],
)
def test_schedule_is_bounded_by_attempts_and_time(policy: RetryPolicy, expected: list[float]) -> None:
    assert backoff_delays(policy) == expected


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"attempts": 0}, "'attempts' parameter of RetryPolicy must be an int >= 1. Got 0 instead."),
        ({"first_delay": -1}, "'first_delay' parameter of RetryPolicy must be a number >= 0. Got -1"),
        ({"factor": 0.5}, "'factor' parameter of RetryPolicy must be a number >= 1. Got 0.5"),
        ({"max_time": -2.0}, "'max_time' parameter of RetryPolicy must be a number >= 0. Got -2.0"),
    ],
)
def test_bad_policy_is_a_param_error(kwargs: dict, match: str) -> None:
    with pytest.raises(ParamError, match=match):
        RetryPolicy(**kwargs)


@pytest.mark.parametrize(
    "exc",
    [
        nx.ServiceUnavailable("refused"),
        nx.SessionExpired("gone"),
        nx.IncompleteCommit("lost at commit"),
        nx.TransientError("deadlock"),
    ],  # fmt: skip
)
def test_transient_errors_are_retried_with_the_schedule_and_a_log_line_each(exc: BaseException) -> None:
    clock, lines = Clock(), []
    call, calls = failing([exc, exc, exc], clock)
    assert retry(call, policy=RetryPolicy(), what="claims batch 4 of 9", log=lines.append,
                 sleep=clock.sleep, clock=clock) == "ok"  # fmt: skip
    assert clock.slept == [0.5, 1.0, 2.0] and len(calls) == 4
    assert len(lines) == 3
    assert lines[0].startswith(f"Neo4j: {type(exc).__name__} during claims batch 4 of 9")
    assert lines[2].endswith("retry 3 of 15 in 2.0 s")


@pytest.mark.parametrize(
    "exc",
    [
        nx.AuthError("Neo.ClientError.Security.Unauthorized"),
        nx.CypherSyntaxError("Invalid input"),
        nx.ConstraintError("already exists"),
        ValueError("a bug"),
    ],  # fmt: skip
)
def test_other_errors_fail_at_once(exc: BaseException) -> None:
    clock, lines = Clock(), []
    call, calls = failing([exc], clock)
    with pytest.raises(type(exc)):
        retry(call, policy=RetryPolicy(), what="claims batch 1 of 9", log=lines.append, sleep=clock.sleep, clock=clock)
    assert len(calls) == 1 and clock.slept == [] and lines == []
    assert not is_transient(exc)


def test_wrong_password_is_one_clear_line() -> None:
    clock = Clock()
    call, _ = failing([nx.AuthError("The client is unauthorized due to authentication failure.")], clock)
    with pytest.raises(Neo4jError, match="refused user 'neo4j': wrong password") as info, driver_errors("bolt://h:1"):
        retry(call, policy=RetryPolicy(), what="x", sleep=clock.sleep, clock=clock)
    assert "NEO4J_PASSWORD" in str(info.value) and "\n" not in str(info.value)


def test_gives_up_after_the_last_attempt_with_numbers() -> None:
    clock = Clock()
    call, calls = failing([nx.ServiceUnavailable("Couldn't connect to 127.0.0.1:7697:\n refused")] * 20, clock)
    with pytest.raises(Neo4jError) as info:
        retry(call, policy=RetryPolicy(attempts=4), what="claims batch 7 of 23", sleep=clock.sleep, clock=clock)
    message = str(info.value)
    assert len(calls) == 4 and clock.slept == [0.5, 1.0, 2.0]
    assert "during claims batch 7 of 23" in message and "4 tries over 3.5 s" in message
    assert "run the same command again" in message and "\n" not in message


def test_time_limit_counts_the_failed_attempts_too() -> None:
    clock = Clock(work=20.0)  # each try hangs 20 s before the connection fails
    call, calls = failing([nx.SessionExpired("timed out")] * 20, clock)
    with pytest.raises(Neo4jError, match="4 tries over 63.5 s"):
        retry(call, policy=RetryPolicy(max_time=60), what="x", sleep=clock.sleep, clock=clock)
    # The first failure is at 20 s.  Tries start 0.5 + 20, 1 + 20 and 2 + 20 s after the previous
    # one; a fifth would start 63.5 + 4 = 67.5 s after the first failure, past max_time (60 s).
    assert calls == [0.0, 20.5, 41.5, 63.5]


def test_no_retry_policy_fails_on_the_first_transient_error() -> None:
    clock = Clock()
    call, calls = failing([nx.ServiceUnavailable("refused")], clock)
    with pytest.raises(Neo4jError, match="no retry allowed"):
        retry(call, policy=RetryPolicy.none(), what="x", sleep=clock.sleep, clock=clock)
    assert len(calls) == 1
