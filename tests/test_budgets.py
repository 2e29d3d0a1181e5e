"""Budgets: each figure read from the data, a broken one fails with exit 4 and says which."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import markdown
import pytest

from labreport import cli
from labreport.report.claims import budgets
from labreport.report.claims.budgets import Budget, BudgetError, Outcome
from records import fake_measurements
from test_measure_fake import FakeEngineClient, fake_run  # noqa: F401  (the fixture, reused)

REPO = Path(__file__).resolve().parents[1]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "budgets.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_committed_budgets_name_known_figures() -> None:
    assert {budget.figure for budget in budgets.load()} <= set(budgets.FIGURES)


def test_each_figure_is_read_from_the_data() -> None:
    data = fake_measurements()
    alpine = next(image for image in data.images if image.variant == "alpine")
    pushed = next(item for item in data.publish if item.variant == "alpine")
    values = {name: figure(data) for name, figure in budgets.FIGURES.items()}
    assert values["final_image_bytes"] == alpine.size
    assert values["final_download_bytes"] == pushed.compressed_size  # the manifest's, not the gzip sum
    assert values["final_image_efficiency"] == next(e.score for e in data.efficiency if e.variant == "alpine")
    assert values["runtime_images_running_as_root"] == 0
    assert values["cache_mount_code_change_seconds"] is None  # no cache-mount variant in this data


def test_a_root_runtime_image_is_counted() -> None:
    data = fake_measurements()
    probes = [p.model_copy(update={"process_uid": 0}) if p.variant == "scratch" else p for p in data.probes]
    assert budgets.FIGURES["runtime_images_running_as_root"](data.model_copy(update={"probes": probes})) == 1


@pytest.mark.parametrize(
    ("value", "at_most", "broken"),
    [(10.0, True, False), (10.5, True, True), (10.0, False, False), (9.5, False, True), (None, True, False)],
)
def test_a_limit_is_inclusive_and_a_missing_figure_breaks_nothing(
    value: float | None, at_most: bool, broken: bool
) -> None:
    budget = Budget(name="b", figure="final_image_bytes", limit=10.0, at_most=at_most)
    assert Outcome(budget=budget, value=value).broken is broken


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[budget]]\nfigure = "nope"\nmax = 1\n', "figure 'nope' is not one of"),
        ('[[budget]]\nfigure = "final_image_bytes"\n', "give exactly one of max or min"),
        ('[[budget]]\nfigure = "final_image_bytes"\nmax = "big"\n', "the limit must be a number"),
        ("[[budget]\n", "not TOML"),
    ],
)
def test_a_bad_budgets_file_names_the_problem(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(BudgetError, match=message):
        budgets.load(_write(tmp_path, text))


def test_a_broken_budget_exits_4_with_one_line_naming_it(tmp_path: Path) -> None:
    path = _write(tmp_path, '[[budget]]\nname = "tiny"\nfigure = "final_image_bytes"\nmax = 1_000\n')
    summary = tmp_path / "summary.md"
    result = subprocess.run(
        [sys.executable, "-m", "labreport", "budgets", "--budgets", str(path)],
        cwd=REPO, capture_output=True, text=True, check=False,
        env={**os.environ, "GITHUB_STEP_SUMMARY": str(summary)},
    )  # fmt: skip
    assert result.returncode == 4
    (line,) = result.stderr.splitlines()
    assert line.startswith("labreport: budget BROKEN: tiny: final_image_bytes = ")
    assert line.endswith(", limit <= 1,000")
    assert "| tiny |" in summary.read_text() and "❌ broken" in summary.read_text()


def test_a_missing_budgets_file_is_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["budgets", "--budgets", str(tmp_path / "none.toml")]) == 1
    assert (
        capsys.readouterr()
        .err.strip()
        .endswith("none.toml: missing; restore it with `git checkout none.toml`")
    )


def test_a_measurement_that_breaks_a_budget_is_saved_and_exits_4(
    fake_run: Callable[..., FakeEngineClient],  # noqa: F811
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    fake_run()
    path = _write(tmp_path, '[[budget]]\nname = "small"\nfigure = "final_image_bytes"\nmax = 700_000\n')
    output = tmp_path / "out.json"
    code = cli.main(["measure", "--plain", "--force", "--no-publish", "--repeat", "1", "--only", "alpine",
                     "--output", str(output), "--budgets", str(path)])  # fmt: skip
    errors = [line for line in capfd.readouterr().err.splitlines() if line.startswith("labreport:")]
    assert code == 4
    assert errors == ["labreport: budget BROKEN: small: final_image_bytes = 713,000, limit <= 700,000"]
    assert output.exists()  # the numbers are true; they are just over the limit


def test_the_summary_is_a_table_a_row_a_budget_and_a_pipe_in_a_name_stays_in_its_cell() -> None:
    outcomes = [
        Outcome(
            budget=Budget(name="size | final", figure="final_image_bytes", limit=100, at_most=True), value=120
        ),
        Outcome(budget=Budget(name="ratio", figure="final_image_bytes", limit=2, at_most=False), value=None),
    ]
    rendered = markdown.markdown(budgets.summary_markdown(outcomes), extensions=["tables"])
    rows = [
        re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", rendered, re.DOTALL)
    ]
    cells = [[html.unescape(cell) for cell in row] for row in rows if row]
    assert cells == [
        ["size | final", "120", "≤ 100", "❌ broken"],
        ["ratio", "not measured", "≥ 2", "not checked"],
    ]
