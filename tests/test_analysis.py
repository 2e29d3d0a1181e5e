"""Unit tests of analysis: pure readers of what the tools and the engine hand back."""

from __future__ import annotations

import gzip
import io
import json
import random
import tarfile
from pathlib import Path
from typing import Any

import pytest

from labreport.contract.schema import LintFinding, Spread
from labreport.measure import analysis

DATA = Path(__file__).parent / "data" / "pipeline"


# =============================================================================================
# analysis.spread
# =============================================================================================


def test_spread_odd_count_keeps_samples_in_order() -> None:
    result = analysis.spread([3.0, 1.0, 2.0])
    assert isinstance(result, Spread)
    assert (result.median, result.min, result.max, result.samples) == (2.0, 1.0, 3.0, [3.0, 1.0, 2.0])


def test_spread_even_count_median_is_the_mean_of_the_middle_two() -> None:
    result = analysis.spread([4.0, 1.0, 3.0, 2.0])
    assert (result.median, result.min, result.max) == (2.5, 1.0, 4.0)


def test_spread_rounds_samples_to_milliseconds() -> None:
    result = analysis.spread(value for value in (1.0004, 2.0006, 3.00049))
    assert result.samples == [1.0, 2.001, 3.0]
    assert (result.median, result.min, result.max) == (2.001, 1.0, 3.0)


def test_spread_rounds_the_median_too() -> None:
    result = analysis.spread([1.0, 1.003])  # exact median 1.0015
    assert result.median in (1.001, 1.002)


@pytest.mark.parametrize("empty", [[], iter(())], ids=["list", "generator"])
def test_spread_of_nothing_raises(empty: Any) -> None:
    with pytest.raises(ValueError, match="at least one"):
        analysis.spread(empty)


# =============================================================================================
# analysis.compressed_layer_sizes
# =============================================================================================


def _tar_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            info.mtime = 1_700_000_000
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def test_compressed_layer_sizes_match_gzip_level_6_in_manifest_order(tmp_path: Path) -> None:
    generator = random.Random(1)
    compressible = _tar_bytes({"etc/app.conf": b"key = value\n" * 6000, "bin/zeros": bytes(50_000)})
    mixed = _tar_bytes({"bin/tool": generator.randbytes(20_000) + b"abcdefgh" * 4000})
    layer_names = ["blobs/sha256/" + "c" * 64, "0a1b/layer.tar"]  # deliberately not in sorted order
    manifest = [{"Config": "config.json", "RepoTags": ["sample:1"], "Layers": layer_names}]
    archive_path = tmp_path / "image.tar"
    with tarfile.open(archive_path, "w") as archive:
        # Stored in the opposite order to the manifest: the sizes must follow the manifest.
        members = [
            (layer_names[1], mixed),
            ("config.json", b"{}"),
            (layer_names[0], compressible),
            ("manifest.json", json.dumps(manifest).encode()),
        ]
        for name, content in members:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))

    expected = [len(gzip.compress(layer, compresslevel=6, mtime=0)) for layer in (compressible, mixed)]
    # The data tells the levels apart, so a wrong level would fail the comparison.
    for level in (1, 9):
        assert [
            len(gzip.compress(layer, compresslevel=level, mtime=0)) for layer in (compressible, mixed)
        ] != expected
    assert analysis.compressed_layer_sizes(archive_path) == expected


# =============================================================================================
# analysis.surface_facts
# =============================================================================================


def _member(
    name: str,
    kind: bytes = tarfile.REGTYPE,
    mode: int = 0o644,
    target: str = "",
    owner: tuple[int, int] = (0, 0),
) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.mode = mode
    info.linkname = target
    info.uid, info.gid = owner
    return info


def _dir(name: str) -> tarfile.TarInfo:
    return _member(name, tarfile.DIRTYPE, 0o755)


def _link(name: str, target: str) -> tarfile.TarInfo:
    return _member(name, tarfile.SYMTYPE, 0o777, target)


PROGRAM = "/app/devops-info-service"
SURFACE_KEYS = (
    "files",
    "has_shell",
    "has_package_manager",
    "has_compiler",
    "has_ca_bundle",
    "has_tzdata",
    "setuid_files",
)


def _surface(members: list[tarfile.TarInfo], program: str = PROGRAM) -> dict[str, Any]:
    facts = analysis.surface_facts(members, program)
    return {key: facts[key] for key in SURFACE_KEYS}


