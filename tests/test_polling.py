"""Unit tests of polling: the one wait-until loop."""

from __future__ import annotations

import time

import pytest

from labreport.measure.polling import poll


def test_the_first_answer_that_is_not_none_ends_the_wait() -> None:
    answers = iter([None, None, 0, 7])
    calls: list[float] = []

    def check() -> int | None:
        calls.append(time.monotonic())
        return next(answers)

    assert poll(check, seconds=5, interval=0.05) == 0  # a falsy answer is still an answer
    assert len(calls) == 3
    assert calls[2] - calls[0] >= 2 * 0.05  # it slept between the asks


def test_no_answer_within_the_time_is_none_after_about_that_time() -> None:
    started = time.monotonic()
    assert poll(lambda: None, seconds=0.3, interval=0.05) is None
    assert 0.3 <= time.monotonic() - started < 1.5
    assert poll(lambda: 1, seconds=0, interval=0.05) is None  # no time: never asked


def test_an_ignored_exception_is_no_answer_yet_and_any_other_ends_the_wait() -> None:
    raised = iter([ConnectionError("not listening"), None, "up"])

    def check() -> str | None:
        answer = next(raised)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert poll(check, seconds=5, interval=0.01, ignoring=(OSError,)) == "up"
    with pytest.raises(KeyError):
        poll(lambda: {}["missing"], seconds=5, interval=0.01, ignoring=(OSError,))
