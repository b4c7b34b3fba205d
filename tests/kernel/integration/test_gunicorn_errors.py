"""What gunicorn answers itself, before any app runs (a URL or headers too large, broken HTTP), is
problem details like every other error: a real gunicorn with the kernel's settings, on loopback."""

import json
import socket
import subprocess
import sys
import textwrap
import time

import pytest

from casework_dev.processes import free_port

APP = '''
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json")])
    return [b"{}"]
'''


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gunicorn")
    port = free_port()
    (folder / "tiny.py").write_text(APP)
    (folder / "gunicorn.conf.py").write_text(textwrap.dedent(f"""
        from casework.gunicorn import settings
        globals().update(settings("tiny:app", {port}))
        bind = "127.0.0.1:{port}"
        workers = 1
        reuse_port = False
    """))
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"], cwd=folder,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if exchange(port, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail("gunicorn did not start")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def exchange(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request)
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    return int(status_line.split()[1]), headers, body


@pytest.mark.parametrize(("status", "request_bytes"), [
    (414, b"GET /referrals?q=" + b"x" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"),
    (431, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"y" * 9000 + b"\r\n\r\n"),
    (431, b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: 1\r\n" % n for n in range(150)) + b"\r\n"),
    (400, b"GET / HTTP/1.1\r\nHost: x\r\nBad Header: <script>\r\n\r\n"),
], ids=["long URL", "large header", "many headers", "broken header"])
def test_gunicorns_own_refusals_are_problem_details(gunicorn, status, request_bytes):
    answered, headers, body = exchange(gunicorn, request_bytes)
    assert answered == status
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["status"] == status
    assert problem["title"] and problem["detail"]
    assert b"<script>" not in body
