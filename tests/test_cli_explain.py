"""`labreport explain KEY`: the figure, its unit, how and when it was measured, the command to see it;
exit 2 in one line for a KEY that names nothing."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from labreport import cli
from records import fake_measurements, write_data


@pytest.fixture(autouse=True)
def _restore_stop_signals() -> Iterator[None]:
    """cli.main installs SIGTERM and SIGINT handlers for the process; put pytest's back after each test."""
    handlers = {each: signal.getsignal(each) for each in (signal.SIGTERM, signal.SIGINT)}
    yield
    for each, handler in handlers.items():
        signal.signal(each, handler)


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    return write_data(fake_measurements(), tmp_path / "m.json")


def test_a_size_prints_value_unit_how_command_when_testbed_and_stand_in(
    data_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = fake_measurements()
    index = next(i for i, image in enumerate(data.images) if image.variant == "distroless")
    image = data.images[index]
    assert cli.main(["explain", f"/images/{index}/size", "--data", str(data_file)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"/images/{index}/size = {image.size} bytes"
    assert lines[1].startswith(f"  how: the engine's record of {image.ref}")
    assert lines[2] == f"  see it yourself: docker image inspect --format '{{{{.Size}}}}' {image.image_id}"
    facts = data.provenance
    assert lines[3] == f"  measured: {facts.measured_at:%Y-%m-%d %H:%M} UTC at commit {facts.git_commit}"
    assert lines[4].startswith(
        f"  testbed: {facts.host_os} {facts.host_architecture}, {facts.cpu_count} CPUs"
    )
    base = next(b for b in facts.bases if b.requested.startswith("gcr.io/distroless"))
    assert lines[5] == (
        f"  base {base.requested}: a stand-in built here ({base.image_id[:19]}): {base.recipe} "
        f"(recipe {base.recipe_version})"
    )


@pytest.mark.parametrize(
    ("key", "complaint"),
    [
        ("images.0.size", "is no claim in "),
        ("/images/99/size", "index 99 at /images/99 is past the end"),
        ("/imagez", "no field 'imagez' at /imagez"),
    ],
)
def test_a_key_that_names_nothing_is_one_line_and_exit_2(
    data_file: Path, key: str, complaint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["explain", key, "--data", str(data_file)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1 and complaint in err


def test_a_claim_key_prints_the_judgment_then_each_figure_it_rests_on(
    data_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = fake_measurements()
    final = next(i for i, image in enumerate(data.images) if image.variant == "alpine")
    sdk = next(i for i, image in enumerate(data.images) if image.ref == "golang:1.25")
    assert cli.main(["explain", "reduction-sdk", "--data", str(data_file)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "claim reduction-sdk: reduction against `golang:1.25`"
    assert lines[1].startswith("  the report said: 96.3 % (report line ")
    # The reduction recomputed here from the two sizes, not read from the ledger.
    reduction = (1 - data.images[final].size / data.images[sdk].size) * 100
    assert lines[2] == f"  measured here: {reduction:.1f} %"
    derived = f"  derived: (1 \u2212 /images/{final}/size / /images/{sdk}/size) \u00d7 100 = {reduction:,.4f}"
    assert derived in lines
    assert f"/images/{sdk}/size = {data.images[sdk].size} bytes" in lines
    assert f"/images/{final}/size = {data.images[final].size} bytes" in lines


def test_a_claim_no_figure_measures_says_so(data_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["explain", "cves", "--data", str(data_file)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[3] == "  verdict: not measurable here"
    assert lines[-1] == "  no figure of the data file measures it"


def test_an_unknown_claim_key_is_one_line_and_exit_2(
    data_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["explain", "no-such-claim", "--data", str(data_file)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1
    assert "'no-such-claim' is no claim in " in err and "claims.toml" in err
