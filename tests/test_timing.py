"""Unit tests of measure.timing: the stopwatch counts wall time during which any measure is open,
once, whether the measures nest or overlap from two threads (the background analyses)."""

from __future__ import annotations

import threading
import time

import pytest

from labreport.measure.timing import Timer


def test_nested_measures_count_once() -> None:
    timer = Timer()
    with timer.measure():
        time.sleep(0.05)
        with timer.measure():
            time.sleep(0.05)
    assert timer.seconds == pytest.approx(0.1, abs=0.03)


def test_measures_overlapping_from_two_threads_count_the_wall_time_once() -> None:
    timer = Timer()
    both = threading.Barrier(2)

    def work(seconds: float) -> None:
        both.wait()
        with timer.measure():
            time.sleep(seconds)

    threads = [threading.Thread(target=work, args=(seconds,)) for seconds in (0.2, 0.1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # 0.2 s of wall time, not 0.3 s of the two added up.
    assert timer.seconds == pytest.approx(0.2, abs=0.05)
    time.sleep(0.05)
    with timer.measure():
        pass
    assert timer.seconds == pytest.approx(0.2, abs=0.05), "the time between measures is not counted"
