"""Faults on cue: replies that misbehave like real broken servers, and the pieces to stage them."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import socket
import ssl
from collections.abc import Iterator
from pathlib import Path

from .server import Reply, Request, Route

def status(code: int, detail: str | None = None, **headers: str) -> Reply:
    """An error status, with pretalx's `{"detail": ...}` body when given; `Retry_After="1"` sets Retry-After."""
    body = json.dumps({"detail": detail}).encode() if detail else b""
    return Reply(code, body, {"Content-Type": "application/json", **_headers(headers)})


def html_page(code: int = 200, heading: str = "Please sign in", **headers: str) -> Reply:
    """An HTML page where JSON was expected (a login wall, a proxy's error page)."""
    body = f"<!DOCTYPE html><html><head><title>{heading}</title></head><body><h1>{heading}</h1></body></html>"
    return Reply(code, body.encode(), {"Content-Type": "text/html; charset=utf-8", **_headers(headers)})


def _headers(keywords: dict[str, str]) -> dict[str, str]:
    return {name.replace("_", "-"): value for name, value in keywords.items()}


def invalid_json() -> Reply:
    """A JSON content type over a body that is not JSON."""
    return Reply(200, b'{"count": 2, "next": null, "results": [{"id": 1}, {"id": 2},]}')


def cut_body(reply: Reply, keep: int) -> Reply:
    """The first `keep` bytes of a reply, with a matching Content-Length (a proxy truncated it)."""
    return Reply(reply.status, reply.body[:keep], reply.headers)


def cut_connection(reply: Reply, keep: int) -> Reply:
    """The first `keep` bytes, though Content-Length announces them all: the connection drops mid-body."""
    return Reply(reply.status, reply.body[:keep], {**reply.headers, "Content-Length": str(len(reply.body))})


def slow(seconds: float, reply: Reply | None = None) -> Reply:
    """A reply that comes only after `seconds`."""
    reply = reply or Reply.json({})
    return Reply(reply.status, reply.body, reply.headers, delay=seconds)


def endless(declared_length: int | None = None) -> Reply:
    """A JSON list that never ends; with `declared_length`, a Content-Length that admits it up front."""
    def chunks() -> Iterator[bytes]:
        chunk = b'{"id": 1, "padding": "' + b"x" * 65_000 + b'"},'
        while True:
            yield chunk

    headers = {"Content-Type": "application/json"}
    if declared_length is not None:
        headers["Content-Length"] = str(declared_length)
    return Reply(200, b"[", headers, stream=chunks)


class FailingFirst:
    """A route that answers with `failure` for the first `times` requests, then with `then`."""

    def __init__(self, failure: Reply, then: Route, times: int = 1) -> None:
        self.failure, self.then, self.left = failure, then, times

    def __call__(self, request: Request) -> Reply:
        if self.left > 0:
            self.left -= 1
            return self.failure
        return self.then(request) if callable(self.then) else self.then


def refused_url() -> str:
    """A URL on 127.0.0.1 where nothing listens: connecting is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def self_signed_tls(directory: Path) -> ssl.SSLContext:
    """A server-side TLS context with a certificate for 127.0.0.1 that nobody signed (made with `cryptography`)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
                   .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                                  critical=False)
                   .sign(key, hashes.SHA256()))
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context
