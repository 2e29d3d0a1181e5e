"""`labreport history`: merging a previous deployment's history over HTTP (and surviving a server
that is down or serves garbage), backfilling from git, and the job summary's comparison."""

from __future__ import annotations

import http.server
import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from labreport import cli
from labreport.cli import history as history_ops
from labreport.contract import history
from labreport.contract.history import History, HistoryRecord
from records import fake_measurements


def at(record: HistoryRecord, hours: int) -> HistoryRecord:
    when = record.measured_at + timedelta(hours=hours)
    return record.model_copy(update={"measured_at": when, "run_id": history.run_id(when, record.inputs_hash)})


FIRST = history.record(fake_measurements(), {"reproduced": 1})
RECORDS = [at(FIRST, hours) for hours in range(4)]


@contextmanager
def serving(body: bytes, content_type: str = "application/json") -> Iterator[str]:
    """A previous deployment on 127.0.0.1 answering every GET with `body`; yields its history URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/data/history.json"
    finally:
        server.shutdown()
        server.server_close()


def committed(tmp_path: Path, records: list[HistoryRecord]) -> Path:
    path = tmp_path / "history.json"
    history.save(History(records=records), path)
    return path


def test_merge_from_a_previous_deployment_keeps_both_once_and_in_order(tmp_path: Path) -> None:
    # The deployment knows runs 0, 1 and 3; the committed file runs 1 and 2.
    path = committed(tmp_path, [RECORDS[2], RECORDS[1]])
    published = History(records=[RECORDS[3], RECORDS[0], RECORDS[1]]).model_dump_json().encode()
    with serving(published) as url:
        assert cli.main(["history", "merge", "--from", url, "--history", str(path)]) == 0
    merged = history.load(path).records
    assert [item.run_id for item in merged] == [item.run_id for item in RECORDS]
    assert merged == RECORDS


def _closed_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/data/history.json"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (None, ""),  # the server is down
        (b"<!doctype html><title>404</title>", "text/html"),
        (b'{"schema_version": 1, "records": [', "application/json"),
        (b'{"schema_version": 1, "records": [{"run_id": "x"}]}', "application/json"),
    ],
    ids=["down", "html", "invalid-json", "wrong-schema"],
)
def test_an_unreadable_previous_history_warns_once_and_keeps_the_committed_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: bytes | None, content_type: str
) -> None:
    path = committed(tmp_path, RECORDS[:2])
    before = path.read_bytes()
    if body is None:
        url = _closed_port()
        status = cli.main(["history", "merge", "--from", url, "--history", str(path)])
    else:
        with serving(body, content_type) as url:
            status = cli.main(["history", "merge", "--from", url, "--history", str(path)])
    assert status == 0
    warning = capsys.readouterr().err.strip()
    assert len(warning.splitlines()) == 1, warning
    assert warning.startswith("labreport: warning:") and url in warning and f"using {path}" in warning
    assert path.read_bytes() == before  # nothing lost, nothing rewritten


def test_the_default_source_is_the_site_url_or_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mkdocs = tmp_path / "mkdocs.yml"
    mkdocs.write_text("site_url: !ENV [SITE, 'https://example.org/report/']\n", encoding="utf-8")
    monkeypatch.delenv(history_ops.SOURCE_ENV, raising=False)
    monkeypatch.delenv("SITE", raising=False)
    assert history_ops.default_source(mkdocs) == "https://example.org/report/data/history.json"
    monkeypatch.setenv("SITE", "https://fork.example/")
    assert history_ops.default_source(mkdocs) == "https://fork.example/data/history.json"
    monkeypatch.setenv(history_ops.SOURCE_ENV, "/elsewhere/history.json")
    assert history_ops.default_source(mkdocs) == "/elsewhere/history.json"


def test_backfill_takes_every_valid_version_from_git_and_names_the_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=tmp_path,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    git("init", "-q")
    data = tmp_path / "data" / "measurements.json"
    data.parent.mkdir()
    versions = [fake_measurements(), fake_measurements()]
    versions[1] = versions[1].model_copy(
        update={"provenance": versions[1].provenance.model_copy(update={"inputs_hash": "f" * 64})}
    )
    data.write_text('{"schema_version": 1}', encoding="utf-8")
    git("add", ".")
    git("commit", "-q", "-m", "an old shape")
    for version in versions:
        data.write_text(version.model_dump_json(), encoding="utf-8")
        git("add", ".")
        git("commit", "-q", "-m", "a run")
    skipped = git("log", "--format=%H", "--", "data/measurements.json").split()[-1][:8]
    path = tmp_path / "history.json"
    assert history_ops.backfill(path, root=tmp_path) == 0
    assert {item.inputs_hash for item in history.load(path).records} == {
        v.provenance.inputs_hash for v in versions
    }
    assert f"skipped {skipped}:data/measurements.json: field provenance" in capsys.readouterr().err
    history_ops.backfill(path, root=tmp_path)  # again: nothing duplicated
    assert len(history.load(path).records) == 2


def test_after_measure_appends_and_writes_the_comparison_to_the_job_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    data = fake_measurements()
    earlier = at(history.record(data, None), -1).model_copy(update={"final_image_bytes": 8_000_000})
    path = committed(tmp_path, [earlier])
    history_ops.after_measure(data, path)
    records = history.load(path).records
    assert [item.run_id for item in records] == [earlier.run_id, records[1].run_id]
    text = summary.read_text(encoding="utf-8")
    assert f"Against {earlier.run_id}" in text
    final = records[1].final_image_bytes
    assert final is not None
    assert f"| final image | 8.00 MB | {final / 1e6:.2f} MB | {(final - 8e6) / 1e6:+.2f} MB" in text


def test_the_first_run_has_nothing_to_compare_with() -> None:
    text = history_ops.comparison_markdown(None, FIRST)
    assert text.startswith("No previous run") and "| final image |" in text
