"""What the real-browser tests share: Debian's Chromium driven by Playwright, and the real
app served on 127.0.0.1 in a thread. Importing this skips the importing test module with a
reason when Playwright or Chromium is missing."""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
# no background networking: this machine's closed network refuses it, many at a time
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright 未安装（pip install playwright）")
if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} 不存在（运行 scripts/install-system.sh）", allow_module_level=True)


@contextmanager
def serve(app):
    """The app on a free loopback port; yields its base URL."""
    from werkzeug.serving import make_server
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@contextmanager
def launch():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
