"""The budgets (budgets.toml) on the site: each limit beside this run's figure."""

from __future__ import annotations

from labreport.report import popover, units
from labreport.report.claims import budgets
from labreport.report.macros.registry import macro
from labreport.report.markup import code, table, text
from labreport.report.site import build as sitebuild


@macro
def budgets_table() -> str:
    """Every budget, the figure it limits, this run's value and whether it was kept."""
    outcomes = budgets.check(sitebuild.current().data, budgets.load())
    rows = []
    for number, outcome in enumerate(outcomes, start=1):
        sign = "at most" if outcome.budget.at_most else "at least"
        bound = "max" if outcome.budget.at_most else "min"
        result = "**broken**" if outcome.broken else "kept" if outcome.value is not None else "not measured"
        rows.append(
            [
                popover.budgeted(text(outcome.budget.name), number, "name"),
                code(outcome.budget.figure),
                budgets.number(outcome.value),
                f"{sign} {popover.budgeted(budgets.number(outcome.budget.limit), number, bound)}",
                result,
            ]
        )
    return table(["budget", "figure", "this run", "limit", "result"], rows, align="llrrl")


@macro
def budget_limit(figure: str) -> str:
    """The limit of the budget on size `figure` (`final_image_bytes`), for prose to name it."""
    for number, budget in enumerate(budgets.load(), start=1):
        if budget.figure == figure:
            limit = units.human_size(budget.limit)
            return popover.budgeted(limit, number, "max" if budget.at_most else "min")
    raise KeyError(f"no budget on {figure!r} in {budgets.BUDGETS_FILE}")
