"""The GitHub Actions workflow: valid YAML, calls only make targets that exist, echoes no secret."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOW = REPO / ".github" / "workflows" / "report.yml"


def workflow() -> dict[Any, Any]:
    loaded = yaml.safe_load(WORKFLOW.read_text())
    assert isinstance(loaded, dict)
    return loaded


def steps() -> list[dict[str, Any]]:
    return [step for job in workflow()["jobs"].values() for step in job.get("steps", [])]


def make_targets() -> set[str]:
    return set(re.findall(r"^([a-z][a-z-]*):", (REPO / "Makefile").read_text(), re.MULTILINE))


def test_triggers_cover_pull_requests_pushes_schedule_and_manual_runs() -> None:
    # PyYAML reads the bare key `on` as True.
    triggers = workflow()[True]
    assert {"pull_request", "push", "schedule", "workflow_dispatch"} <= set(triggers)


def test_every_run_step_calls_an_existing_make_target() -> None:
    commands = [step["run"] for step in steps() if "run" in step]
    assert commands
    targets = make_targets()
    for command in commands:
        match = re.fullmatch(r"make ([a-z-]+)(?: [A-Z_]+=\S+)*", command.strip())
        assert match, f"a workflow step should call a make target, not {command!r}"
        assert match.group(1) in targets, f"make {match.group(1)}: no such target in the Makefile"


def test_no_secret_is_echoed() -> None:
    for step in steps():
        text = str(step.get("run", ""))
        assert "secrets." not in text, "secrets go through env:, never into a command line"
        assert not re.search(r"(echo|printf).*(TOKEN|PASSWORD)", text)


def test_pages_deploy_uses_the_artifact_flow_with_its_permissions() -> None:
    jobs = workflow()["jobs"]
    uses = [step.get("uses", "") for step in steps()]
    assert any(action.startswith("actions/upload-pages-artifact@") for action in uses)
    deploy = next(
        job
        for job in jobs.values()
        if any(s.get("uses", "").startswith("actions/deploy-pages@") for s in job["steps"])
    )
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert "concurrency" in deploy and deploy["needs"]


def test_actions_are_pinned_to_a_commit_with_the_version_beside_it() -> None:
    """A tag can be moved to other code; a commit cannot. The comment keeps the pin readable."""
    pinned = re.findall(r"uses: ([\w.-]+/[\w.-]+)@(\S+)(.*)", WORKFLOW.read_text())
    assert pinned
    for action, ref, comment in pinned:
        assert re.fullmatch(r"[0-9a-f]{40}", ref), f"{action}@{ref}: pin to a commit SHA"
        assert re.fullmatch(r" # v\d+(\.\d+)*", comment), f"{action}: say the version in a comment"


def test_checkouts_do_not_leave_credentials_behind() -> None:
    checkouts = [step for step in steps() if step.get("uses", "").startswith("actions/checkout@")]
    assert checkouts
    for step in checkouts:
        assert step.get("with", {}).get("persist-credentials") is False


def test_only_jobs_that_publish_nothing_restore_caches() -> None:
    for name, job in workflow()["jobs"].items():
        cached = [
            step
            for step in job.get("steps", [])
            if step.get("uses", "").startswith("actions/cache@") or "cache" in step.get("with", {})
        ]
        if cached:
            assert "pull_request" in str(job.get("if", "")), f"{name} publishes and restores a cache"


@pytest.mark.parametrize(
    "command",
    [
        ["zizmor", "--offline", "--no-progress", str(WORKFLOW)],
        ["check-jsonschema", "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
    ],
)
def test_workflow_linters_find_nothing(command: list[str]) -> None:
    tool = Path(sys.executable).parent / command[0]
    result = subprocess.run(
        [str(tool), *command[1:]], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_pull_requests_do_not_deploy() -> None:
    jobs = workflow()["jobs"]
    deploying = [
        name
        for name, job in jobs.items()
        if any(s.get("uses", "").startswith("actions/deploy-pages@") for s in job["steps"])
    ]
    for name in deploying:
        needs = jobs[name]["needs"]
        chain = [name, *([needs] if isinstance(needs, str) else needs)]
        assert any("pull_request" in str(jobs[job].get("if", "")) for job in chain), name
