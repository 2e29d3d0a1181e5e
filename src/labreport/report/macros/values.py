"""Macros for single values: one number, verdict or sentence from the data, as Markdown text.

A page calls them inline, e.g. `{{ image_size("alpine") }}`; a value the data lacks reads
"*not measured*", a name the report does not know fails the build. Strings from the data are
escaped (`text`, `code`); a value resting on a stand-in base carries the stand-in mark.
"""

from __future__ import annotations

from labreport.contract.schema import ImageSize, Measurements
from labreport.contract.variants import SINGLE_STAGE
from labreport.report import derive, evidence, popover, units
from labreport.report.claims.judge import TOLERANCE
from labreport.report.evidence import derived, shown, where
from labreport.report.macros.registry import macro
from labreport.report.markup import (
    NOT_MEASURED,
    STANDIN_MARK,
    VERDICT_BADGES,
    code,
    marked,
    surface_name,
    text,
    yes_no,
)
from labreport.report.site import build as sitebuild


def _data() -> Measurements:
    return sitebuild.current().data


def _named_image(name: str) -> ImageSize | None:
    data = _data()
    if name == "builder":
        return derive.builder_image(data)
    if name in derive.BASES:
        return derive.base_image(data, name)
    return derive.variant_image(data, name)


@macro
def image_size(name: str, compressed: bool = False, unit: str = "MB") -> str:
    """Size of a variant, base image (by reference) or "builder"; unit "MB" (decimal) or "MiB"."""
    found = _named_image(name)
    if found is None:
        return NOT_MEASURED
    size = found.compressed_size if compressed else found.size
    if unit not in ("MB", "MiB"):
        raise ValueError(f"unit must be MB or MiB, not {unit!r}")
    showing = units.human_size(size) if unit == "MB" else units.mebibytes(size)
    at = where(found, "compressed_size" if compressed else "size")
    return marked(shown(showing, at), derive.resting_on_standin(_data(), found))


@macro
def download_size(variant: str) -> str:
    """What a pull of `variant` downloads: the registry manifest's layer sizes where it was pushed,
    with the local gzip sum beside it as an estimate; only the estimate where it was not pushed."""
    found, pushed = derive.variant_image(_data(), variant), derive.publish(_data(), variant)
    if found is None:
        return NOT_MEASURED
    on_standin = derive.resting_on_standin(_data(), found)
    estimate = shown(units.human_size(found.compressed_size), where(found, "compressed_size"))
    if pushed is None:
        return marked(f"about {estimate} (local gzip estimate; not pushed)", on_standin)
    manifest = shown(units.human_size(pushed.compressed_size), where(pushed, "compressed_size"))
    return marked(f"{manifest} (registry manifest; local gzip estimate {estimate})", on_standin)


def _on_standin(*names: str) -> bool:
    return any(derive.resting_on_standin(_data(), _named_image(name)) for name in names)


@macro
def reduction(against: str, of: str = derive.PRIMARY) -> str:
    """How much smaller the variant `of` is than the image `against` (a base reference or "builder")."""
    final, other = _named_image(of), _named_image(against)
    if final is None or other is None:
        return NOT_MEASURED
    percent = derive.reduction(other.size, final.size)
    inputs = [where(other, "size"), where(final, "size")]
    return marked(derived(units.percent(percent), "reduction", inputs, percent), _on_standin(of, against))


@macro
def times_smaller(against: str, of: str = derive.PRIMARY) -> str:
    final, other = _named_image(of), _named_image(against)
    if final is None or other is None:
        return NOT_MEASURED
    factor = derive.times(other.size, final.size)
    inputs = [where(other, "size"), where(final, "size")]
    return marked(derived(units.ratio(factor), "ratio", inputs, factor), _on_standin(of, against))


@macro
def saving(containers: int, against: str = derive.SDK) -> str:
    return marked(saved(containers, against), _on_standin(derive.PRIMARY, against))


def saved(containers: int, against: str) -> str:
    """Bytes saved by `containers` copies of the final image instead of `against`, with its evidence."""
    data = _data()
    saving_bytes = derive.savings(data, containers, against)
    final, other = derive.variant_image(data, derive.PRIMARY), derive.image(data, against)
    if saving_bytes is None or final is None or other is None:
        return NOT_MEASURED
    inputs = [where(other, "size"), where(final, "size")]
    return derived(units.human_size(saving_bytes), "saving", inputs, saving_bytes, factor=containers)


@macro
def deploy_ratio() -> str:
    factor = derive.deploy_ratio(_data())
    single, primary = derive.publish(_data(), SINGLE_STAGE), derive.publish(_data(), derive.PRIMARY)
    if factor is None or single is None or primary is None:
        return NOT_MEASURED
    inputs = [where(single.pull_seconds, "median"), where(primary.pull_seconds, "median")]
    return marked(
        derived(units.ratio(factor), "ratio", inputs, factor), _on_standin(derive.PRIMARY, SINGLE_STAGE)
    )


@macro
def strip_saving() -> str:
    percent = derive.strip_saving(_data())
    plain, stripped = derive.binary(_data(), "default"), derive.binary(_data(), "stripped")
    if percent is None or plain is None or stripped is None:
        return NOT_MEASURED
    return derived(
        units.percent(percent), "reduction", [where(plain, "size"), where(stripped, "size")], percent
    )


@macro
def binary_size(flavour: str) -> str:
    found = derive.binary(_data(), flavour)
    return NOT_MEASURED if found is None else shown(units.human_size(found.size), where(found, "size"))


