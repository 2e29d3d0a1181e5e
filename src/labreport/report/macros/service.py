"""Macros on the service running in its container: the probes' figures (start, health, memory,
user), its answers as JSON, its logs and error output, and how `docker stop` ended it.
"""

from __future__ import annotations

import json

from labreport.contract.schema import Measurements
from labreport.report import derive, units
from labreport.report.evidence import field, shown, where
from labreport.report.macros.formatting import folded
from labreport.report.macros.registry import macro
from labreport.report.markup import NOT_MEASURED, code, fenced, or_missing, table, text, yes_no
from labreport.report.site import build as sitebuild


def _data() -> Measurements:
    return sitebuild.current().data


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
def probes_table() -> str:
    """Each variant's run; the response-spec problems, long sentences, listed below the table."""
    rows, after, problems = [], [], []
    for item in _data().probes:
        health = (
            text(item.healthcheck_status)
            if item.healthcheck_status
            else ("none defined" if item.started else NOT_MEASURED)
        )
        rows.append(
            (
                code(item.variant),
                "yes" if item.started else "**no**",
                field(item, "seconds_to_healthy", units.seconds),
                or_missing(item.process_uid, str),
                health,
            )
        )
        after.append(
            (
                code(item.variant),
                field(item, "memory_bytes", units.human_size),
                field(item, "stop_seconds", units.seconds),
                or_missing(item.exit_code, str),
                str(len(item.spec_problems)),
            )
        )
        problems += [f"{code(item.variant)}: {text(each)}" for each in item.spec_problems]
    header = ("variant", "started", "answering after", "uid", "health")
    second = ("variant", "memory", "`docker stop` took", "exit code", "spec problems")
    return (
        table(header, rows, "llrrl")
        + "\n"
        + table(second, after, "lrrrr")
        + folded(f"The response-spec problems ({len(problems)})", problems)
    )


@macro
def json_block(variant: str, which: str = "root") -> str:
    """A probe's response body as a JSON block: which is root, health or not_found."""
    found = derive.probe(_data(), variant)
    body = None if found is None else getattr(found, f"{which}_body")
    if body is None:
        return f"{NOT_MEASURED}\n"
    return fenced(json.dumps(body, indent=2, ensure_ascii=False), "json")


@macro
def container_logs(variant: str) -> str:
    found = derive.probe(_data(), variant)
    if found is None or not found.logs:
        return f"{NOT_MEASURED}\n"
    return fenced("\n".join(found.logs))


@macro
def error_text(variant: str) -> str:
    found = derive.probe(_data(), variant)
    if found is None or found.error_text is None:
        return f"{NOT_MEASURED}\n"
    return fenced(found.error_text)
