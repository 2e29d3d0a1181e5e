"""The evidence behind a figure: its value and unit, the command that shows it (about the same image),
and the bases it rests on. The commands, run on a real engine: tests/test_witness_docker.py."""

from __future__ import annotations

import shlex

import pytest

from labreport.contract.evidence import explain, go_command, unit_of
from labreport.contract.pointer import PointerError
from records import fake_measurements, with_buildkit


def test_an_image_size_names_the_image_and_its_stand_in_bases() -> None:
    data = fake_measurements()
    index = next(i for i, image in enumerate(data.images) if image.variant == "distroless")
    evidence = explain(data, f"/images/{index}/size")
    image = data.images[index]
    assert (evidence.value, evidence.unit) == (image.size, "bytes")
    assert evidence.command == f"docker image inspect --format '{{{{.Size}}}}' {image.image_id}"
    assert [base.requested for base in evidence.bases] == ["gcr.io/distroless/static-debian12:latest"]
    assert all(base.source == "standin" and base.recipe for base in evidence.bases)


def test_a_layer_says_which_line_of_docker_history_it_is() -> None:
    data = fake_measurements()
    image = data.images[0]
    evidence = explain(data, "/images/0/layers/1/size")
    assert evidence.value == image.layers[1].size and evidence.unit == "bytes"
    assert f"line {len(image.layers) - 1} of docker history's" in evidence.how
    assert evidence.command is not None and evidence.command.startswith(
        "docker history --no-trunc --human=false"
    )
    assert explain(data, "/images/0/layers").unit == "layers"
    assert "docker save" in explain(data, "/images/0/compressed_size").how


@pytest.mark.parametrize(
    ("pointer", "unit"),
    [
        ("/builds/0/total/median", "s"),
        ("/builds/0/total/samples", "s"),
        ("/builds/0/steps/0/seconds/max", "s"),
        ("/probes/0/memory_bytes", "bytes"),
        ("/efficiency/0/score", "ratio (0 to 1)"),
        ("/provenance/cpu_count", "CPUs"),
        ("/provenance/inputs_hash", ""),
        ("/probes/0/started", ""),
    ],
)
def test_units_follow_the_field_names(pointer: str, unit: str) -> None:
    assert explain(fake_measurements(), pointer).unit == unit


def test_a_rebuilds_hash_is_read_back_from_that_image() -> None:
    data = with_buildkit(fake_measurements())
    assert data.rebuild is not None
    evidence = explain(data, "/rebuild/builds/1/binary_sha256")
    assert evidence.value == data.rebuild.builds[1].binary_sha256
    assert (
        evidence.command is not None
        and f"docker create {data.rebuild.builds[1].image_id}" in evidence.command
    )
    assert "sha256sum" in evidence.command and "docker rm" in evidence.command


def test_the_go_command_quotes_the_linker_flags_as_one_argument() -> None:
    words = shlex.split(go_command("CGO_ENABLED=0 -ldflags=-s -w -buildid= -trimpath"))
    assert words[words.index("build") + 1 :][:2] == ["-ldflags=-s -w -buildid=", "-trimpath"]
    assert shlex.split(go_command("CGO_ENABLED=0"))[3:6] == ["CGO_ENABLED=0", "go", "build"]


def test_a_pointer_into_nothing_says_where_it_stops() -> None:
    with pytest.raises(PointerError, match="no field 'sizes'"):
        explain(fake_measurements(), "/images/0/sizes")
    assert unit_of(["images", "0", "size"], True) == ""
