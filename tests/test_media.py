"""--mirror-media: avatars and session images are downloaded into the site, so pages load nothing from other hosts."""

from __future__ import annotations

import hashlib
import json
import logging
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.server import ApiServer, Reply, Request, running

from generator import cli
from generator.config import DEMO_SNAPSHOT, Settings
from generator.media import mirror
from generator.normalise import normalise
from generator.serve import PreviewServer
from generator.sources import load

LIMIT = 4000  # bytes; media_max_bytes for these tests
GOOD = {"33BH8B": "a.png", "77QKPY": "b.png", "7KHBHU": "c.gif"}  # speaker code → avatar served as an image
REFUSED = {"html": "page.png", "oversized": "big.png", "lying": "fake.png"}
TALK, TALK_IMAGE = "3SRWHJ", "talk.png"


def png(side: int, seed: int) -> bytes:
    """A real, uncompressed RGB PNG of `side`×`side` pixels (zlib level 0 keeps its size predictable)."""
    rows = b"".join(b"\0" + bytes((x * 7 + y * 13 + seed) % 256 for x in range(side * 3)) for y in range(side))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 0)) + chunk(b"IEND", b"")


GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
       b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
BODIES = {"a.png": (png(4, 1), "image/png"), "b.png": (png(4, 2), "image/png"), "c.gif": (GIF, "image/gif"),
          "talk.png": (png(6, 3), "image/png"),
          "page.png": (b"<!doctype html><title>login</title>", "text/html; charset=utf-8"),
          "big.png": (png(64, 4), "image/png"),
          "fake.png": (b"<svg onload=alert(1)></svg>", "image/png")}
assert len(BODIES["big.png"][0]) > LIMIT > max(len(BODIES[n][0]) for n in ("a.png", "b.png", "talk.png"))


def media_host(server: ApiServer) -> str:
    """The avatars' origin: `localhost`, another host than the site's 127.0.0.1 for the browser."""
    return server.url.replace("127.0.0.1", "localhost")


def serve_media(server: ApiServer, delay: float = 0.0) -> None:
    """Answer /media/<name> with the bytes and content type of BODIES (after `delay` seconds)."""
    for name, (body, content_type) in BODIES.items():
        def reply(request: Request, body: bytes = body, content_type: str = content_type) -> Reply:
            time.sleep(delay)
            return Reply(200, body, {"Content-Type": content_type})
        server.route(f"/media/{name}", reply)


def snapshot_with_media(directory: Path, host: str) -> Path:
    """The demo snapshot with avatars and a session image pointing at `host`."""
    data = json.loads(DEMO_SNAPSHOT.read_text(encoding="utf-8"))
    documents = data["documents"]
    refused = iter(REFUSED.values())
    for speaker in documents["speakers"]:
        name = GOOD.get(speaker["code"]) or next(refused, None)
        speaker["avatar_url"] = f"{host}/media/{name}" if name else None
    for submission in documents["submissions"]:
        if submission["code"] == TALK:
            submission["image"] = f"{host}/media/{TALK_IMAGE}"
    path = directory / "media.snapshot.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def speaker_with(avatar: str, snapshot: Path) -> str:
    """The code of the speaker whose avatar is `avatar`."""
    speakers = json.loads(snapshot.read_text())["documents"]["speakers"]
    return next(s["code"] for s in speakers if (s["avatar_url"] or "").endswith(f"/media/{avatar}"))


def media_path(name: str) -> str:
    """Where a served file must land: static/media/, named by its content."""
    body = BODIES[name][0]
    extension = "gif" if name.endswith(".gif") else "png"
    return f"static/media/{hashlib.sha256(body).hexdigest()[:20]}.{extension}"


@pytest.fixture(scope="module")
def media_server() -> Iterator[ApiServer]:
    """A real HTTP server with the images, shared by this module's builds."""
    with running() as server:
        serve_media(server)
        yield server


