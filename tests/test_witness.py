"""The witness's comparisons, fed recorded docker CLI output of one real image (tests/data/witness/)
beside what docker-py recorded of the same image: every figure must agree as recorded, and each
change to the data must show up as exactly the difference it is, named by its JSON Pointer.
The same path through a real engine, after a fresh measurement: tests/test_docker.py."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

from fake_docker_cli import ABC_SHA256, IMAGE_ID, FakeDockerCLI, recorded_diff_ids, recorded_image
from labreport.contract.schema import BaseImage, Layer, Measurements, Publish, Rebuild, RebuiltImage
from labreport.measure.witness import NO_REGISTRY, NOT_HERE, NoEngine, Report, compare_layers, witness
from records import fake_measurements, spread

RECIPE = "74b8a1d6e84a9aef"  # the alpine stand-in's recipe version, a label the image inherits


def recorded_data(**changes: object) -> Measurements:
    """A data file holding the recorded image, a stand-in base and a rebuild at that image's ID."""
    data = fake_measurements()
    base = BaseImage(
        requested="alpine:3.19", source="standin", image_id=IMAGE_ID, recipe="busybox", recipe_version=RECIPE
    )
    rebuild = Rebuild(
        variant="alpine",
        builder="buildkit",
        source_date_epoch=None,
        builds=[RebuiltImage(image_id=IMAGE_ID, binary_sha256=ABC_SHA256, diff_ids=recorded_diff_ids())],
    )
    update = {"images": [recorded_image()], "rebuild": rebuild, "publish": [], **changes}
    provenance = data.provenance.model_copy(update={"bases": [base]})
    return data.model_copy(update={"provenance": provenance, **update})


def differences(report: Report) -> list[tuple[str, object, object]]:
    return [(check.pointer, check.recorded, check.observed) for check in report.differences]


def with_layers(layers: list[Layer]) -> Measurements:
    return recorded_data(images=[recorded_image().model_copy(update={"layers": layers})])


def test_every_figure_the_measurement_recorded_agrees_with_the_cli() -> None:
    report = witness(recorded_data(), FakeDockerCLI())
    assert report.engine_version == "20.10.24+dfsg1"
    assert report.differences == []
    layers = len(recorded_image().layers)
    expected = {
        "/images/0/size",
        "/images/0/layers",
        *(f"/images/0/layers/{index}/size" for index in range(layers)),
        "/provenance/bases/0/source",
        "/provenance/bases/0/requested",
        "/provenance/bases/0/recipe_version",
        "/rebuild/builds/0/binary_sha256",
        *(f"/rebuild/builds/0/diff_ids/{index}" for index in range(len(recorded_diff_ids()))),
    }
    assert len(report.checks) == len(expected) and {check.pointer for check in report.checks} == expected
    # The CLI's own numbers, as `docker image inspect` and `docker history` printed them.
    observed = {check.pointer: check.observed for check in report.checks}
    assert (
        layers == 20
        and observed["/images/0/size"] == 9163713
        and observed["/images/0/layers/14/size"] == 6434964
    )


def test_one_byte_more_is_the_size_that_differs_and_nothing_else() -> None:
    image = recorded_image()
    data = recorded_data(images=[image.model_copy(update={"size": image.size + 1})])
    assert differences(witness(data, FakeDockerCLI())) == [("/images/0/size", 9163714, 9163713)]


def test_a_removed_layer_is_named_and_the_sizes_after_it_still_line_up() -> None:
    layers = list(recorded_image().layers)
    removed = layers.pop(11)
    assert removed.instruction.startswith("RUN addgroup") and removed.size > 0
    report = witness(with_layers(layers), FakeDockerCLI())
    # By position every size from layer 11 on would differ; matched by instruction, only the count
    # does, and the layer the data lacks is named.
    assert differences(report) == [
        ("/images/0/layers", 19, 20),
        ("/images/0/layers", "no such layer", f"layer 11, {removed.size} bytes: {removed.instruction}"),
    ]
    assert sum(1 for check in report.checks if check.pointer.endswith("/size") and check.agrees) == 1 + 19


def test_a_layer_the_engine_does_not_have_and_a_changed_layer_size() -> None:
    layers = list(recorded_image().layers)
    binary = layers[14]
    assert binary.instruction.startswith("COPY file:") and binary.instruction.endswith("devops-info-service")
    layers[14] = binary.model_copy(update={"size": binary.size - 4096})
    layers.insert(3, Layer(instruction="RUN rm -rf /tmp/cache", size=512))
    assert differences(witness(with_layers(layers), FakeDockerCLI())) == [
        ("/images/0/layers", 21, 20),
        ("/images/0/layers/3", "512 bytes: RUN rm -rf /tmp/cache", "no such layer"),
        ("/images/0/layers/15/size", binary.size - 4096, binary.size),
    ]


