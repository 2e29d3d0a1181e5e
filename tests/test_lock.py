"""measure/lock.py: one measurement per engine at a time, the holder named, a dead holder's lock free."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from labreport.measure.lock import LockHeld, lock_path, measurement_lock

REPO = Path(__file__).resolve().parents[1]


def test_the_lock_admits_one_holder_and_names_it(tmp_path: Path) -> None:
    path = tmp_path / "engine.lock"
    with measurement_lock(path), pytest.raises(LockHeld, match=f"pid {os.getpid()}"), measurement_lock(path):
        pass
    with measurement_lock(path):  # released: free again
        pass


def test_the_holder_removes_the_file_and_a_killed_holder_s_file_is_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "engine.lock"
    with measurement_lock(path):
        assert path.read_text().startswith(f"pid {os.getpid()}, started ")
    assert not path.exists()  # nothing left in /tmp, whichever engine it was
    path.write_text("pid 1, started 00:00:00, in /gone and more words than ours")  # SIGKILL leaves it
    with measurement_lock(path):
        assert path.read_text().startswith(f"pid {os.getpid()}, started ") and "/gone" not in path.read_text()
    assert not path.exists()


def test_a_second_measurement_exits_5_and_says_who_holds_the_lock(tmp_path: Path) -> None:
    """Two concurrent measurements on one engine: the second stops before touching anything. The
    engine's address is a private one, so a real measurement running elsewhere does not interfere."""
    address = f"unix://{tmp_path}/docker.sock"
    output = tmp_path / "m.json"
    with measurement_lock(lock_path(address)):
        result = subprocess.run(
            [sys.executable, "-m", "labreport", "measure", "--force", "--output", str(output),
             "--only", "alpine"],
            cwd=REPO, env={**os.environ, "DOCKER_HOST": address}, capture_output=True, text=True, timeout=120,
            check=False,
        )  # fmt: skip
    assert result.returncode == 5, result.stderr
    assert f"pid {os.getpid()}" in result.stderr
    assert not output.exists()
    assert not lock_path(address).exists()


def test_a_dead_holder_frees_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "engine.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom labreport.measure.lock import measurement_lock\n"
            f"with measurement_lock(__import__('pathlib').Path({str(path)!r})):\n"
            "    print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(LockHeld), measurement_lock(path):
            pass
    finally:
        holder.kill()
        holder.wait()
    with measurement_lock(path):
        pass
