"""The generic pages' configuration: the project's facts for the pages, its report linked under
its repository's address, and a page for each one its claims name that the generic set lacks."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from labreport.contract import project
from labreport.report.site import generic, mkdocs_config
from records_example import EXAMPLE


@pytest.mark.parametrize(
    ("remote", "address"),
    [
        ("git@github.com:owner/repo.git", "https://github.com/owner/repo"),
        ("https://github.com/owner/repo.git", "https://github.com/owner/repo"),
        ("https://gitlab.example/group/repo/", "https://gitlab.example/group/repo"),
        ("ssh://git@github.com/owner/repo", "https://github.com/owner/repo"),
        ("/srv/git/repo", None),
    ],
)
def test_a_remote_as_the_address_a_browser_opens(remote: str, address: str | None) -> None:
    assert generic._web_address(remote) == address


def test_the_example_links_its_report_in_this_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(generic.REPO_URL_ENV, raising=False)
    seed = mkdocs_config.load()["repo_url"].rstrip("/")
    assert generic.repo_url(EXAMPLE) == seed
    facts = generic.variables(project.load(EXAMPLE / "labreport.toml"), EXAMPLE, seed)
    assert facts["report_url"] == f"{seed}/blob/main/examples/quote-service/REPORT.md"
    assert facts["primary"] == "distroless" and facts["variants"] == ["distroless", "single-stage", "scratch"]
    assert (facts["root"], facts["health"]) == ("/", "/health")


def test_a_project_in_its_own_checkout_links_its_origin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(generic.REPO_URL_ENV, raising=False)
    folder = tmp_path / "student"
    shutil.copytree(EXAMPLE, folder / "service")
    for command in (["init", "-q"], ["remote", "add", "origin", "git@github.com:student/lab2.git"]):
        subprocess.run(["git", *command], cwd=folder, check=True)
    assert generic.repo_url(folder / "service") == "https://github.com/student/lab2"
    assert generic.report_path(folder / "service") == "service/REPORT.md"
    (folder / "service" / "REPORT.md").unlink()
    assert generic.report_path(folder / "service") is None


def test_staging_adds_a_page_for_each_claim_page_it_lacks(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    shutil.copytree(EXAMPLE, folder)
    claims = folder / "claims.toml"
    claims.write_text(claims.read_text(encoding="utf-8").replace('page = "build.md"', 'page = "speed.md"', 1))
    declared = project.load(folder / "labreport.toml")
    path = generic.stage(declared, folder, tmp_path / "staging", tmp_path / "site")
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert config["nav"][-1] == {"The report's other pages": ["speed.md"]}
    assert (tmp_path / "staging" / "docs" / "speed.md").read_text(encoding="utf-8").startswith("# speed.md")
    assert config["extra"]["project"]["image"] == "quote-service"
    assert config["docs_dir"] == str(tmp_path / "staging" / "docs")
    assert Path(config["theme"]["custom_dir"]).is_dir()
    # The seed's own pages, its address and its home-page picture stay out.
    assert (
        "site_url" not in config and not (tmp_path / "staging" / "docs" / "assets" / "site-home.png").exists()
    )
    assert sorted(p.name for p in (tmp_path / "staging" / "docs").glob("*.md")) == sorted(
        [*(p.name for p in generic.PAGES.glob("*.md")), "speed.md"]
    )