def _alpine_like() -> list[tarfile.TarInfo]:
    return [
        _dir("bin/"),
        _member("bin/busybox", mode=0o4755),
        _link("bin/sh", "/bin/busybox"),
        _dir("etc/"),
        _member("etc/passwd"),
        _dir("etc/ssl/"),
        _dir("etc/ssl/certs/"),
        _member("etc/ssl/certs/ca-certificates.crt"),
        _dir("app/"),
        _member("app/devops-info-service", mode=0o755),
        _dir("tmp/"),
    ]


def _debian_sdk_like() -> list[tarfile.TarInfo]:
    return [
        _link("bin", "usr/bin"),
        _dir("usr/"),
        _dir("usr/bin/"),
        _member("usr/bin/dash", mode=0o755),
        _link("usr/bin/sh", "dash"),
        _member("usr/bin/dpkg", mode=0o755),
        _member("usr/bin/gcc", mode=0o755),
        _member("usr/bin/passwd", mode=0o4755),
        _dir("usr/local/go/bin/"),
        _member("usr/local/go/bin/go", mode=0o755),
        _dir("usr/share/zoneinfo/"),
        _member("usr/share/zoneinfo/Europe/Berlin"),
        _member("etc/ssl/certs/ca-certificates.crt"),
    ]


def _scratch_like() -> list[tarfile.TarInfo]:
    return [
        _member("./etc/ssl/certs/ca-certificates.crt"),
        _member("./devops-info-service", mode=0o755),
        _dir("./etc/"),
        _dir("./usr/share/zoneinfo/"),
    ]


def test_surface_of_an_alpine_like_image() -> None:
    assert _surface(_alpine_like()) == {
        "files": 4,
        "has_shell": True,
        "has_package_manager": False,
        "has_compiler": False,
        "has_ca_bundle": True,
        "has_tzdata": False,
        "setuid_files": ["/bin/busybox"],
    }


def test_surface_of_a_debian_sdk_like_image() -> None:
    assert _surface(_debian_sdk_like(), "/go/bin/app") == {
        "files": 7,
        "has_shell": True,
        "has_package_manager": True,
        "has_compiler": True,
        "has_ca_bundle": True,
        "has_tzdata": True,
        "setuid_files": ["/usr/bin/passwd"],
    }


def test_surface_of_a_scratch_like_image_with_dot_slash_names() -> None:
    assert _surface(_scratch_like(), "/devops-info-service") == {
        "files": 2,
        "has_shell": False,
        "has_package_manager": False,
        "has_compiler": False,
        "has_ca_bundle": True,
        "has_tzdata": False,
        "setuid_files": [],
    }


def test_surface_shell_via_symlink_and_setuid_only_on_regular_files() -> None:
    members = [
        _link("bin/sh", "busybox"),
        _dir("bin/"),
        _member("sbin/apk", mode=0o755),
        _member("usr/bin/su", mode=0o4755),
        _member("usr/bin/mount", mode=0o4711),
        _member("etc/ssl/cert.pem"),
        _member("srv/", tarfile.DIRTYPE, 0o4755),
    ]
    facts = _surface(members)
    assert facts["has_shell"] is True
    assert facts["has_package_manager"] is True
    assert facts["has_ca_bundle"] is True
    assert facts["setuid_files"] == ["/usr/bin/mount", "/usr/bin/su"]
    assert facts["files"] == 4


@pytest.mark.parametrize(
    ("members", "program", "owner", "mode"),
    [
        pytest.param(
            [_dir("app/"), _member("app/devops-info-service", mode=0o755)],
            PROGRAM,
            "0:0",
            "0755",
            id="root-owned",
        ),
        pytest.param(
            [_member("./app/devops-info-service", mode=0o700, owner=(100, 101))],
            PROGRAM,
            "100:101",
            "0700",
            id="chowned-dot-slash",
        ),
        pytest.param(
            [_member("devops-info-service", mode=0o4755, owner=(65532, 65532))],
            "/devops-info-service",
            "65532:65532",
            "4755",
            id="setuid-at-root",
        ),
    ],
)
def test_surface_program_owner_and_mode(
    members: list[tarfile.TarInfo], program: str, owner: str, mode: str
) -> None:
    facts = analysis.surface_facts([*_alpine_like()[:3], *members], program)
    assert (facts["program"], facts["program_owner"], facts["program_mode"]) == (program, owner, mode)


def test_surface_program_missing_from_the_image() -> None:
    facts = analysis.surface_facts(_scratch_like(), "/app/devops-info-service")
    assert (facts["program_owner"], facts["program_mode"]) == ("", "")


# =============================================================================================
# analysis.container_memory
# =============================================================================================

MB = 1_048_576


