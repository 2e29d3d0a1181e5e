"""What a measurement run collects (`Run`), with the options it was started with, and the one way
repeated builds of a kind become a `BuildTiming`. The phases fill a `Run`; `run.measure` turns it
into `Measurements`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ParamSpec, TypeVar

from ..contract.pointer import pointer, tokens
from ..contract.schema import (
    BaseImage,
    Binary,
    Builder,
    BuildKind,
    BuildTiming,
    CachedAnalysis,
    CarriedOver,
    Efficiency,
    Failure,
    ImageSize,
    Lint,
    Probe,
    Publish,
    Rebuild,
    StepTiming,
    Surface,
)
from . import analysis, stopping
from .buildlog import Build, BuildFailed
from .cache import AnalysisCache, directory
from .engine import Engine
from .progress import Progress

T = TypeVar("T")
P = ParamSpec("P")
# The record lists of a `Run` that JSON Pointers in its provenance name, as the data file calls them.
RECORDS = ("images", "builds", "binaries", "probes", "surfaces", "efficiency", "lint", "publish")


@dataclass(frozen=True, kw_only=True)
class Pushed:
    """A variant's image in the local registry, its pulls not yet timed (`phases.push`)."""

    variant: str
    target: str  # registry/repository:tag
    digest: str
    compressed_size: int  # the manifest's: config and compressed layers
    docker_hub: str | None


@dataclass(frozen=True, kw_only=True)
class Options:
    only: list[str]
    repeat: int = 3
    force: bool = False
    output: Path
    publish: bool = True
    # Where analyses are cached by image ID (`cache.py`); None analyses every image afresh.
    analysis_cache: Path | None = field(default_factory=directory)
    # Progress carries the status file's path: the CLI gives it the real one only for the real data.
    progress: Progress = field(default_factory=Progress)


@dataclass(kw_only=True)
class Run:
    """What the phases collect; turned into `Measurements` at the end."""

    engine: Engine
    options: Options
    failures: list[Failure] = field(default_factory=list)
    bases: dict[str, BaseImage] = field(default_factory=dict)
    built: dict[str, Build] = field(default_factory=dict)
    images: list[ImageSize] = field(default_factory=list)
    builds: list[BuildTiming] = field(default_factory=list)
    cold_log: list[str] = field(default_factory=list)
    buildkit_cold_log: list[str] = field(default_factory=list)
    rebuild: Rebuild | None = None
    binaries: list[Binary] = field(default_factory=list)
    probes: list[Probe] = field(default_factory=list)
    surfaces: list[Surface] = field(default_factory=list)
    efficiency: list[Efficiency] = field(default_factory=list)
    lint: list[Lint] = field(default_factory=list)
    publish: list[Publish] = field(default_factory=list)
    cache: AnalysisCache | None = None
    cached: list[CachedAnalysis] = field(default_factory=list)  # what the cache gave, for the provenance
    # Each variant's inputs hash and the timings' (`carry.py`), and what was carried over unmeasured.
    variant_inputs: dict[str, str] = field(default_factory=dict)
    image_inputs: dict[str, str] = field(default_factory=dict)  # by the image built: `carry.probe`
    carried: list[CarriedOver] = field(default_factory=list)
    pushed: list[Pushed] = field(default_factory=list)  # pushed, for the publish phase to time pulls

    def part(self) -> Run:
        """A run of its own records for one piece of work done apart (in a worker thread, or carried
        over), on the same engine, options, cache, bases and builds; `absorb` puts its records back
        in the order the work is listed, whichever finished first, so the data does not depend on
        the threads' timing."""
        return Run(
            engine=self.engine, options=self.options, cache=self.cache, bases=self.bases, built=self.built
        )

    def absorb(self, part: Run) -> None:
        """Appends `part`'s records after this run's, moving the pointers its provenance holds."""
        offsets = {name: len(getattr(self, name)) for name in RECORDS}

        def moved(text: str) -> str:
            name, index, *rest = tokens(text)
            return pointer(name, int(index) + offsets[name], *rest)

        for name in RECORDS:
            getattr(self, name).extend(getattr(part, name))
        self.failures.extend(part.failures)
        self.pushed.extend(part.pushed)
        self.cached += [item.model_copy(update={"pointers": [moved(p) for p in item.pointers]})
                        for item in part.cached]  # fmt: skip
        self.carried += [item.model_copy(update={"pointers": [moved(p) for p in item.pointers]})
                         for item in part.carried]  # fmt: skip

    def attempt(
        self, phase: str, variant: str | None, action: Callable[P, T], *args: P.args, **kwargs: P.kwargs
    ) -> T | None:
        """Runs one piece of work; a failure is recorded, not raised, so the others go on."""
        try:
            return action(*args, **kwargs)
        except stopping.Stopped:
            raise  # not a failure of this work: the run is interrupted, and says so once
        except (RuntimeError, OSError, ValueError, KeyError) as error:  # EngineError is a RuntimeError
            message = " ".join(str(error).split()) or type(error).__name__
            tail = list(error.output_tail) if isinstance(error, BuildFailed) else []
            self.failures.append(Failure(phase=phase, variant=variant, error=message, output_tail=tail))
            self.options.progress.say(f"FAILED {phase} {variant or ''}: {message}")
            return None


def timing(
    variant: str,
    kind: BuildKind,
    builds: Sequence[Build],
    builder: Builder = "legacy",
    pulls: Sequence[float] = (),
) -> BuildTiming:
    """Repeated builds of one kind as one timing: the whole build as the client waited for it, and
    each step as the builder reported it, matched by position (the same Dockerfile gives the same
    steps; a step a repeat did not reach is left out)."""
    count = min(len(build.steps) for build in builds)
    steps = [
        StepTiming(
            number=first.number,
            instruction=first.instruction,
            seconds=analysis.spread(build.steps[position].seconds for build in builds),
            cached=all(build.steps[position].cached for build in builds),
        )
        for position, first in enumerate(builds[0].steps[:count])
    ]
    return BuildTiming(
        variant=variant,
        kind=kind,
        builder=builder,
        total=analysis.spread(build.seconds for build in builds),
        steps=steps,
        base_pull_seconds=analysis.spread(pulls) if pulls else None,
    )
