"""The analysis cache (measure/cache.py) through `phases.analyse` on the fake engine: a hit gives the
first analysis's records without saving, exporting or running a tool; another tool version, an
unreadable entry, one filed under the wrong image or contradicting the engine is analysed again
and rewritten; `clear` removes entries and nothing else."""

from __future__ import annotations

import json
import tarfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from fake_engine import FakeEngineClient, FakeImageSpec, FakeLayer
from labreport.contract.pointer import resolve
from labreport.contract.schema import Surface
from labreport.measure import analysis, cache, phases, tools
from labreport.measure.engine import Engine
from labreport.measure.record import Options, Run

VERSIONS = {"dive": "0.13.1", "syft": "1.18.1", "zlib": "1.2.13"}
ROOTFS, BINARY = 300_000, 210_000
BASE = "alpine:3.19"
VARIANT = "devops-info-service:alpine"
LAYERS = [
    FakeLayer(created_by="/bin/sh -c #(nop) ADD file:rootfs in / ", size=ROOTFS),
    FakeLayer(created_by='/bin/sh -c #(nop)  CMD ["/bin/sh"]', size=0, adds_layer=False),
]
SERVICE = FakeImageSpec(
    layers=[
        *LAYERS,
        FakeLayer(created_by="/bin/sh -c #(nop) COPY file:bin in /app/ ", size=BINARY, random=True),
    ],
    config={"User": "appuser", "WorkingDir": "/app", "Cmd": ["/app/devops-info-service"]},
    files=[("bin/sh", 0o755, 0), ("bin/su", 0o4755, 0), ("app/devops-info-service", 0o755, 0)],
)