def test_container_memory_cgroup_v2() -> None:
    stats = {
        "memory_stats": {
            "usage": 12 * MB,
            "limit": 8_000 * MB,
            "stats": {"anon": 5 * MB, "file": 6 * MB, "inactive_file": 4 * MB, "active_file": 2 * MB},
        }
    }
    assert analysis.container_memory(stats) == 8 * MB


def test_container_memory_cgroup_v1_total_inactive_file() -> None:
    stats = {
        "memory_stats": {
            "usage": 10 * MB,
            "max_usage": 11 * MB,
            "limit": 8_000 * MB,
            "stats": {"cache": 6 * MB, "rss": 3 * MB, "total_inactive_file": 2 * MB, "total_cache": 6 * MB},
        }
    }
    assert analysis.container_memory(stats) == 8 * MB


@pytest.mark.parametrize(
    "stats", [{}, {"memory_stats": {}}, {"memory_stats": None}], ids=["no-key", "empty", "null"]
)
def test_container_memory_of_a_stopped_container_is_zero(stats: dict[str, Any]) -> None:
    assert analysis.container_memory(stats) == 0


def test_container_memory_without_cache_details_is_the_usage() -> None:
    assert analysis.container_memory({"memory_stats": {"usage": 3 * MB}}) == 3 * MB


def test_container_memory_cgroup_v1_prefers_total_inactive_file_like_docker_stats() -> None:
    stats = {
        "memory_stats": {"usage": 10 * MB, "stats": {"inactive_file": 1 * MB, "total_inactive_file": 3 * MB}}
    }
    assert analysis.container_memory(stats) == 7 * MB


def test_container_memory_cache_not_below_usage_falls_back_to_usage() -> None:
    stats = {"memory_stats": {"usage": 2 * MB, "stats": {"inactive_file": 5 * MB}}}
    assert analysis.container_memory(stats) == 2 * MB


# =============================================================================================
# analysis: tool output readers (recorded output in tests/data/pipeline)
# =============================================================================================


def _recorded(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def test_hadolint_findings_from_recorded_output() -> None:
    findings = analysis.hadolint_findings(_recorded("hadolint.json"))
    assert [(finding.code, finding.level, finding.line) for finding in findings] == [
        ("DL3007", "warning", 1),
        ("DL3019", "info", 2),
        ("DL3018", "warning", 2),
        ("DL3003", "warning", 3),
    ]
    assert all(isinstance(finding, LintFinding) for finding in findings)
    assert findings[3].message == "Use WORKDIR to switch to a directory"


def test_hadolint_findings_of_a_clean_dockerfile() -> None:
    assert analysis.hadolint_findings([]) == []


def test_dive_efficiency_from_recorded_output() -> None:
    score, wasted = analysis.dive_efficiency(_recorded("dive.json"))
    assert score == pytest.approx(5 / 9)
    assert wasted == 40_000
    assert isinstance(wasted, int)


def test_dive_efficiency_without_an_image_section_raises() -> None:
    with pytest.raises(KeyError):
        analysis.dive_efficiency({"layer": []})


def test_syft_package_count_from_recorded_output() -> None:
    assert analysis.syft_package_count(_recorded("syft.json")) == 2


@pytest.mark.parametrize(
    "report", [{}, {"artifacts": []}, {"artifacts": None}], ids=["none", "empty", "null"]
)
def test_syft_package_count_of_nothing_is_zero(report: dict[str, Any]) -> None:
    assert analysis.syft_package_count(report) == 0


def test_a_layer_known_by_its_diff_id_is_not_gzipped_and_each_one_gzipped_is_learned(tmp_path: Path) -> None:
    first, second = _tar_bytes({"a": bytes(40_000)}), _tar_bytes({"b": random.Random(2).randbytes(9_000)})
    ids = ["sha256:" + "1" * 64, "sha256:" + "2" * 64]
    manifest = [{"Config": "config.json", "Layers": ["one/layer.tar", "two/layer.tar"]}]
    config = {"rootfs": {"type": "layers", "diff_ids": ids}}
    archive_path = tmp_path / "image.tar"
    with tarfile.open(archive_path, "w") as archive:
        for name, content in (("one/layer.tar", first), ("two/layer.tar", second),
                              ("config.json", json.dumps(config).encode()),
                              ("manifest.json", json.dumps(manifest).encode())):  # fmt: skip
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    learned: dict[str, int] = {}
    sizes = analysis.compressed_layer_sizes(archive_path, {ids[0]: 7}.get, learned.__setitem__)
    assert sizes == [7, len(gzip.compress(second, compresslevel=6, mtime=0))]
    assert learned == {ids[1]: sizes[1]}
