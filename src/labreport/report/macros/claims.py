"""Macros on the report's claims and the project's budgets: the ledger (each claim, its verdict,
the counts), one claim's fields for the prose, the tolerance and the stand-in mark it names, the
home page's headline figures beside what the report said, and each budget beside this run.

The judging itself is `report/claims/`'s; these only show what it decided.
"""

from __future__ import annotations

from labreport.report import derive, evidence, popover, units
from labreport.report.claims import budgets
from labreport.report.claims.judge import TOLERANCE, Claim, verdict_counts
from labreport.report.macros.builds import build_total
from labreport.report.macros.images import download_size, image_size, reduction
from labreport.report.macros.publishing import deploy_ratio
from labreport.report.macros.registry import macro
from labreport.report.markup import STANDIN_MARK, VERDICT_BADGES, code, marked, table, text
from labreport.report.site import build as sitebuild


@macro
def claim(key: str, field: str = "measured") -> str:
    found = {item.key: item for item in sitebuild.current().ledger}
    if key not in found:
        raise KeyError(f"unknown claim {key!r}; known: {', '.join(found)}")
    item = found[key]
    value = getattr(item, field)
    if field == "verdict":
        return VERDICT_BADGES[value]
    if field == "difference":
        return evidence.difference(item)
    if field == "measured":
        return marked(evidence.measured(item, value), item.standin)
    if field in ("claimed", "tolerance"):
        return evidence.claimed(item, field)
    return str(value)


@macro
def tolerance() -> str:
    """The ledger's default tolerance, a constant of the code's (`claims.judge.TOLERANCE`)."""
    return popover.constant(
        units.percent(TOLERANCE * 100), "labreport.report.claims.judge", "TOLERANCE", TOLERANCE, 100
    )


@macro
def standin_mark() -> str:
    """The mark put after a value that rests on a stand-in base, for the pages' prose to show."""
    return STANDIN_MARK


@macro
def ledger_table() -> str:
    """Every claim: the report's value, ours, the tolerance, the verdict and the signed difference."""
    rows = []
    for item in sitebuild.current().ledger:
        rows.append(
            (
                f"[{evidence.topic(item)}]({item.page})",
                evidence.claimed(item),
                marked(evidence.measured(item, item.measured), item.standin),
                evidence.claimed(item, "tolerance") if item.difference is not None else item.tolerance,
                VERDICT_BADGES[item.verdict],
                evidence.difference(item),
                evidence.note(item),
            )
        )
    return table(
        ("claim", "report says", "measured", "tolerance", "verdict", "difference", "note"), rows, "lrrrlrl"
    )


@macro
def ledger_summary() -> str:
    counts = verdict_counts(sitebuild.current().ledger)
    rows = [(VERDICT_BADGES[verdict], str(count)) for verdict, count in counts.items()]
    return table(("verdict", "claims"), rows, "lr")


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


def _claim(key: str) -> Claim:
    found = {item.key: item for item in sitebuild.current().ledger}
    return found[key]


@macro
def headline_table() -> str:
    """The home page's first table: each headline figure, what the report said, and the verdict."""

    def against(key: str | None) -> tuple[str, str]:
        if key is None:
            return ("\u2013", "no claim")
        item = _claim(key)
        return (evidence.claimed(item), VERDICT_BADGES[item.verdict])

    builds = " / ".join(build_total(kind) for kind in ("cold", "cached", "code_change"))
    said_builds = " / ".join(
        evidence.claimed(_claim(k)) for k in ("build-cold", "build-cached", "build-change")
    )
    verdicts = " ".join(
        VERDICT_BADGES[_claim(k).verdict] for k in ("build-cold", "build-cached", "build-change")
    )
    rows = [
        ("final image (`alpine` variant), uncompressed", image_size(derive.PRIMARY), *against("final")),
        ("final image, what a pull downloads", download_size(derive.PRIMARY), *against("final-compressed")),
        ("builder stage it was copied out of", image_size("builder"), *against(None)),
        ("smaller than the builder by", reduction("builder"), *against(None)),
        ("smaller than the `golang:1.25` SDK image by", reduction("golang:1.25"), *against("reduction-sdk")),
        ("cold build / cached rebuild / rebuild after a code change", builds, said_builds, verdicts),
        ("single-stage image pulls slower by", deploy_ratio(), *against("deploy")),
    ]
    return table(("what", "measured", "the report said", "verdict"), rows, "lrrl")