@pytest.fixture(scope="module")
def mirrored(media_server: ApiServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo event with media, built once with --mirror-media; with what was logged."""
    work = tmp_path_factory.mktemp("mirrored")
    snapshot = snapshot_with_media(work, media_host(media_server))
    (work / "schedule-site.toml").write_text(f"media_max_bytes = {LIMIT}\n")
    handler = RecordingHandler()
    logging.getLogger("generator").addHandler(handler)
    try:
        code = cli.main(["--quiet", str(snapshot), "--out", str(work / "site"), "--mirror-media",
                         "--cache-dir", str(work / "cache"), "--config", str(work / "schedule-site.toml")])
    finally:
        logging.getLogger("generator").removeHandler(handler)
    return {"code": code, "site": work / "site", "snapshot": snapshot, "work": work, "warnings": handler.messages}


class RecordingHandler(logging.Handler):
    """Keeps every warning (caplog is per test; the build is per module)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_mirrored_files_exist_with_the_served_bytes(mirrored: dict[str, Any]) -> None:
    site = mirrored["site"]

    assert mirrored["code"] == 0
    for name in ("a.png", "b.png", "c.gif", "talk.png"):
        assert (site / media_path(name)).read_bytes() == BODIES[name][0], name
    assert sorted(p.name for p in (site / "static" / "media").iterdir()) == sorted(
        media_path(n).rsplit("/", 1)[1] for n in ("a.png", "b.png", "c.gif", "talk.png"))


@pytest.mark.parametrize("locale", ["en", "de"])
def test_pages_reference_the_copies_relatively(mirrored: dict[str, Any], locale: str) -> None:
    site, snapshot = mirrored["site"], mirrored["snapshot"]
    speaker_page = (site / locale / "speaker" / speaker_with("a.png", snapshot) / "index.html").read_text()
    talk_page = (site / locale / "talk" / TALK / "index.html").read_text()

    assert f'src="../../../{media_path("a.png")}"' in speaker_page
    assert f'src="../../../{media_path("talk.png")}"' in talk_page
    assert "localhost" not in speaker_page + talk_page


@pytest.mark.parametrize(("name", "reason"), [
    pytest.param("page.png", "text/html is not an image type", id="not-an-image-content-type"),
    pytest.param("big.png", f"more than the limit of {LIMIT}", id="oversized"),
    pytest.param("fake.png", "the bytes are not a PNG image", id="content-type-lies"),
])
def test_refused_media_is_a_warning_and_shows_no_image(mirrored: dict[str, Any], name: str, reason: str) -> None:
    site, snapshot = mirrored["site"], mirrored["snapshot"]
    page = (site / "en" / "speaker" / speaker_with(name, snapshot) / "index.html").read_text()

    assert any(f"/media/{name}" in message and reason in message for message in mirrored["warnings"]), \
        mirrored["warnings"]
    assert "<img" not in page.split("<main", 1)[1] and f"/media/{name}" not in page
    assert not (site / media_path(name)).exists()


def test_strict_build_fails_on_refused_media_and_leaves_the_site_alone(mirrored: dict[str, Any],
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    work = mirrored["work"]
    before = {p: p.read_bytes() for p in mirrored["site"].rglob("*") if p.is_file()}

    code = cli.main(["--quiet", str(mirrored["snapshot"]), "--out", str(mirrored["site"]), "--mirror-media",
                     "--strict", "--cache-dir", str(work / "cache"), "--config", str(work / "schedule-site.toml")])

    assert code != 0
    assert "could not be mirrored" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in mirrored["site"].rglob("*") if p.is_file()} == before



def test_a_theme_that_prints_a_mirrored_url_directly_stops_the_build_naming_the_page(
        mirrored: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # pages link the copies through media() in the templates; a theme printing the URL itself would make the
    # page load another host although --mirror-media promised it would not
    work, templates = mirrored["work"], tmp_path / "theme"
    templates.mkdir()
    ours = (Path(cli.__file__).parent.parent / "templates" / "speaker.html").read_text()
    (templates / "speaker.html").write_text(ours.replace("media(speaker.avatar_url)", "speaker.avatar_url"))

    code = cli.main(["--quiet", str(mirrored["snapshot"]), "--out", str(tmp_path / "site"), "--mirror-media",
                     "--cache-dir", str(work / "cache"), "--config", str(work / "schedule-site.toml"),
                     "--templates", str(templates)])

    error = capsys.readouterr().err
    assert code == 1
    assert "(speaker.html) shows http://localhost:" in error and "media()" in error
    assert not (tmp_path / "site").exists()

def test_without_mirroring_pages_link_the_original_host(mirrored: dict[str, Any], tmp_path: Path) -> None:
    assert cli.main(["--quiet", str(mirrored["snapshot"]), "--out", str(tmp_path / "site")]) == 0

    page = (tmp_path / "site" / "en" / "speaker" / speaker_with("a.png", mirrored["snapshot"]) / "index.html")
    assert "http://localhost:" in page.read_text() and "/media/a.png" in page.read_text()
    assert not (tmp_path / "site" / "static" / "media").exists()


def test_downloads_are_concurrent_and_cached(tmp_path: Path) -> None:
    with running() as server:
        serve_media(server)
        # every image answers only once all seven are requested: one download after another would wait for the
        # others until the barrier gives up, and be refused (no clock decides the outcome)
        together = threading.Barrier(len(BODIES), timeout=60)
        for path, reply in list(server.routes.items()):
            def answer(request: Request, reply: Any = reply) -> Reply:
                try:
                    together.wait()
                except threading.BrokenBarrierError:
                    return Reply(503, b"not requested side by side", {"Content-Type": "text/plain"})
                return reply(request)
            server.route(path, answer)
        snapshot = snapshot_with_media(tmp_path, media_host(server))
        settings = Settings(source=str(snapshot), cache_dir=tmp_path / "cache", media_max_bytes=LIMIT)
        conference = normalise(load(settings).scrubbed())

        first = mirror(conference, settings)
        requests_after_first = len(server.requests)
        together = threading.Barrier(1)  # the second run asks again only for what was refused
        second = mirror(conference, settings)

    assert first.images.keys() == second.images.keys() and len(first.images) == 4
    # the second run asks the server only for what it refused before (nothing refused is cached)
    assert len(server.requests) - requests_after_first == len(REFUSED)


# ---- in Chromium ----------------------------------------------------------------------------------

@pytest.mark.browser
def test_mirrored_pages_make_no_request_to_another_host(chromium: Any, mirrored: dict[str, Any],
                                                        tmp_path: Path) -> None:
    snapshot = mirrored["snapshot"]
    plain = tmp_path / "plain"
    assert cli.main(["--quiet", str(snapshot), "--out", str(plain)]) == 0
    pages = [f"en/speaker/{speaker_with('a.png', snapshot)}/", f"en/speaker/{speaker_with('c.gif', snapshot)}/",
             f"en/talk/{TALK}/", "en/speakers/", "en/index.html"]

    def requested(site: Path) -> tuple[list[str], list[int], str]:
        server = PreviewServer(site).start()
        context = chromium.new_context()
        urls: list[str] = []
        context.on("request", lambda request: urls.append(request.url))
        page = context.new_page()
        widths = []
        try:
            for path in pages:
                page.goto(server.url + path, wait_until="networkidle")
                widths += page.eval_on_selector_all("main img", "images => images.map(i => i.naturalWidth)")
        finally:
            context.close()
            server.stop()
        return urls, widths, server.url

    mirrored_urls, widths, origin = requested(mirrored["site"])
    plain_urls, _, _ = requested(plain)

    assert mirrored_urls and all(url.startswith(origin) for url in mirrored_urls), \
        [url for url in mirrored_urls if not url.startswith(origin)]
    assert widths and all(width > 0 for width in widths)  # the copies load and are real images
    assert any(url.startswith("http://localhost:") for url in plain_urls)  # the recorder does see other hosts
