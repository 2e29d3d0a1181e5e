"""The figures: memoised by their input data, the same bytes from a worker, dark recoloured from light."""

from __future__ import annotations

import pytest

from labreport.report.figures import FIGURES
from labreport.report.figures.style import PALETTES
from labreport.report.site import rendering
from records import fake_measurements, with_variant_size


def test_figures_are_memoised_in_process_by_their_input_data() -> None:
    """What `mkdocs serve` relies on: a rebuild with unchanged data redraws nothing."""
    data, memo = fake_measurements(), rendering.Memo()
    first = rendering.render_all(data, workers=0, memo=memo)
    assert memo.drawn == len(FIGURES)
    again = rendering.render_all(data, workers=0, memo=memo)
    assert again == first and memo.drawn == len(FIGURES)
    changed = rendering.render_all(with_variant_size(data, "alpine", 12_345_678), workers=0, memo=memo)
    assert memo.drawn == len(FIGURES) + 1  # only the sizes figure reads an image's total size
    assert changed["figures/sizes-light.svg"] != first["figures/sizes-light.svg"]
    assert changed["figures/pulls-dark.svg"] == first["figures/pulls-dark.svg"]


@pytest.mark.parametrize("workers", [1, 2])
def test_workers_draw_the_same_bytes_and_dark_is_the_light_figure_recoloured(
    monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    data = fake_measurements()
    in_process = {name: rendering.draw(name, payload) for name, payload in rendering.inputs(data).items()}
    batch = rendering.Batch(data, workers=workers, memo=rendering.Memo())

    def in_this_process(name: str, payload: dict[str, object]) -> dict[str, str]:
        raise AssertionError(f"figure {name} was drawn by the build process, not a worker")

    # The worker forked when the batch started: it still has the real `draw`.
    monkeypatch.setattr(rendering, "draw", in_this_process)
    by_worker = batch.result()
    assert batch.drawn == len(FIGURES)
    for name, themes in in_process.items():
        for theme in rendering.THEMES:
            assert by_worker[f"figures/{name}-{theme}.svg"] == themes[theme], (name, theme)
        assert themes["dark"] == rendering.recolour(themes["light"], name)
        assert PALETTES["light"].text not in themes["dark"]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_broken_figure_fails_in_the_worker_and_is_reraised(
    monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    def broken(payload: dict[str, object], figure: object, palette: object) -> None:
        raise ZeroDivisionError("drawing failed")

    monkeypatch.setitem(FIGURES, "broken", (lambda data: {"n": 1}, broken))
    batch = rendering.Batch(fake_measurements(), workers=workers, memo=rendering.Memo())
    with pytest.raises(ZeroDivisionError, match="drawing failed"):
        batch.result()
    with pytest.raises(ValueError, match="not in the light palette"):
        rendering.recolour('<path style="fill: #123456"/>', "sizes")
