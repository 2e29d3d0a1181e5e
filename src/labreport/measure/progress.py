"""Progress on long work, for the person watching and for the site's banner.

On a terminal, a live bar (through rich) shows the phase, its step count ("builds 3/7") and its
elapsed time, with messages printed above it; elsewhere (CI logs, --plain) every event is one plain
timestamped line. Either way each change of phase or step count is written, atomically, to the
status file when there is one, and the run's end ("done", "failed", "interrupted") too.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

import rich.progress
from rich.console import Console
from rich.text import Text

from ..contract.status import MeasureStatus, State, write_status

Step = Callable[[], None]


@dataclass(kw_only=True)
class _Phase:
    name: str
    total: int | None
    began: float
    done: int = 0
    task: rich.progress.TaskID | None = None


class _Count(rich.progress.ProgressColumn):
    def render(self, task: rich.progress.Task) -> Text:
        return Text("" if task.total is None else f"{task.completed:.0f}/{task.total:.0f}")


class Progress:
    def __init__(
        self, *, live: bool | None = None, stream: TextIO | None = None, status_path: Path | None = None
    ) -> None:
        self.stream = sys.stderr if stream is None else stream
        self.live = self.stream.isatty() if live is None else live
        self.status_path = status_path
        self.started = time.monotonic()
        self.started_at = datetime.now(UTC).replace(microsecond=0)
        self._phases: list[_Phase] = []
        self._last_phase = ""
        self._bar: rich.progress.Progress | None = None
        self._reported = False  # a "running" status was written, so the run's end must be too
        self._finished = False

    # -- what the phases call ------------------------------------------------------------

    def say(self, message: str) -> None:
        line = f"[{time.monotonic() - self.started:7.1f}s] {message}"
        bar = self._bar  # read once: the background's analyses say things while a phase ends
        if bar is not None:
            bar.console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            print(line, file=self.stream, flush=True)

    @contextlib.contextmanager
    def phase(self, name: str, total: int | None = None) -> Iterator[Step]:
        """A named phase; the block gets a `step()` to call after each of its `total` steps."""
        phase = _Phase(name=name, total=total, began=time.monotonic())
        self.say(f"{name} ...")
        self._phases.append(phase)
        self._last_phase = name
        self._show(phase)
        self._write("running")

        def step() -> None:
            phase.done += 1
            if self._bar is not None and phase.task is not None:
                self._bar.update(phase.task, completed=phase.done)
            else:
                self.say(f"{name} {phase.done}/{total if total is not None else '?'}")
            self._write("running")

        outcome = "failed after"
        try:
            yield step
            outcome = "done in"
        finally:
            self._phases.remove(phase)
            self._hide(phase)
            self.say(f"{name}: {outcome} {time.monotonic() - phase.began:.1f}s")
            if self._phases:
                self._last_phase = self._phases[-1].name
                self._write("running")

    # -- the end of the run --------------------------------------------------------------

    @contextlib.contextmanager
    def recording(self) -> Iterator[None]:
        """Ends the status file with what became of the block: failed, interrupted or done."""
        try:
            yield
        except KeyboardInterrupt:
            self.finish("interrupted", "stopped by Ctrl-C or SIGTERM")
            raise
        except BaseException as error:
            self.finish("failed", " ".join(str(error).split()) or type(error).__name__)
            raise
        if not self._finished:
            self.finish("done")

    def finish(self, state: State, message: str | None = None) -> None:
        """The final status, written only when this run wrote a "running" one (a run that found
        the data current, or no engine, leaves the previous status alone)."""
        self._finished = True
        if self._reported:
            self._write(state, message)

    # -- internals -----------------------------------------------------------------------

    def _show(self, phase: _Phase) -> None:
        if not self.live:
            return
        if self._bar is None:
            self._bar = rich.progress.Progress(
                rich.progress.SpinnerColumn(),
                rich.progress.TextColumn("{task.description}"),
                rich.progress.BarColumn(),
                _Count(),
                rich.progress.TimeElapsedColumn(),
                console=Console(file=self.stream, force_terminal=True),
                transient=True,
            )
            self._bar.start()
        phase.task = self._bar.add_task(phase.name, total=phase.total)

    def _hide(self, phase: _Phase) -> None:
        if self._bar is None or phase.task is None:
            return
        self._bar.remove_task(phase.task)
        if not self._phases:
            self._bar.stop()
            self._bar = None

    def _write(self, state: State, message: str | None = None) -> None:
        if self.status_path is None:
            return
        current = self._phases[-1] if self._phases else None
        status = MeasureStatus(
            state=state,
            pid=os.getpid(),
            started_at=self.started_at,
            updated_at=datetime.now(UTC).replace(microsecond=0),
            phase=self._last_phase,
            done=current.done if current and current.total is not None else None,
            total=current.total if current else None,
            elapsed_seconds=round(time.monotonic() - self.started, 1),
            message=message,
        )
        # The status is advisory (the banner's); a full disk must not stop the measurement.
        with contextlib.suppress(OSError):
            write_status(status, self.status_path)
        self._reported = True
