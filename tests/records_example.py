"""A fake data set for the example project (examples/quote-service), made from `records`: the seed's
fake run with its variants renamed to the example's (see `records`). Used until the example's own
measurement is committed beside it, and whenever a test needs a wrong number in it on purpose."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from labreport.contract.schema import Measurements
from records import fake_measurements

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "quote-service"
#: The example's data file, as `labreport measure --project examples/quote-service` writes it.
EXAMPLE_DATA = EXAMPLE / "data" / "measurements.json"
#: The seed's variants with no counterpart in the example (whose primary is called "distroless").
_DROPPED = {"as-reported", "cgo", "distroless"}
_RENAMED = {"alpine": "distroless"}
_REFS = {
    "devops-info-service:alpine": "quote-service:distroless",
    "devops-info-service:": "quote-service:",
    "alpine:3.19": "gcr.io/distroless/static-debian12:nonroot",
}


def _renamed(text: str) -> str:
    for old, new in _REFS.items():
        if text.startswith(old):
            return new + text.removeprefix(old)
    return text


def _walk(node: Any) -> Any:
    if isinstance(node, list):
        return [
            _walk(each) for each in node if not (isinstance(each, dict) and each.get("variant") in _DROPPED)
        ]
    if isinstance(node, dict):
        renamed = {key: _walk(value) for key, value in node.items()}
        if renamed.get("variant") in _RENAMED:
            renamed["variant"] = _RENAMED[renamed["variant"]]
        return renamed
    return _renamed(node) if isinstance(node, str) else node


def example_measurements() -> Measurements:
    """Plausible numbers for the example's three variants (distroless, single-stage, scratch)."""
    return Measurements.model_validate(_walk(fake_measurements().model_dump(mode="json")))
