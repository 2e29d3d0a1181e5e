"""Budgets: limits a measurement must keep, declared in budgets.toml, like dive's CI mode.

Read by both wings: the CLI fails a measurement that breaks one (exit 4), the site shows them all.
A figure the run did not measure is reported as such and breaks nothing: a budget judges numbers,
and a missing number is the failures banner's business.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ...contract.project import project_path
from ...contract.schema import Measurements
from ...contract.variants import CACHE_MOUNT, PRIMARY, PROJECT
from ..escape import text
from ..markup import table

#: The project file names it (`budgets`), relative to the project's folder.
BUDGETS_FILE = project_path().parent / PROJECT.budgets


def _final_image_bytes(data: Measurements) -> float | None:
    return next((image.size for image in data.images if image.variant == PRIMARY), None)


def _final_download_bytes(data: Measurements) -> float | None:
    """What a pull downloads: the registry manifest's sizes, where the image was pushed."""
    return next((item.compressed_size for item in data.publish if item.variant == PRIMARY), None)


def _final_image_efficiency(data: Measurements) -> float | None:
    # The image we ship: the as-reported variant keeps the report's `chown` copy on purpose, to
    # show what it wastes, so it is no budget's business.
    return next((item.score for item in data.efficiency if item.variant == PRIMARY), None)


def _cache_mount_code_change_seconds(data: Measurements) -> float | None:
    return next(
        (
            build.total.median
            for build in data.builds
            if build.variant == CACHE_MOUNT and build.kind == "code_change"
        ),
        None,
    )


def _runtime_images_running_as_root(data: Measurements) -> float | None:
    started = [probe for probe in data.probes if probe.started]
    return sum(1 for probe in started if probe.process_uid == 0) if started else None


#: The figures a budget may name, each computed from the data alone.
FIGURES: dict[str, Callable[[Measurements], float | None]] = {
    "final_image_bytes": _final_image_bytes,
    "final_download_bytes": _final_download_bytes,
    "final_image_efficiency": _final_image_efficiency,
    "cache_mount_code_change_seconds": _cache_mount_code_change_seconds,
    "runtime_images_running_as_root": _runtime_images_running_as_root,
}


def number(value: float | None) -> str:
    if value is None:
        return "not measured"
    return f"{int(value):,}" if float(value).is_integer() else f"{value:.3g}"


class BudgetError(ValueError):
    """budgets.toml is missing, not TOML, or names an unknown figure; the message says which."""


@dataclass(frozen=True, kw_only=True)
class Budget:
    name: str
    figure: str
    limit: float
    at_most: bool  # True: `max = limit`; False: `min = limit`


@dataclass(frozen=True, kw_only=True)
class Outcome:
    budget: Budget
    value: float | None  # None: not measured in this run

    @property
    def broken(self) -> bool:
        if self.value is None:
            return False
        return self.value > self.budget.limit if self.budget.at_most else self.value < self.budget.limit

    def line(self) -> str:
        """One line naming the budget, the figure and the limit."""
        sign = "<=" if self.budget.at_most else ">="
        verdict = "BROKEN" if self.broken else "kept" if self.value is not None else "not checked"
        return (
            f"{verdict}: {self.budget.name}: {self.budget.figure} = {number(self.value)}, "
            f"limit {sign} {number(self.budget.limit)}"
        )


def load(path: Path = BUDGETS_FILE) -> list[Budget]:
    try:
        declared = tomllib.loads(path.read_text(encoding="utf-8")).get("budget", [])
    except FileNotFoundError:
        if path == BUDGETS_FILE and "budgets" not in PROJECT.model_fields_set:
            return []  # a project that names no budgets file and has none keeps no budgets
        raise BudgetError(f"{path}: missing; restore it with `git checkout {path.name}`") from None
    except tomllib.TOMLDecodeError as error:
        raise BudgetError(f"{path}: not TOML ({error})") from None
    budgets = []
    for number, entry in enumerate(declared, start=1):
        where = f"{path}: budget {number}"
        figure = entry.get("figure")
        if figure not in FIGURES:
            raise BudgetError(f"{where}: figure {figure!r} is not one of {', '.join(FIGURES)}")
        if ("max" in entry) == ("min" in entry):
            raise BudgetError(f"{where}: give exactly one of max or min")
        limit = entry.get("max", entry.get("min"))
        if not isinstance(limit, int | float) or isinstance(limit, bool):
            raise BudgetError(f"{where}: the limit must be a number, not {limit!r}")
        budgets.append(
            Budget(
                name=str(entry.get("name", figure)), figure=figure, limit=float(limit), at_most="max" in entry
            )
        )
    return budgets


def check(data: Measurements, budgets: list[Budget]) -> list[Outcome]:
    return [Outcome(budget=budget, value=FIGURES[budget.figure](data)) for budget in budgets]


def summary_markdown(outcomes: list[Outcome]) -> str:
    """The table a CI job summary ($GITHUB_STEP_SUMMARY) shows: each budget, its figure, its limit."""
    rows = []
    for outcome in outcomes:
        sign = "≤" if outcome.budget.at_most else "≥"
        result = "❌ broken" if outcome.broken else "✅ kept" if outcome.value is not None else "not checked"
        limit = f"{sign} {number(outcome.budget.limit)}"
        rows.append([text(outcome.budget.name), number(outcome.value), limit, result])
    return table(["budget", "figure", "limit", "result"], rows, align="lrrl")
