"""The BuildKit runner, against a stand-in docker CLI that replays a recorded plain-progress log."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from labreport.measure.buildkit import BuildKit
from labreport.measure.buildlog import BuildFailed
from labreport.measure.timing import Timer

RECORDED = Path(__file__).parent / "data" / "buildkit"
IMAGE_ID = "sha256:d3daa154820164d2b8a831832455d0b4d861faa305584274219e18ec900b9b12"
DOCKERFILE = "FROM golang:1.25-alpine AS builder\nRUN go build\nFROM alpine:3.19\nCOPY --from=builder /x /x\n"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `docker` that records its arguments and environment, prints the log named by FAKE_LOG to
    stderr, writes FAKE_IID to the --iidfile it was given, and exits FAKE_EXIT."""
    script = tmp_path / "docker"
    script.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$@" > {tmp_path}/args\n'
        f'echo "$DOCKER_BUILDKIT $DOCKER_HOST" > {tmp_path}/env\n'
        'if [ "$1" = version ]; then echo 20.10.24+dfsg1; exit 0; fi\n'
        'if [ "$1" = buildx ]; then [ -n "$FAKE_BUILDX" ] || exit 1; printf "$FAKE_BUILDX"; exit 0; fi\n'
        'while [ $# -gt 0 ]; do if [ "$1" = --iidfile ]; then iid=$2; fi; shift; done\n'
        'cat "$FAKE_LOG" >&2\n'
        'if [ -n "$FAKE_IID" ]; then printf %s "$FAKE_IID" > "$iid"; fi\n'
        'exit "${FAKE_EXIT:-0}"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("LABREPORT_DOCKER_CLI", str(script))
    (tmp_path / "context").mkdir()
    (tmp_path / "context" / "Dockerfile").write_text(DOCKERFILE)
    return tmp_path


def test_a_build_runs_the_cli_with_buildkit_and_returns_the_iidfiles_image_and_buildkits_steps(
    cli: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_LOG", str(RECORDED / "cold.log"))
    monkeypatch.setenv("FAKE_IID", IMAGE_ID)
    timer = Timer()
    build = BuildKit(timer, {"org.labreport.managed": "1"}, "unix:///run/other.sock").build(
        cli / "context", tag="x:y", buildargs={"VERSION": "2"}, target="builder", nocache=True
    )
    assert build.image_id == IMAGE_ID
    assert len(build.steps) == 11 and build.steps[5].seconds == 27.9
    assert build.log[0] == "#1 [internal] load build definition from Dockerfile"
    assert timer.seconds > 0
    args = (cli / "args").read_text().splitlines()
    assert args[:2] == ["build", "--progress=plain"]
    for expected in (
        "--label=org.labreport.managed=1",
        "--build-arg=VERSION=2",
        "--target=builder",
        "--no-cache",
    ):
        assert expected in args
    assert args[args.index("--tag") + 1] == "x:y" and args[-1] == str(cli / "context")
    assert (cli / "env").read_text().split() == ["1", "unix:///run/other.sock"]


def test_a_failed_build_raises_with_the_compilers_output(cli: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_LOG", str(RECORDED / "failed.log"))
    monkeypatch.setenv("FAKE_EXIT", "1")
    monkeypatch.delenv("FAKE_IID", raising=False)
    with pytest.raises(BuildFailed, match=r"BuildKit build of x:y .* failed: executor failed") as raised:
        BuildKit(Timer(), {}).build(cli / "context", tag="x:y")
    assert raised.value.output_tail[-1] == "./main.go:22:17: undefined: undefined_thing"


def test_client_version_asks_the_cli(cli: Path) -> None:
    assert BuildKit(Timer(), {}).client_version() == "20.10.24+dfsg1"
    assert (cli / "args").read_text().splitlines() == ["version", "--format", "{{.Client.Version}}"]


def test_a_missing_cli_is_a_build_failure_not_a_crash(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("LABREPORT_DOCKER_CLI", str(tmp_path / "no-such-docker"))
    with pytest.raises(BuildFailed, match="docker build"):
        BuildKit(Timer(), {}).build(tmp_path, tag="x:y")


def test_engine_version_from_buildx_and_none_without_it(cli: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAKE_BUILDX", raising=False)
    assert BuildKit(Timer(), {}).engine_version() is None  # no buildx: the CLI refuses
    monkeypatch.setenv("FAKE_BUILDX", "Name: default\\nDriver: docker\\nBuildKit version: v0.12.5\\n")
    assert BuildKit(Timer(), {}).engine_version() == "v0.12.5"
    monkeypatch.setenv("FAKE_BUILDX", "Name: default\\nBuildkit: v0.11.6\\n")
    assert BuildKit(Timer(), {}).engine_version() == "v0.11.6"