def test_a_count_off_by_one_differs_even_when_the_layers_look_alike() -> None:
    checks = compare_layers("/images/7", [("COPY a", 1), ("COPY a", 1)], [("COPY a", 1)])
    assert [(c.pointer, c.recorded, c.observed) for c in checks if not c.agrees] == [
        ("/images/7/layers", 2, 1),
        ("/images/7/layers/1", "1 bytes: COPY a", "no such layer"),
    ]


def test_an_image_measured_elsewhere_is_named_not_counted_as_a_difference() -> None:
    elsewhere = "sha256:" + "ab" * 32
    image = recorded_image().model_copy(update={"image_id": elsewhere})
    report = witness(recorded_data(images=[image], rebuild=None), FakeDockerCLI())
    subject = report.subjects[0]
    assert subject.pointer == "/images/0" and subject.checks == []
    here = f"devops-info-service:alpine here is {IMAGE_ID[:19]}, another build"
    assert subject.skipped == f"{NOT_HERE}: {elsewhere[:19]} is gone; {here}"
    assert report.differences == []


def test_the_programs_hash_is_read_out_of_the_image_and_the_container_removed() -> None:
    cli = FakeDockerCLI(program=b"abd")
    # sha256("abd") as sha256sum prints it: a digest worked out outside the code under test.
    abd = "sha256:a52d159f262b2c6ddb724a61840befc36eb30c88877a4030b65cbe86298449c9"
    assert differences(witness(recorded_data(), cli)) == [
        ("/rebuild/builds/0/binary_sha256", ABC_SHA256, abd)
    ]
    create = next(call for call in cli.calls if call[0] == "create")
    assert create[-1] == IMAGE_ID and "org.labreport.managed=1" in create
    copy = next(call for call in cli.calls if call[0] == "cp")
    assert copy[2] == "c0ffee:/app/devops-info-service"  # WORKDIR /app + CMD ["/app/devops-info-service"]
    assert cli.removed() == ["c0ffee"]


def test_the_container_is_removed_when_the_copy_is_interrupted() -> None:
    cli = FakeDockerCLI()
    cli.fail_cp_with = KeyboardInterrupt()
    with pytest.raises(KeyboardInterrupt):
        witness(recorded_data(), cli)
    assert cli.removed() == ["c0ffee"]


def test_a_diff_id_and_a_stand_ins_recipe_that_differ_are_named() -> None:
    diff_ids = recorded_diff_ids()
    diff_ids[3] = "sha256:" + "0" * 64
    data = recorded_data()
    assert data.rebuild is not None
    build = data.rebuild.builds[0].model_copy(update={"diff_ids": diff_ids})
    rebuild = data.rebuild.model_copy(update={"builds": [build]})
    base = data.provenance.bases[0].model_copy(update={"recipe_version": "r0"})
    provenance = data.provenance.model_copy(update={"bases": [base]})
    assert differences(witness(recorded_data(rebuild=rebuild, provenance=provenance), FakeDockerCLI())) == [
        ("/provenance/bases/0/recipe_version", "r0", RECIPE),
        ("/rebuild/builds/0/diff_ids/3", "sha256:" + "0" * 64, recorded_diff_ids()[3]),
    ]


def test_no_engine_is_one_error_not_a_report() -> None:
    with pytest.raises(NoEngine, match="Cannot connect to the Docker daemon"):
        witness(recorded_data(), FakeDockerCLI(engine_up=False))


@pytest.fixture
def registry() -> Iterator[str]:
    """A loopback registry whose one manifest is the bytes "abc", so its digest is the FIPS vector."""

    class Manifests(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = self.path == "/v2/devops-info-service/manifests/alpine"
            self.send_response(200 if found else 404)
            self.end_headers()
            self.wfile.write(b"abc" if found else b"{}")

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Manifests)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def push(variant: str, digest: str) -> Publish:
    return Publish(
        variant=variant,
        pushed_ref=f"devops-info-service:{variant}",
        digest=digest,
        compressed_size=1,
        pull_seconds=spread(0.5),
        docker_hub=None,
    )


def test_a_pushed_digest_is_checked_where_the_registry_answers(registry: str) -> None:
    pushes = [push("alpine", ABC_SHA256), push("scratch", ABC_SHA256)]
    report = witness(recorded_data(publish=pushes), FakeDockerCLI(), registry=registry)
    assert [c.pointer for c in report.checks if c.pointer.startswith("/publish")] == [
        "/publish/0/digest",
        "/publish/1/digest",
    ]
    assert differences(report) == [("/publish/1/digest", ABC_SHA256, "no such tag in the registry")]


def test_without_a_registry_the_push_is_skipped_and_says_so() -> None:
    report = witness(recorded_data(publish=[push("alpine", ABC_SHA256)]), FakeDockerCLI())
    assert report.subjects[-1].skipped is not None and report.subjects[-1].skipped.startswith(NO_REGISTRY)
    gone = witness(
        recorded_data(publish=[push("alpine", ABC_SHA256)]), FakeDockerCLI(), registry="127.0.0.1:9"
    )
    assert gone.subjects[-1].skipped == f"{NO_REGISTRY}: nothing answers at 127.0.0.1:9"
