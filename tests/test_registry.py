"""The registry's side of publishing, without an engine: the download size read from a manifest a
loopback server answers with, summed by hand here. The registry and the second daemon themselves
run in the real-engine tests (test_docker.py)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from labreport.measure import registry

MANIFEST_TYPE = "application/vnd.docker.distribution.manifest.v2+json"
# A config of 1_486 bytes and three layers: 1_210_293 + 5_292 + 2_719_144 bytes, as gzipped by a push.
MANIFEST = {
    "schemaVersion": 2,
    "mediaType": MANIFEST_TYPE,
    "config": {
        "mediaType": "application/vnd.docker.container.image.v1+json",
        "size": 1_486,
        "digest": "sha256:c",
    },
    "layers": [
        {
            "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
            "size": size,
            "digest": f"sha256:{n}",
        }
        for n, size in enumerate((1_210_293, 5_292, 2_719_144))
    ],
}


@pytest.fixture
def served() -> Iterator[tuple[str, list[tuple[str, str | None]]]]:
    """A registry that answers one manifest, for devops-info-service:alpine; yields its address and
    the requests it saw (path, Accept header)."""
    seen: list[tuple[str, str | None]] = []

    class Registry(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append((self.path, self.headers.get("Accept")))
            found = self.path == "/v2/devops-info-service/manifests/alpine"
            body = json.dumps(MANIFEST if found else {"errors": [{"code": "MANIFEST_UNKNOWN"}]}).encode()
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", MANIFEST_TYPE)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Registry)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def test_the_download_size_is_the_config_plus_every_layer(
    served: tuple[str, list[tuple[str, str | None]]],
) -> None:
    address, seen = served
    # 1_486 + 1_210_293 + 5_292 + 2_719_144
    assert registry.manifest_size(address, "devops-info-service", "alpine") == 3_936_215
    assert seen == [("/v2/devops-info-service/manifests/alpine", MANIFEST_TYPE)]


def test_an_unknown_tag_is_an_error_not_a_size(served: tuple[str, list[tuple[str, str | None]]]) -> None:
    address, _ = served
    with pytest.raises(requests.HTTPError, match="404"):
        registry.manifest_size(address, "devops-info-service", "missing")
