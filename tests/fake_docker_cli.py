"""A docker CLI that answers from recorded output (tests/data/witness/), for the witness's unit tests:
what `docker image inspect`, `docker history`, `create`, `cp` and `rm` printed for one real image."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from labreport.contract.schema import ImageSize

RECORDED = Path(__file__).parent / "data" / "witness"
IMAGE_ID = "sha256:c43f63af38fc28b057668505b05928e66aef5758c31b44fcfabf48ee52baed4b"
# FIPS 180-2's test vector: sha256("abc"), a digest worked out elsewhere than in the code under test.
ABC_SHA256 = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def recorded_image() -> ImageSize:
    """The image as the measurement recorded it, through docker-py."""
    return ImageSize.model_validate_json((RECORDED / "alpine.sdk.json").read_text())


def recorded_diff_ids() -> list[str]:
    return list(json.loads((RECORDED / "alpine.sdk-diff-ids.json").read_text()))


def recorded_inspect() -> dict[str, Any]:
    found: list[dict[str, Any]] = json.loads((RECORDED / "alpine.inspect.json").read_text())
    return found[0]


class FakeDockerCLI:
    """Call it like `run_cli`: answers each command from the recordings (or `inspected`, when a test
    changes what the engine holds) and notes every call, so a test sees each container removed."""

    def __init__(self, *, engine_up: bool = True, program: bytes = b"abc") -> None:
        self.engine_up = engine_up
        self.program = program  # the bytes `docker cp` copies out
        self.inspected: dict[str, dict[str, Any]] = {IMAGE_ID: recorded_inspect()}
        self.tags: dict[str, str] = {"devops-info-service:alpine": IMAGE_ID}
        self.calls: list[list[str]] = []
        self.fail_cp_with: BaseException | None = None

    def __call__(self, args: Sequence[str]) -> subprocess.CompletedProcess[str]:
        args = list(args)
        self.calls.append(args)
        if not self.engine_up:
            return self._answer(args, 1, stderr="Cannot connect to the Docker daemon at unix:///x.sock.")
        command = args[0]
        if command == "version":
            return self._answer(args, 0, "20.10.24+dfsg1\n")
        if command in ("image", "history"):
            ref = args[-1]
            image = self.inspected.get(self.tags.get(ref, ref))
            if image is None:
                return self._answer(args, 1, stderr=f"Error: No such image: {ref}\n")
            if command == "image":
                return self._answer(args, 0, json.dumps([image]))
            return self._answer(args, 0, (RECORDED / "alpine.history.jsonl").read_text())
        if command == "create":
            return self._answer(args, 0, "c0ffee\n")
        if command == "cp":
            if self.fail_cp_with is not None:
                raise self.fail_cp_with
            Path(args[-1]).write_bytes(self.program)
            return self._answer(args, 0)
        if command == "rm":
            return self._answer(args, 0, "c0ffee\n")
        raise AssertionError(f"the witness ran an unexpected command: docker {' '.join(args)}")

    @staticmethod
    def _answer(
        args: list[str], code: int, stdout: str = "", stderr: str = ""
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(["docker", *args], code, stdout, stderr)

    def removed(self) -> list[str]:
        return [call[-1] for call in self.calls if call[0] == "rm"]
