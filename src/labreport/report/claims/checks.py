"""The report's yes/no claims (a failure, a permission, a missing tool) and the ones nothing here can
measure, judged against the data. Numeric claims are in `ledger`.

Each says what decides it: the layers this project adds (measured for real, whatever the base) or
the base image itself (then a stand-in base leaves it a *stand-in*).
"""

from __future__ import annotations

from ...contract.schema import Measurements
from ...contract.variants import AS_REPORTED, BY_NAME, CGO
from ..derive import (
    ALPINE,
    PRIMARY,
    binary,
    is_standin,
    layer,
    probe,
    surface,
    surface_on_standin,
    variant_image,
)
from ..escape import code
from ..units import human_size
from .judge import NO_VALUE, Claim, Verdict


def _unmeasured(key: str, topic: str, claimed: str, note: str, page: str) -> Claim:
    return Claim(
        key=key,
        topic=topic,
        claimed=claimed,
        measured=NO_VALUE,
        verdict="not measurable here",
        difference=None,
        note=note,
        page=page,
    )


def cgo_claim(data: Measurements) -> Claim:
    """The binary, not the base, decides: a cgo build asks for glibc's dynamic loader, which no minimal
    base the report names has (Alpine is musl-based, scratch and distroless static hold no libc)."""
    topic, claimed = (
        "CGO left on, binary on a minimal base",
        "exits at start with “no such file or directory”",
    )
    found = probe(data, CGO)
    if found is None:
        return _unmeasured(
            key="cgo", topic=topic, claimed=claimed, note="the cgo variant was not run", page="challenges.md"
        )
    error = found.error_text or ""
    failed = not found.started and "no such file or directory" in error
    measured = f"exit code {found.exit_code}: {code(error)}" if not found.started else "started and answered"
    built = binary(data, BY_NAME[CGO].flavour)
    loader = f"the binary asks for {code(built.interpreter)}" if built and built.interpreter else ""
    if failed:
        note = "; ".join(
            part
            for part in (
                loader,
                "a musl or libc-free base has no such loader, so the failure does not depend on the stand-in",
                "today's runc words the message differently",
            )
            if part
        )
    else:
        note = loader
    return Claim(
        key="cgo",
        topic=topic,
        claimed=claimed,
        measured=measured,
        verdict="reproduced" if failed else "differs",
        difference=None,
        note=note,
        page="challenges.md",
        standin=surface_on_standin(data, CGO),
    )


def _mode(text: str) -> int | None:
    try:
        return int(text, 8)
    except ValueError:
        return None


def ownership_claim(data: Measurements) -> Claim:
    """The report: the binary, owned by root, failed to run as `appuser` until `RUN chown -R` was added.

    Judged from the primary image, which keeps the binary root-owned and runs as a non-root user:
    the file scan gives the owner and mode of the program its CMD runs, the probe whether it started.
    The mode comes from the project's own COPY layer, so the base does not decide it.
    """
    claimed = "a root-owned binary fails to run as `appuser` until `chown`"
    topic = "binary owned by root, run as `appuser`"
    scanned, run = surface(data, PRIMARY), probe(data, PRIMARY)
    if scanned is None or run is None:
        note = "the primary image was not both scanned and run"
        return _unmeasured("ownership", topic, claimed, note, "challenges.md")
    owner, mode = scanned.program_owner, _mode(scanned.program_mode)
    root_owned = owner.split(":")[0] == "0"
    as_non_root = run.started and run.process_uid not in (None, 0)
    measured = f"{code(scanned.program)} owned by {code(owner)}, mode {code(scanned.program_mode)}: " + (
        f"started as uid {run.process_uid}" if run.started else "did not start"
    )
    chowned = surface(data, AS_REPORTED)
    after = (
        "" if chowned is None else f"; `RUN chown -R` (as-reported) makes it {code(chowned.program_owner)}"
    )
    if mode is None or not root_owned or (run.started and not as_non_root):
        verdict: Verdict = "not measurable here"
        note = "the primary image does not run a root-owned binary as a non-root user" + after
    elif as_non_root:
        verdict = "differs"
        note = (
            "the mode lets every user execute it, so no ownership change is needed, whatever the base" + after
            if mode & 0o001
            else "it started although its mode gives others no execute permission" + after
        )
    else:
        verdict, note = "reproduced", "the root-owned binary did not start" + after
    return Claim(
        key="ownership",
        topic=topic,
        claimed=claimed,
        measured=measured,
        verdict=verdict,
        difference=None,
        note=note,
        page="challenges.md",
        standin=surface_on_standin(data, PRIMARY),
    )


def package_manager_claim(data: Measurements) -> Claim:
    """Whether the final image has a package manager is its base's doing: this project adds none."""
    topic, claimed = "no package manager in the final image", "none"
    scanned = surface(data, PRIMARY)
    if scanned is None:
        return _unmeasured(
            "package-manager", topic, claimed, "the final image was not scanned", "security.md"
        )
    measured = "one found" if scanned.has_package_manager else "none found"
    verdict: Verdict = "differs" if scanned.has_package_manager else "reproduced"
    note = "this project's layers add none"
    if surface_on_standin(data, PRIMARY):
        verdict = "stand-in"
        note += f"; whether the image has one is decided by its base, here the stand-in for {ALPINE}"
    return Claim(
        key="package-manager",
        topic=topic,
        claimed=claimed,
        measured=measured,
        verdict=verdict,
        difference=None,
        note=note,
        page="security.md",
        standin=surface_on_standin(data, PRIMARY),
    )


def ca_layer_claim(data: Measurements) -> Claim:
    """The report's 524 kB layer is `RUN apk --no-cache add ca-certificates`. No Alpine repository is
    reachable here, so this build copies the builder's CA bundle instead: a different layer."""
    topic, claimed = "`apk add ca-certificates` layer", human_size(524e3)
    copied = layer(variant_image(data, PRIMARY), "COPY", "ca-certificates")
    measured = NO_VALUE if copied is None else f"{human_size(copied.size)} (a copied bundle)"
    return Claim(
        key="ca-layer",
        topic=topic,
        claimed=claimed,
        measured=measured,
        verdict="not measurable here",
        difference=None,
        note="`apk add` needs an Alpine repository, unreachable here; the final image copies the CA bundle "
        "from the builder stage instead, a different layer",
        page="layers.md",
        standin=copied is not None and is_standin(data, ALPINE),
    )


def cve_claim(data: Measurements) -> Claim:
    return _unmeasured(
        "cves",
        "vulnerabilities: builder “dozens of CVEs”, runtime “minimal”",
        "dozens / minimal",
        "a CVE count needs a vulnerability database (trivy's, grype's), and none can be downloaded "
        "offline; the package counts are what such a scan would cover",
        "security.md",
    )


CHECKS = (cgo_claim, ownership_claim, package_manager_claim, ca_layer_claim, cve_claim)
