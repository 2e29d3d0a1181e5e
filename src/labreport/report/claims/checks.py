"""The named checks of the yes/no claims (a failure, a permission, a missing tool), judged against
the data. A claim in the claims file names one (`measure = "fact"`, `check = "cgo-fails"`); `FACTS`
is the one place a name maps to its check. Numeric claims are measured by `measures`.

Each says what decides it: the layers this project adds (measured for real, whatever the base) or
the base image itself (then a stand-in base leaves it a *stand-in*).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ...contract.schema import Measurements
from ...contract.variants import BY_NAME, PRIMARY
from ..derive import (
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
from .judge import NO_VALUE, Claim, Pointing, Verdict


@dataclass(frozen=True, kw_only=True)
class Fact:
    """A yes/no claim of the claims file, decided by the check it names."""

    key: str
    topic: str
    claimed: str  # the report's words, shown as they are
    page: str
    check: str
    of: str = ""  # the variant the check looks at
    against: str = ""  # a second variant it compares with
    expect: str = ""  # the words a failure's message must hold
    note: str = ""


def unmeasured(fact: Fact, note: str) -> Claim:
    return Claim(
        key=fact.key,
        topic=fact.topic,
        claimed=fact.claimed,
        measured=NO_VALUE,
        verdict="not measurable here",
        difference=None,
        note=note,
        page=fact.page,
    )


def _base(variant: str) -> str | None:
    """The base the variant's runtime stage starts from; None for an empty one."""
    return BY_NAME[variant].runtime_base


def cgo_claim(data: Measurements, fact: Fact) -> Claim:
    """The binary, not the base, decides: a cgo build asks for glibc's dynamic loader, which no minimal
    base the report names has (Alpine is musl-based, scratch and distroless static hold no libc)."""
    found = probe(data, fact.of)
    if found is None:
        return unmeasured(fact, f"the {fact.of} variant was not run")
    error = found.error_text or ""
    failed = not found.started and fact.expect in error
    measured = f"exit code {found.exit_code}: {code(error)}" if not found.started else "started and answered"
    built = binary(data, BY_NAME[fact.of].flavour)
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
        key=fact.key,
        topic=fact.topic,
        claimed=fact.claimed,
        measured=measured,
        verdict="reproduced" if failed else "differs",
        difference=None,
        note=note,
        page=fact.page,
        standin=surface_on_standin(data, fact.of),
    )


def _mode(text: str) -> int | None:
    try:
        return int(text, 8)
    except ValueError:
        return None


def ownership_claim(data: Measurements, fact: Fact) -> Claim:
    """The report: the binary, owned by root, failed to run as `appuser` until `RUN chown -R` was added.

    Judged from the primary image, which keeps the binary root-owned and runs as a non-root user:
    the file scan gives the owner and mode of the program its CMD runs, the probe whether it started.
    The mode comes from the project's own COPY layer, so the base does not decide it.
    """
    scanned, run = surface(data, fact.of), probe(data, fact.of)
    if scanned is None or run is None:
        return unmeasured(fact, "the primary image was not both scanned and run")
    owner, mode = scanned.program_owner, _mode(scanned.program_mode)
    root_owned = owner.split(":")[0] == "0"
    as_non_root = run.started and run.process_uid not in (None, 0)
    measured = f"{code(scanned.program)} owned by {code(owner)}, mode {code(scanned.program_mode)}: " + (
        f"started as uid {run.process_uid}" if run.started else "did not start"
    )
    chowned = surface(data, fact.against) if fact.against else None
    after = (
        "" if chowned is None else f"; `RUN chown -R` ({fact.against}) makes it {code(chowned.program_owner)}"
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
        key=fact.key,
        topic=fact.topic,
        claimed=fact.claimed,
        measured=measured,
        verdict=verdict,
        difference=None,
        note=note,
        page=fact.page,
        standin=surface_on_standin(data, fact.of),
    )


def package_manager_claim(data: Measurements, fact: Fact) -> Claim:
    """Whether the final image has a package manager is its base's doing: this project adds none."""
    scanned = surface(data, fact.of)
    if scanned is None:
        return unmeasured(fact, "the final image was not scanned")
    measured = "one found" if scanned.has_package_manager else "none found"
    verdict: Verdict = "differs" if scanned.has_package_manager else "reproduced"
    note = "this project's layers add none"
    if surface_on_standin(data, fact.of):
        verdict = "stand-in"
        note += f"; whether the image has one is decided by its base, here the stand-in for {_base(fact.of)}"
    return Claim(
        key=fact.key,
        topic=fact.topic,
        claimed=fact.claimed,
        measured=measured,
        verdict=verdict,
        difference=None,
        note=note,
        page=fact.page,
        standin=surface_on_standin(data, fact.of),
    )


def copied_ca_claim(data: Measurements, fact: Fact) -> Claim:
    """A layer the report made with a package manager no stand-in has (`apk add ca-certificates`):
    this build copies the builder's CA bundle instead, a different layer, shown beside the claim.
    The measured value is the bare size, so the page's evidence wraps a figure and nothing else;
    the note says which layer it is."""
    copied = layer(variant_image(data, fact.of), "COPY", "ca-certificates")
    measured = NO_VALUE if copied is None else human_size(copied.size)
    return Claim(
        key=fact.key,
        topic=fact.topic,
        claimed=fact.claimed,
        measured=measured,
        verdict="not measurable here",
        difference=None,
        note=fact.note,
        page=fact.page,
        standin=copied is not None and (base := _base(fact.of)) is not None and is_standin(data, base),
        evidence=None if copied is None else Pointing(inputs=((copied, ("size",)),)),
    )


def nothing_measures(data: Measurements, fact: Fact) -> Claim:
    """A claim nothing here can measure (a CVE count needs a database no offline machine has)."""
    return unmeasured(fact, fact.note)


Check = Callable[[Measurements, Fact], Claim]

#: What a check cannot be judged without (the claims file's fields), and where it has a default:
#: "no package manager" is said of the final image unless the entry names another.
CHECK_NEEDS: dict[str, tuple[str, ...]] = {"cgo-fails": ("of", "expect"), "chown-needed": ("of",)}
CHECK_DEFAULT_OF: dict[str, str] = {"no-package-manager": PRIMARY}

#: Check name (a claim's `check`) -> the check. The one place a name maps to its function.
FACTS: dict[str, Check] = {
    "cgo-fails": cgo_claim,
    "chown-needed": ownership_claim,
    "no-package-manager": package_manager_claim,
    "copied-ca-bundle": copied_ca_claim,
    "not-measurable": nothing_measures,
}
