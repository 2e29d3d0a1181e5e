"""Macros on what an image holds and exposes: the file scan and package inventory of each image
(shell, package manager, compiler, setuid files, user) and hadolint's findings on the Dockerfiles.

What an image holds is mostly its base's, so on a stand-in base those figures carry the mark.
"""

from __future__ import annotations

from labreport.contract.schema import Measurements
from labreport.report import derive
from labreport.report.evidence import shown, where
from labreport.report.macros.formatting import folded
from labreport.report.macros.registry import macro
from labreport.report.markup import NOT_MEASURED, code, marked, surface_name, table, text, yes_no
from labreport.report.site import build as sitebuild


def _data() -> Measurements:
    return sitebuild.current().data


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
def surface_table() -> str:
    """The file scan and package inventory of every image scanned, the builder stage first: what
    it holds, then which tools it has, then its setuid files folded below."""
    data = _data()
    holds, tools, setuid = [], [], []
    for item in sorted(data.surfaces, key=lambda each: each.variant != "builder"):
        # What the image holds is mostly its base's: on a stand-in base, the stand-in's.
        flag = derive.surface_on_standin(data, item.variant)
        name = marked(surface_name(item.variant), flag)
        holds.append(
            (
                name,
                marked(shown(str(item.packages), where(item, "packages")), flag),
                shown(f"{item.files:,}", where(item, "files")),
                str(len(item.setuid_files)),
                code(item.user),
            )
        )
        tools.append(
            (
                name,
                yes_no(item.has_shell),
                marked(yes_no(item.has_package_manager), flag),
                yes_no(item.has_compiler),
                yes_no(item.has_ca_bundle),
                yes_no(item.has_tzdata),
            )
        )
        if item.setuid_files:
            listed = ", ".join(code(f) for f in item.setuid_files)
            setuid.append(f"{surface_name(item.variant)} ({len(item.setuid_files)}): {listed}")
    return (
        table(("image", "packages", "files", "setuid files", "user"), holds, "lrrrl")
        + "\n"
        + table(("image", "shell", "package manager", "compiler", "CA bundle", "tzdata"), tools, "llllll")
        + folded("The setuid files, by image", setuid)
    )


@macro
def lint_table() -> str:
    rows = [
        (code(item.dockerfile), code(f.code), text(f.level), str(f.line), text(f.message))
        for item in _data().lint
        for f in item.findings
    ]
    clean = [code(item.dockerfile) for item in _data().lint if not item.findings]
    shown = table(("Dockerfile", "rule", "level", "line", "finding"), rows) if rows else ""
    if clean:
        shown += f"\nNo findings for {', '.join(clean)}.\n"
    return shown
