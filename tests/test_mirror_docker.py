"""The workflow's path, rehearsed offline (issue 23): a second engine whose Docker Hub is a local
registry, so `labreport measure` finds no base image on it and pulls them, as on a GitHub runner.

The registry (Debian's docker-registry) holds the bases the first engine has (the real images in
CI, stand-ins here) under `library/...`, the repositories a Docker Hub mirror answers for. The
second engine (`registry.fresh_daemon`, with the registry as its mirror) starts empty, and
`labreport measure --only alpine --repeat 1 --no-publish` runs against it through DOCKER_HOST. The
run's data file is a fixture in a temporary directory, never the site's data. Marked `docker`.

Lean: the measurement runs in this process with the phases that do not touch the bases left out
(the binary flavours, the legacy builder's timings, the probe, the cache-mount Dockerfile's BuildKit
timings: `test_docker.py` measures them).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from labreport import cli
from labreport.contract import schema, status
from labreport.contract.variants import BY_NAME, PRIMARY
from labreport.measure import phases, rebuilds, registry, standins
from labreport.measure.engine import Engine
from labreport.measure.lock import lock_path
from labreport.report.claims import claimsfile
from labreport.report.claims.judge import Quantity, band
from labreport.report.claims.ledger import ledger

pytestmark = [
    pytest.mark.docker,
    pytest.mark.skipif(
        shutil.which("docker-registry") is None or shutil.which("dockerd") is None,
        reason="the rehearsal needs Debian's docker-registry and dockerd: "
        "apt-get install docker-registry docker.io (scripts/prereqs.sh does)",
    ),
]


def numeric_claims() -> list[Quantity]:
    return [entry for entry in claimsfile.current().entries if isinstance(entry, Quantity)]


BASES = BY_NAME[PRIMARY].bases  # golang:1.25-alpine and alpine:3.19
FINAL = BY_NAME[PRIMARY].ref
#: The claims that rest on the primary variant's bases and on nothing else.
ON_PULLED_BASES = {
    quantity.key
    for quantity in numeric_claims()
    if (bases := {*quantity.vary, *quantity.held, *quantity.rests_on}) and bases <= set(BASES)
}
# An access-log line's request: "GET /v2/library/alpine/blobs/sha256:... HTTP/1.1" 200
REQUEST = re.compile(r'"GET /v2/(?P<repository>\S+)/blobs/(?P<digest>sha256:[0-9a-f]{64}) [^"]*" 200 ')


@dataclass(frozen=True, kw_only=True)
class Rehearsal:
    data: schema.Measurements
    returncode: int
    stderr: str
    host: str  # the second engine's address
    registry: str  # the local registry's address, where the bases were pushed
    main_lock: Path  # the first engine's measurement lock
    #: Per base, what the first engine pushed: its image ID, and its blobs (layers and config).
    pushed_ids: dict[str, str]
    pushed_blobs: dict[str, set[str]]
    #: Seconds to pull each base into the empty second engine, timed before the measurement.
    first_pulls: dict[str, float]
    images_before: list[str]
    #: `docker image inspect` on the second engine after the run: reference -> (ID, size).
    inspected: dict[str, tuple[str, int]]
    #: (repository, digest) of each blob the registry served during the BuildKit timings.
    served_for_buildkit: set[tuple[str, str]]
    #: Mid-run (after the builds): each lock file's text, and the status file's.
    locks_mid_run: dict[Path, str]
    status_mid_run: str
    status_at_end: str
    daemons: int  # second engines started: the one measured, and the one the base pulls are timed on
    leftovers: list[str]


def _cli(host: str, *arguments: str) -> str:
    result = subprocess.run(
        ["docker", "--host", host, *arguments], capture_output=True, text=True, timeout=120, check=True
    )
    return result.stdout


def _blobs(address: str, ref: str) -> set[str]:
    """The digests a pull of `ref` fetches: its layers and its config."""
    name, tag = ref.split(":")
    response = requests.get(
        f"http://{address}/v2/library/{name}/manifests/{tag}",
        timeout=10,
        headers={"Accept": "application/vnd.docker.distribution.manifest.v2+json"},
    )
    response.raise_for_status()
    manifest = response.json()
    return {str(manifest["config"]["digest"]), *(str(layer["digest"]) for layer in manifest["layers"])}


def _traces(root: str, bridge: str) -> list[str]:
    """Processes, mounts, the bridge and files the second engine could have left behind."""
    processes = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True, check=True)
    found = [f"process: {line}" for line in processes.stdout.splitlines() if root in line]
    found += [f"mount: {line}" for line in Path("/proc/mounts").read_text().splitlines() if root in line]
    links = subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True, check=True)
    found += [f"link: {bridge}" for line in links.stdout.splitlines() if line.split(":")[1].strip() == bridge]
    return found + ([f"directory: {root}"] if Path(root).exists() else [])


@contextlib.contextmanager
def _lean(patch: pytest.MonkeyPatch, mid_run: Callable[[], None]) -> Iterator[None]:
    """Leaves out what does not touch the bases; `mid_run` runs in place of the legacy timings,
    after the builds and before the BuildKit timings (whose cold build times the base pull)."""
    patch.setattr(phases, "binaries", lambda run, step: None)
    patch.setattr(phases, "timings", lambda run, variant, step: mid_run())
    patch.setattr(phases, "probe_variant", lambda run, variant: None)
    patch.setattr(rebuilds, "CACHE_MOUNT_DOCKERFILE", None)  # two more builds, no base pulled
    # cli.main routes SIGTERM to KeyboardInterrupt; pytest's own handler comes back afterwards.
    patch.setattr(signal, "signal", lambda signum, handler: None)
    yield


@pytest.fixture(scope="module")
def rehearsal(tmp_path_factory: pytest.TempPathFactory) -> Rehearsal:
    """Everything it starts is stopped and removed by the context managers, also on a failure;
    `leftovers` is what a check found after that."""
    scratch = tmp_path_factory.mktemp("mirror")
    output, status_file, access_log = scratch / "m.json", scratch / "status.json", scratch / "registry.log"
    main_lock = lock_path(os.environ.get("DOCKER_HOST"))
    main = Engine.connect()
    pushed_ids = {ref: standins.ensure_base(main, ref, echo=lambda text: None).image_id for ref in BASES}
    mid: dict[str, Any] = {}
    nodes: list[tuple[str, str]] = []  # the root directory and bridge of every daemon started
    start_daemon = registry.fresh_daemon

    @contextlib.contextmanager
    def recorded(mirrors: Sequence[str] = ()) -> Iterator[Engine]:
        with start_daemon(mirrors) as started:
            options = started.client.networks.get("bridge").attrs["Options"]
            root = Path(str(started.client.info()["DockerRootDir"])).parent
            nodes.append((str(root), str(options["com.docker.network.bridge.name"])))
            yield started

    with (
        registry.local_registry(access_log=access_log) as address,
        pytest.MonkeyPatch.context() as patch,
    ):
        # The run starts a daemon of its own to time the base pulls: recorded too, to look for traces.
        patch.setattr(registry, "fresh_daemon", recorded)
        for ref in BASES:
            main.push(pushed_ids[ref], f"{address}/library/{ref}")  # where Docker Hub keeps them
        pushed_blobs = {ref: _blobs(address, ref) for ref in BASES}
        with registry.fresh_daemon([f"http://{address}"]) as node:
            assert node.buildkit is not None and node.buildkit.host is not None
            host = node.buildkit.host
            first_pulls = {ref: round(node.timed_pull(ref), 3) for ref in BASES}
            images_before = _cli(host, "images", "--all", "--quiet").split()

            def mid_run() -> None:
                locks = (lock_path(host), main_lock)
                mid["locks"] = {path: path.read_text() for path in locks if path.exists()}
                mid["status"] = status_file.read_text()
                mid["log_offset"] = access_log.stat().st_size

            patch.setenv("DOCKER_HOST", host)
            stderr = io.StringIO()
            with _lean(patch, mid_run), contextlib.redirect_stderr(stderr):
                argv = ["measure", "--plain", "--force", "--repeat", "1", "--no-publish", "--only", PRIMARY]
                returncode = cli.main([*argv, "--output", str(output), "--status-file", str(status_file)])
            assert output.exists(), stderr.getvalue()[-3000:]
            refs = [*BASES, FINAL]
            lines = _cli(host, "image", "inspect", "--format", "{{.Id}} {{.Size}}", *refs).splitlines()
            inspected = {
                ref: (line.split()[0], int(line.split()[1])) for ref, line in zip(refs, lines, strict=True)
            }
    served = access_log.read_bytes()[mid["log_offset"] :].decode(errors="replace")
    return Rehearsal(
        data=schema.load(output),
        returncode=returncode,
        stderr=stderr.getvalue(),
        host=host,
        registry=address,
        main_lock=main_lock,
        pushed_ids=pushed_ids,
        pushed_blobs=pushed_blobs,
        first_pulls=first_pulls,
        images_before=images_before,
        inspected=inspected,
        served_for_buildkit={(match["repository"], match["digest"]) for match in REQUEST.finditer(served)},
        locks_mid_run=mid["locks"],
        status_mid_run=mid["status"],
        status_at_end=status_file.read_text(),
        daemons=len(nodes),
        leftovers=[trace for root, bridge in nodes for trace in _traces(root, bridge)],
    )


def test_the_run_pulls_every_base_from_the_mirror_into_an_empty_engine(rehearsal: Rehearsal) -> None:
    print(f"\nfirst pulls through the mirror into the empty engine, s: {rehearsal.first_pulls}")
    assert rehearsal.returncode == 0, rehearsal.stderr[-3000:]
    assert rehearsal.images_before == [], "the second engine must start with nothing on it"
    bases = {base.requested: base for base in rehearsal.data.provenance.bases}
    assert set(bases) == set(BASES)
    for ref in BASES:
        assert bases[ref].source == "pulled", f"{ref}: {bases[ref].source}"
        # An image's ID is its config's digest: the same on both engines only if the pull brought
        # the very image the first engine pushed.
        assert bases[ref].image_id == rehearsal.pushed_ids[ref] == rehearsal.inspected[ref][0]
        assert bases[ref].recipe is None and bases[ref].recipe_version is None
    assert (
        next(image for image in rehearsal.data.images if image.variant == PRIMARY).image_id
        == (rehearsal.inspected[FINAL][0])
    )


def test_the_cold_build_records_a_pull_that_downloads_every_base(rehearsal: Rehearsal) -> None:
    (cold,) = [
        build
        for build in rehearsal.data.builds
        if (build.variant, build.builder, build.kind) == (PRIMARY, "buildkit", "cold")
    ]
    assert cold.base_pull_seconds is not None, "pulled bases: the cold build must time their pull"
    print(f"\nthe cold build's base pull (both bases), s: {cold.base_pull_seconds.median}")
    # The registry's log is the witness: a pull that found the layers still on an engine would
    # fetch nothing but the manifests (0.1 s), and its time would hold no download.
    for ref in BASES:
        repository = f"library/{ref.split(':')[0]}"
        missing = {
            digest
            for digest in rehearsal.pushed_blobs[ref]
            if (repository, digest) not in rehearsal.served_for_buildkit
        }
        assert not missing, f"{ref}: {len(missing)} of its blobs were not downloaded for the cold build"
    # The same bytes from the same registry as the first pulls: a time of the same order.
    assert cold.base_pull_seconds.median > 0.25 * sum(rehearsal.first_pulls.values())


def test_the_ledger_judges_pulled_bases_without_the_standin_rule(rehearsal: Rehearsal) -> None:
    assert {"alpine", "sdk-alpine", "final", "final-compressed", "packages-runtime"} <= ON_PULLED_BASES
    judged = {claim.key: claim for claim in ledger(rehearsal.data)}
    for key in ON_PULLED_BASES:
        claim = judged[key]
        assert not claim.standin and claim.verdict != "stand-in", f"{key}: {claim.verdict} ({claim.note})"
        assert "stand-in" not in claim.note, f"{key}: {claim.note}"
    # The plain comparison with the claim's band, on sizes the docker CLI reports on that engine.
    for key, ref in (("alpine", "alpine:3.19"), ("sdk-alpine", "golang:1.25-alpine"), ("final", FINAL)):
        (quantity,) = [q for q in numeric_claims() if q.key == key]
        low, high = band(quantity.claimed, quantity.tolerance, quantity.points)
        assert judged[key].verdict == (
            "reproduced" if low <= rehearsal.inspected[ref][1] <= high else "differs"
        )
    # The same data with the bases recorded as stand-ins: the rule applies again, so the recorded
    # source, not the figures, kept it out above.
    provenance = rehearsal.data.provenance
    relabelled = rehearsal.data.model_copy(
        update={
            "provenance": provenance.model_copy(
                update={"bases": [base.model_copy(update={"source": "standin"}) for base in provenance.bases]}
            )
        }
    )
    again = {claim.key: claim for claim in ledger(relabelled)}
    measured = {key for key in ON_PULLED_BASES if judged[key].verdict != "not measurable here"}
    assert {"alpine", "sdk-alpine", "final", "packages-runtime"} <= measured
    assert all(again[key].standin for key in measured), {key: again[key].verdict for key in measured}


def test_the_run_holds_the_second_engines_lock_and_writes_its_own_status_file(rehearsal: Rehearsal) -> None:
    own = lock_path(rehearsal.host)
    assert own != rehearsal.main_lock, "one lock for both engines: a run on one would block the other"
    assert rehearsal.locks_mid_run.get(own, "").startswith(f"pid {os.getpid()},"), rehearsal.locks_mid_run
    assert f"pid {os.getpid()}," not in rehearsal.locks_mid_run.get(rehearsal.main_lock, "")
    running = status.MeasureStatus.model_validate_json(rehearsal.status_mid_run)
    assert running.state == "running" and running.pid == os.getpid()
    assert status.MeasureStatus.model_validate_json(rehearsal.status_at_end).state == "done"
    if status.STATUS_FILE.exists():  # the site's banner must not show a test's run
        assert f'"pid":{os.getpid()},' not in status.STATUS_FILE.read_text().replace(" ", "")


def test_nothing_of_the_second_engines_is_left(rehearsal: Rehearsal) -> None:
    assert rehearsal.daemons == 2
    assert rehearsal.leftovers == []
    tags = {tag for image in Engine.connect().client.images.list() for tag in image.tags}
    # This registry's only: a measurement on the first engine meanwhile may be publishing.
    assert not any(tag.startswith(f"{rehearsal.registry}/") for tag in tags), "a push target tag was left"
