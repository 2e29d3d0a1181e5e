"""The budgets (budgets.toml) on the site: each limit beside this run's figure."""

from __future__ import annotations

from labreport.report.claims import budgets
from labreport.report.macros.registry import macro
from labreport.report.markup import code, table, text
from labreport.report.site import build as sitebuild


@macro
def budgets_table() -> str:
    """Every budget, the figure it limits, this run's value and whether it was kept."""
    outcomes = budgets.check(sitebuild.current().data, budgets.load())
    rows = []
    for outcome in outcomes:
        sign = "at most" if outcome.budget.at_most else "at least"
        result = "**broken**" if outcome.broken else "kept" if outcome.value is not None else "not measured"
        rows.append(
            [
                text(outcome.budget.name),
                code(outcome.budget.figure),
                budgets.number(outcome.value),
                f"{sign} {budgets.number(outcome.budget.limit)}",
                result,
            ]
        )
    return table(["budget", "figure", "this run", "limit", "result"], rows, align="llrrl")