@macro
def build_total(kind: str, statistic: str = "median") -> str:
    found = derive.build(_data(), kind)
    if found is None:
        return NOT_MEASURED
    return shown(units.seconds(float(getattr(found.total, statistic))), where(found.total, statistic))


@macro
def build_step(kind: str, words: str) -> str:
    found = derive.step(derive.build(_data(), kind), *words.split())
    return (
        NOT_MEASURED
        if found is None
        else shown(units.seconds(found.seconds.median), where(found.seconds, "median"))
    )


@macro
def layer_size(variant: str, words: str) -> str:
    found = derive.layer(derive.variant_image(_data(), variant), *words.split())
    return NOT_MEASURED if found is None else shown(units.human_size(found.size), where(found, "size"))


@macro
def pull_time(variant: str) -> str:
    found = derive.publish(_data(), variant)
    if found is None:
        return NOT_MEASURED
    return shown(units.seconds(found.pull_seconds.median), where(found.pull_seconds, "median"))


@macro
def probe_value(variant: str, field: str) -> str:
    """One field of a variant's probe, formatted (seconds for *_seconds, bytes for memory_bytes)."""
    found = derive.probe(_data(), variant)
    if found is None:
        return NOT_MEASURED
    value = getattr(found, field)  # AttributeError on a typo: the build fails
    if value is None and field == "healthcheck_status":
        return "no health check defined"
    if value is None:
        return NOT_MEASURED
    if isinstance(value, bool):
        return yes_no(value)
    if field.endswith("seconds") or field == "seconds_to_healthy":
        return shown(units.seconds(float(value)), where(found, field))
    if field == "memory_bytes":
        return shown(units.human_size(int(value)), where(found, field))
    if isinstance(value, int):
        return shown(str(value), where(found, field))
    return text(value)


@macro
def surface_value(variant: str, field: str) -> str:
    """One field of a variant's file-system scan (e.g. program_owner, program_mode, packages).

    Strings come as code spans; what the image holds (packages, files, has_*) is marked when the
    image rests on a stand-in base, whose content it mostly is."""
    found = derive.surface(_data(), variant)
    if found is None:
        return NOT_MEASURED
    value = getattr(found, field)  # AttributeError on a typo: the build fails
    if isinstance(value, str):
        return code(value)
    if isinstance(value, list):
        return ", ".join(code(each) for each in value) or "none"
    showing = shown(yes_no(value) if isinstance(value, bool) else str(value), where(found, field))
    return marked(showing, derive.surface_on_standin(_data(), variant))


@macro
def claim(key: str, field: str = "measured") -> str:
    found = {item.key: item for item in sitebuild.current().ledger}
    if key not in found:
        raise KeyError(f"unknown claim {key!r}; known: {', '.join(found)}")
    item = found[key]
    value = getattr(item, field)
    if field == "verdict":
        return VERDICT_BADGES[value]
    if field == "difference":
        return evidence.difference(item)
    if field == "measured":
        return marked(evidence.measured(item, value), item.standin)
    if field in ("claimed", "tolerance"):
        return evidence.claimed(item, field)
    return str(value)


def _fewer(difference: int, things: str) -> str:
    if difference == 0:
        return f"as many {things}"
    return f"{difference:,} fewer {things}" if difference >= 0 else f"{-difference:,} more {things}"


@macro
def surface_difference(reference: str, variant: str) -> str:
    """A sentence: what `variant` lacks (or has extra) compared with `reference`, from the scans."""
    data = _data()
    before, after = derive.surface(data, reference), derive.surface(data, variant)
    if before is None or after is None:
        return NOT_MEASURED
    parts = [
        _fewer(before.packages - after.packages, "packages"),
        _fewer(before.files - after.files, "files"),
    ]
    features = (
        ("has_compiler", "compiler"),
        ("has_package_manager", "package manager"),
        ("has_shell", "shell"),
        ("has_tzdata", "time zone data"),
        ("has_ca_bundle", "CA bundle"),
    )
    for flag, name in features:
        had, has = getattr(before, flag), getattr(after, flag)
        if had != has or has:
            parts.append(
                f"no {name}" if had and not has else f"{name} (kept)" if has and had else f"{name} (added)"
            )
    parts.append(_fewer(len(before.setuid_files) - len(after.setuid_files), "setuid files"))
    before_name = ("the " if reference == "builder" else "") + surface_name(reference)
    return f"Compared with {before_name}, {surface_name(variant)} has " + ", ".join(parts) + "."


@macro
def stop_summary(variant: str) -> str:
    """A sentence on how `docker stop` ended the container, from its exit code and duration."""
    found = derive.probe(_data(), variant)
    if found is None or found.stop_seconds is None or found.exit_code is None:
        return NOT_MEASURED
    took = shown(units.seconds(found.stop_seconds), where(found, "stop_seconds"))
    if found.exit_code == 0:
        return f"`docker stop` took {took} and the process exited with code 0: it shut down on `SIGTERM`."
    if found.exit_code == 137:
        return (
            f"`docker stop` took {took} and the exit code was 137: the process ignored `SIGTERM` "
            "and was killed."
        )
    return f"`docker stop` took {took}; the exit code was {found.exit_code}."


@macro
def repeats() -> str:
    return shown(str(_data().provenance.repeats), "/provenance/repeats")


@macro
def tolerance() -> str:
    """The ledger's default tolerance, a constant of the code's (`claims.judge.TOLERANCE`)."""
    return popover.constant(
        units.percent(TOLERANCE * 100), "labreport.report.claims.judge", "TOLERANCE", TOLERANCE, 100
    )


@macro
def standin_mark() -> str:
    """The mark put after a value that rests on a stand-in base, for the pages' prose to show."""
    return STANDIN_MARK