class Tools:
    """Canned syft and dive that count their runs, and the engine's save and export counted too."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, engine: Engine) -> None:
        self.runs: list[str] = []
        monkeypatch.setattr(tools, "syft", self._syft)
        monkeypatch.setattr(tools, "dive", self._dive)
        save, export = engine.save_image, engine.export_files

        def counted_save(ref: str, destination: Path) -> None:
            self.runs.append("save")
            save(ref, destination)

        def counted_export(ref: str) -> list[tarfile.TarInfo]:
            self.runs.append("export")
            return export(ref)

        monkeypatch.setattr(engine, "save_image", counted_save)
        monkeypatch.setattr(engine, "export_files", counted_export)

    def _syft(self, archive: Path) -> dict[str, Any]:
        self.runs.append("syft")
        return {"artifacts": [{"name": f"p{n}"} for n in range(14)]}

    def _dive(self, archive: Path, report: Path) -> dict[str, Any]:
        self.runs.append("dive")
        return {"image": {"efficiencyScore": 0.97, "inefficientBytes": 1234}}


Analyse = Callable[..., tuple[Run, list[str]]]


@pytest.fixture
def engine() -> tuple[Engine, FakeEngineClient]:
    client = FakeEngineClient(
        bases={BASE: FakeImageSpec(layers=LAYERS, config={}, files=[]), VARIANT: SERVICE},
        recipes={},
        answers={},
    )
    return Engine(client), client


@pytest.fixture
def analyse(
    engine: tuple[Engine, FakeEngineClient], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Analyse, Tools]:
    """Analyses images in a new run each call, over one cache folder; returns the run and what it said."""
    counted = Tools(monkeypatch, engine[0])

    def run_once(*refs: str, versions: Mapping[str, str] = VERSIONS, folder: Path | None = None) -> Any:
        said: list[str] = []
        where = folder or tmp_path / "cache"
        options = Options(only=[], output=tmp_path / "m.json", analysis_cache=where)
        run = Run(
            engine=engine[0], options=options, cache=cache.AnalysisCache(where, lambda: versions, said.append)
        )
        for ref in refs:
            image_id = engine[1].images.get(ref).id
            if ref == BASE:
                phases.analyse(run, ref, "base", None, image_id=image_id)
            else:
                phases.analyse(run, ref, "variant", "alpine", image_id=image_id)
        return run, said

    return run_once, counted


def _entry_file(client: FakeEngineClient, ref: str, folder: Path) -> Path:
    path = cache.entry_path(folder, client.images.get(ref).id)
    assert path is not None
    return path


def _figures(run: Run) -> list[Any]:
    return [run.images, run.surfaces, run.efficiency]


def test_a_second_analysis_of_the_same_image_comes_from_the_cache(
    analyse: tuple[Analyse, Tools], engine: tuple[Engine, FakeEngineClient], tmp_path: Path
) -> None:
    run_once, counted = analyse
    first, said = run_once(BASE, VARIANT)
    assert counted.runs == ["save", "save", "syft", "dive", "export"] and said == []
    assert first.cached == []
    # The figures worked out by hand from the fake's layers and canned tools.
    base, service = first.images
    assert (base.size, service.size) == (ROOTFS, ROOTFS + BINARY)
    assert service.compressed_size > BINARY // 2 > base.compressed_size  # half the binary is random
    assert (first.surfaces[0].packages, first.surfaces[0].files, first.surfaces[0].setuid_files) == (
        14,
        3,
        ["/bin/su"],
    )
    counted.runs.clear()
    second, said = run_once(BASE, VARIANT)
    assert counted.runs == [] and said == [], "a hit saves, exports and scans nothing"
    assert _figures(second) == _figures(first)
    by_id = {item.image_id: item for item in second.cached}
    assert list(by_id) == [base.image_id, service.image_id]
    assert by_id[base.image_id].pointers == ["/images/0"]
    assert by_id[service.image_id].pointers == ["/images/1", "/surfaces/0", "/efficiency/0"]
    assert by_id[service.image_id].tools == {
        **VERSIONS,
        "analysis": f"{cache.ANALYSIS_VERSION}+{cache.shape(cache.Entry)}",
    }
    document = {
        name: [record.model_dump() for record in records]
        for name, records in zip(("images", "surfaces", "efficiency"), _figures(second), strict=True)
    }
    assert resolve(document, "/efficiency/0")["wasted_bytes"] == 1234
    assert resolve(document, "/images/1")["image_id"] == service.image_id


def test_the_figures_a_hit_gives_are_the_entrys(
    analyse: tuple[Analyse, Tools], engine: tuple[Engine, FakeEngineClient], tmp_path: Path
) -> None:
    """An entry edited by hand (but still the image's) is what the next run reports: the run read it
    rather than computing again and happening to agree."""
    run_once, _ = analyse
    run_once(VARIANT)
    path = _entry_file(engine[1], VARIANT, tmp_path / "cache")
    raw = json.loads(path.read_text())
    raw["surface"]["packages"] = 99
    path.write_text(json.dumps(raw))
    second, _ = run_once(VARIANT)
    assert second.surfaces[0].packages == 99 and len(second.cached) == 1


def test_the_cache_names_the_figures_after_this_run(
    analyse: tuple[Analyse, Tools], engine: tuple[Engine, FakeEngineClient], tmp_path: Path
) -> None:
    run_once, _ = analyse
    run_once(VARIANT)
    second = Run(engine=engine[0], options=Options(only=[], output=tmp_path / "m.json"),
                 cache=cache.AnalysisCache(tmp_path / "cache", lambda: VERSIONS, print))  # fmt: skip
    image_id = engine[1].images.get(VARIANT).id
    phases.analyse(second, "devops-info-service:builder", "builder", "builder", image_id=image_id)
    assert (second.images[0].ref, second.images[0].role, second.images[0].variant) == (
        "devops-info-service:builder", "builder", None
    )  # fmt: skip
    assert second.surfaces[0].variant == second.efficiency[0].variant == "builder"
    assert second.cached[0].ref == "devops-info-service:builder"


def test_another_tool_version_is_a_miss_and_the_entry_is_remade(
    analyse: tuple[Analyse, Tools], engine: tuple[Engine, FakeEngineClient], tmp_path: Path
) -> None:
    run_once, counted = analyse
    run_once(VARIANT)
    counted.runs.clear()
    newer = {**VERSIONS, "dive": "0.13.2"}
    second, said = run_once(VARIANT, versions=newer)
    assert counted.runs == ["save", "syft", "dive", "export"] and second.cached == []
    assert said == [f"{VARIANT}: the cached analysis was made by dive 0.13.1; analysing again"]
    entry = json.loads(_entry_file(engine[1], VARIANT, tmp_path / "cache").read_text())
    assert entry["tools"]["dive"] == "0.13.2"
    counted.runs.clear()
    third, said = run_once(VARIANT, versions=newer)
    assert counted.runs == [] and said == [] and len(third.cached) == 1


class _WiderSurface(Surface):
    entropy: float | None = None


class _WiderEntry(cache.Entry):
    surface: _WiderSurface | None = None


def test_the_analysis_version_changes_with_the_shape_of_the_records() -> None:
    """A field added to a cached record (here: to `Surface`) changes the version an entry records."""
    assert cache.shape(_WiderEntry) != cache.shape(cache.Entry)
    assert cache.shape(cache.Entry) == cache.shape(cache.Entry) and len(cache.shape(cache.Entry)) == 12


def test_a_base_analysed_for_its_sizes_only_is_analysed_whole_when_a_variant_needs_it(
    analyse: tuple[Analyse, Tools], engine: tuple[Engine, FakeEngineClient], tmp_path: Path
) -> None:
    run_once, counted = analyse
    base_only = Run(engine=engine[0], options=Options(only=[], output=tmp_path / "m.json"),
                    cache=cache.AnalysisCache(tmp_path / "cache", lambda: VERSIONS, print))  # fmt: skip
    phases.analyse(base_only, VARIANT, "base", None, image_id=engine[1].images.get(VARIANT).id)
    assert counted.runs == ["save"]
    second, said = run_once(VARIANT)
    assert counted.runs == ["save", "save", "syft", "dive", "export"] and second.cached == [] and said == []
    assert second.surfaces[0].packages == 14


CORRUPTIONS: dict[str, tuple[Callable[[str], str], str]] = {
    "bad JSON": (lambda text: text[: len(text) // 2], "field (top level): Invalid JSON"),
    "wrong shape": (lambda text: json.dumps({**json.loads(text), "image": {"size": "big"}}), "field image."),
    "unknown field": (lambda text: json.dumps({**json.loads(text), "extra": 1}), "field extra: Extra inputs"),
    "wrong size": (
        lambda text: json.dumps({**json.loads(text), "image": {**json.loads(text)["image"], "size": 1}}),
        f"size 1, the engine says {ROOTFS + BINARY}",
    ),
    "wrong history": (
        lambda text: json.dumps(
            {
                **json.loads(text),
                "image": {**json.loads(text)["image"], "layers": json.loads(text)["image"]["layers"][1:]},
            }
        ),
        "its layers are not the image's history",
    ),
}


@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_a_corrupt_entry_is_analysed_again_rewritten_and_said_on_one_line(
    analyse: tuple[Analyse, Tools], engine: tuple[Engine, FakeEngineClient], tmp_path: Path, corruption: str
) -> None:
    run_once, counted = analyse
    first, _ = run_once(VARIANT)
    path = _entry_file(engine[1], VARIANT, tmp_path / "cache")
    spoil, problem = CORRUPTIONS[corruption]
    path.write_text(spoil(path.read_text()))
    counted.runs.clear()
    second, said = run_once(VARIANT)
    assert counted.runs == ["save", "syft", "dive", "export"] and second.cached == []
    assert _figures(second) == _figures(first)
    assert len(said) == 1 and "\n" not in said[0]
    assert said[0].startswith(f"{VARIANT}: ignoring the cached analysis {path} (") and problem in said[0]
    assert said[0].endswith("; analysing again")
    counted.runs.clear()
    third, said = run_once(VARIANT)
    assert counted.runs == [] and said == [] and len(third.cached) == 1, "the rewritten entry is whole"


def test_an_entry_filed_under_another_image_is_not_trusted(
    analyse: tuple[Analyse, Tools], engine: tuple[Engine, FakeEngineClient], tmp_path: Path
) -> None:
    """The variant's entry copied to the base's name: the base is analysed, not given the variant's sizes."""
    run_once, counted = analyse
    run_once(BASE, VARIANT)
    folder = tmp_path / "cache"
    base_path, variant_path = _entry_file(engine[1], BASE, folder), _entry_file(engine[1], VARIANT, folder)
    base_path.write_text(variant_path.read_text())
    counted.runs.clear()
    second, said = run_once(BASE)
    variant_id = engine[1].images.get(VARIANT).id
    assert said == [
        f"{BASE}: ignoring the cached analysis {base_path} (it is the entry of {variant_id}); analysing again"
    ]
    assert counted.runs == ["save"] and second.images[0].size == ROOTFS and second.cached == []
    assert json.loads(base_path.read_text())["image_id"] == engine[1].images.get(BASE).id


def test_writes_are_whole_files_in_a_folder_git_ignores(
    analyse: tuple[Analyse, Tools], engine: tuple[Engine, FakeEngineClient], tmp_path: Path
) -> None:
    run_once, _ = analyse
    run_once(BASE, VARIANT)
    folder = tmp_path / "cache"
    names = sorted(path.name for path in folder.iterdir())
    ids = sorted(engine[1].images.get(ref).id.replace(":", "-") + ".json" for ref in (BASE, VARIANT))
    assert names == [".gitignore", "layers", *ids], "no temporary file is left beside the entries"
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
    # The layers' sizes: the base's rootfs layer and the variant's binary layer, once each.
    assert len([path for path in (folder / "layers").iterdir() if not path.name.startswith(".")]) == 2


def test_a_cache_that_cannot_be_written_costs_no_figure(
    analyse: tuple[Analyse, Tools], tmp_path: Path
) -> None:
    run_once, _ = analyse
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder")
    run, said = run_once(VARIANT, folder=blocked)
    assert [image.size for image in run.images] == [ROOTFS + BINARY] and run.surfaces[0].packages == 14
    assert len(said) == 1 and said[0].startswith(f"{VARIANT}: could not cache its analysis in {blocked} (")


def test_without_a_cache_every_analysis_is_afresh(
    analyse: tuple[Analyse, Tools], engine: tuple[Engine, FakeEngineClient], tmp_path: Path
) -> None:
    _, counted = analyse
    for _ in range(2):
        run = Run(engine=engine[0], options=Options(only=[], output=tmp_path / "m.json", analysis_cache=None))
        phases.analyse(run, BASE, "base", None, image_id=engine[1].images.get(BASE).id)
        assert run.cached == []
    assert counted.runs == ["save", "save"] and not (tmp_path / "cache").exists()


def test_an_image_id_that_is_not_algorithm_and_hex_is_never_filed(tmp_path: Path) -> None:
    assert cache.entry_path(tmp_path, "sha256:" + "ab" * 32) == tmp_path / f"sha256-{'ab' * 32}.json"
    assert cache.entry_path(tmp_path, "../../etc/passwd") is None
    assert cache.entry_path(tmp_path, "sha256:xyz") is None


def test_the_folder_is_the_projects_unless_the_environment_moves_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from labreport.contract.variants import ROOT

    monkeypatch.delenv(cache.ENVIRONMENT)
    assert cache.directory() == ROOT / ".artifacts" / "analysis-cache"
    monkeypatch.setenv(cache.ENVIRONMENT, str(tmp_path))
    assert cache.directory() == tmp_path


def test_clear_removes_the_entries_and_leaves_other_files(
    analyse: tuple[Analyse, Tools], tmp_path: Path
) -> None:
    run_once, _ = analyse
    folder = tmp_path / "mixed"
    run_once(BASE, VARIANT, folder=folder)
    (folder / ".sha256-ab.json.x1y2").write_text("half written")
    (folder / "notes.txt").write_text("someone else's")
    assert cache.clear(folder) == 2
    assert sorted(path.name for path in folder.iterdir()) == ["notes.txt"]
    run_once(BASE, folder=tmp_path / "alone")
    assert cache.clear(tmp_path / "alone") == 1 and not (tmp_path / "alone").exists()
    assert cache.clear(tmp_path / "never made") == 0


def test_a_layer_gzipped_for_one_image_is_not_gzipped_again_for_another_that_has_it(
    analyse: tuple[Analyse, Tools], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The variant is its base's rootfs layer plus its binary's: analysed after the base, only the
    binary's layer is gzipped, and its figures are those of an analysis from nothing."""
    run_once, _ = analyse
    gzipped: list[int] = []
    real = analysis.gzip_size

    def counted(stream: Any) -> int:
        size = real(stream)
        gzipped.append(size)
        return size

    monkeypatch.setattr(analysis, "gzip_size", counted)
    alone, _ = run_once(VARIANT, folder=tmp_path / "alone")
    assert len(gzipped) == 2
    gzipped.clear()
    run_once(BASE, folder=tmp_path / "shared")
    assert len(gzipped) == 1
    after_base, _ = run_once(VARIANT, folder=tmp_path / "shared")
    assert len(gzipped) == 2, "the binary's layer alone"
    assert after_base.images == alone.images
    assert 105_000 < gzipped[1] < 106_000  # the half-random 210_000-byte binary layer


def test_a_layer_size_from_another_zlib_or_naming_another_layer_or_unreadable_is_a_miss(
    tmp_path: Path,
) -> None:
    diff_id, other = "sha256:" + "ab" * 32, "sha256:" + "cd" * 32
    sizes = cache.LayerSizes(tmp_path, "zlib 1.2.13, level 6, analysis 1")
    assert sizes.read(diff_id) is None
    sizes.write(diff_id, 1234)
    assert sizes.read(diff_id) == 1234
    assert cache.LayerSizes(tmp_path, "zlib 1.3, level 6, analysis 1").read(diff_id) is None
    path = cache.entry_path(tmp_path, diff_id)
    assert path is not None
    for text in ["{", "[]", json.dumps({"diff_id": other, "version": sizes.version, "gzip_size": 1}),
                 *(f'{{"diff_id": "{diff_id}", "version": "{sizes.version}", "gzip_size": {size}}}'
                   for size in ("true", "-1", '"7"'))]:  # fmt: skip
        path.write_text(text)
        assert sizes.read(diff_id) is None, text
    sizes.write("not-an-id", 5)
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]
