"""Open an HTML file in headless Chromium, offline, and report what a reader would see.

A small Chrome DevTools Protocol client over ``--remote-debugging-pipe`` (file descriptors 3 and
4, NUL-separated JSON messages), with the Python standard library only. Used by
``tests/test_browser.py``; also runnable by hand::

    .venv/bin/python tests/headless.py reports/*.html --screenshots /tmp/shots

What is checked on each page (a :class:`PageCheck` lists what went wrong):

* JavaScript errors: uncaught exceptions, ``console.error`` calls and browser log errors
  (a resource that failed to load is one);
* any request that leaves the machine (http, https, ws): the report must be self-contained;
  the network is off (every host name is unresolvable and the page is emulated offline);
* images that did not load (``complete`` and a natural width above zero);
* widget areas left empty: every ``application/vnd.jupyter.widget-view+json`` placeholder must
  have been replaced by a rendered widget of non-zero size.

Chromium's flags are those of ``shared/NOTES.md`` (no sandbox, no GPU, no background traffic),
plus ``--disable-dev-shm-usage`` (``/dev/shm`` is small in containers) and every host name
mapped to nothing.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["find_chromium", "PageCheck", "Browser", "check_page"]

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
    "--disable-dev-shm-usage", "--host-resolver-rules=MAP * ~NOTFOUND",
]

INSTALL_HINT = "install Debian's Chromium: `apt-get install chromium` (as root; .ci/run does this in CI)"


def find_chromium() -> str | None:
    """Path of a Chromium binary (``$CHROMIUM``, ``/usr/bin/chromium``, or on ``PATH``), or None."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser"), shutil.which("google-chrome")):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


@dataclass
class PageCheck:
    """What one page showed: problems found, counts, and where its screenshot went."""

    url: str
    errors: list = field(default_factory=list)
    network: list = field(default_factory=list)
    broken_images: list = field(default_factory=list)
    empty_widgets: list = field(default_factory=list)
    images: int = 0
    widgets: int = 0
    tables: int = 0
    title: str = ""
    text_length: int = 0
    screenshot: Path | None = None

    @property
    def problems(self) -> list:
        """One line per problem (empty when the page is fine)."""
        return ([f"JavaScript error: {e}" for e in self.errors]
                + [f"network request: {u}" for u in self.network]
                + [f"image did not load: {s}" for s in self.broken_images]
                + [f"empty widget area: {w}" for w in self.empty_widgets])


class Browser:
    """Headless Chromium driven over the DevTools pipe; use as a context manager."""

    def __init__(self, binary: str | None = None, *, width: int = 1200, height: int = 1600, timeout: float = 60):
        self.binary = binary or find_chromium()
        if self.binary is None:
            raise RuntimeError("Chromium not found: " + INSTALL_HINT)
        self.width, self.height, self.timeout = width, height, timeout
        self._next_id = 0
        self._buffer = b""
        self.events = []

    def __enter__(self):
        self._profile = tempfile.mkdtemp(prefix="toolkit-chromium-")
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        command = [self.binary, *FLAGS, f"--user-data-dir={self._profile}", "--remote-debugging-pipe",
                   f"--window-size={self.width},{self.height}", "about:blank"]
        # The pipe must be on descriptors 3 (commands in) and 4 (messages out) of the browser.
        shell = f'exec 3<&{to_chrome_r} 4>&{from_chrome_w}; exec "$@"'
        self._proc = subprocess.Popen(["bash", "-c", shell, "chromium", *command],  # bash: dash only takes fds 0-9
                                      pass_fds=(to_chrome_r, from_chrome_w),
                                      stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                      stderr=open(os.environ.get("CHROMIUM_LOG", os.devnull), "ab"))
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        return self

    def __exit__(self, *exc):
        try:
            self.send("Browser.close", timeout=5)
        except Exception:  # noqa: BLE001 - closing is best effort; the process is killed below
            pass
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        for fd in (self._to_chrome, self._from_chrome):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self._profile, ignore_errors=True)

    # -- the protocol
    def _read_message(self, deadline: float) -> dict:
        import select

        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([self._from_chrome], [], [], min(left, 1.0))
            if not ready:
                if self._proc.poll() is not None:
                    raise RuntimeError(f"Chromium exited with status {self._proc.returncode}")
                continue
            chunk = os.read(self._from_chrome, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, params: dict | None = None, *, session: str | None = None, timeout=None) -> dict:
        """Send one command and return its result (events that arrive meanwhile are kept)."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def pump(self, seconds: float):
        """Collect events for a while."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                self.events.append(self._read_message(deadline))
            except TimeoutError:
                return

    # -- a page
    def check(self, path, *, screenshot=None, settle: float = 0.5, widget_wait: float = 20.0) -> PageCheck:
        """Open ``path`` offline, wait for it to settle, check it, and take a screenshot."""
        url = Path(path).resolve().as_uri()
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.events = []
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=session)
        self.send("Network.emulateNetworkConditions", {"offline": True, "latency": 0, "downloadThroughput": -1,
                                                       "uploadThroughput": -1}, session=session)
        self.send("Emulation.setDeviceMetricsOverride", {"width": self.width, "height": self.height,
                                                         "deviceScaleFactor": 1, "mobile": False}, session=session)
        self.send("Page.navigate", {"url": url}, session=session)
        deadline = time.monotonic() + self.timeout
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} did not finish loading")
            self.pump(0.2)
        # Widgets render asynchronously after load: wait until every placeholder is rendered.
        deadline = time.monotonic() + widget_wait
        while True:
            state = self._evaluate(session, _PAGE_STATE)
            if not state["emptyWidgets"] or time.monotonic() > deadline:
                break
            self.pump(0.25)
        self.pump(settle)
        state = self._evaluate(session, _PAGE_STATE)
        result = PageCheck(url=url, images=state["images"], widgets=state["widgets"], tables=state["tables"],
                           title=state["title"], text_length=state["textLength"],
                           broken_images=state["brokenImages"], empty_widgets=state["emptyWidgets"])
        for event in self.events:
            if event.get("sessionId") not in (None, session):
                continue
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                text = details.get("exception", {}).get("description") or details.get("text", "")
                result.errors.append(f"{text.splitlines()[0] if text else 'exception'} "
                                     f"({details.get('url', '')[:80]}:{details.get('lineNumber')})")
            elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                args = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
                result.errors.append(f"console.error: {args[:300]}")
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                entry = params["entry"]
                result.errors.append(f"{entry.get('source')}: {entry.get('text', '')[:300]} {entry.get('url', '')[:120]}")
            elif method == "Network.requestWillBeSent":
                request_url = params["request"]["url"]
                if request_url.split(":", 1)[0] in ("http", "https", "ws", "wss", "ftp"):
                    result.network.append(request_url)
        if screenshot is not None:
            shot = self.send("Page.captureScreenshot", {"format": "png"}, session=session)
            Path(screenshot).write_bytes(base64.b64decode(shot["data"]))
            result.screenshot = Path(screenshot)
        self.send("Target.closeTarget", {"targetId": target})
        return result

    def _evaluate(self, session, expression):
        reply = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session)
        if "exceptionDetails" in reply:
            raise RuntimeError(f"page script failed: {reply['exceptionDetails']}")
        return reply["result"]["value"]


# What the page shows: counted in the page itself.
_PAGE_STATE = r"""
(() => {
  const images = Array.from(document.images);
  const broken = images.filter(i => !i.complete || i.naturalWidth === 0)
                       .map(i => (i.getAttribute('src') || '').slice(0, 60));
  const views = Array.from(document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]'));
  const empty = [];
  for (const view of views) {
    const area = view.parentElement;
    let modelId = '';
    try { modelId = JSON.parse(view.textContent).model_id; } catch (e) { modelId = '(unreadable view)'; }
    const rendered = Array.from(area.children).filter(c => c !== view && c.tagName !== 'SCRIPT');
    const sized = rendered.some(c => { const r = c.getBoundingClientRect(); return r.width > 0 && r.height > 0; });
    if (!sized) empty.push(modelId);
  }
  return {images: images.length, brokenImages: broken, widgets: views.length, emptyWidgets: empty,
          tables: document.querySelectorAll('table').length, title: document.title,
          textLength: document.body ? document.body.innerText.length : 0};
})()
"""


def check_page(path, *, screenshot=None, binary=None) -> PageCheck:
    """Open one page in a fresh browser and check it (see the module docstring)."""
    with Browser(binary) as browser:
        return browser.check(path, screenshot=screenshot)


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="+")
    parser.add_argument("--screenshots", help="folder for one PNG per page")
    args = parser.parse_args(argv)
    if args.screenshots:
        Path(args.screenshots).mkdir(parents=True, exist_ok=True)
    failed = 0
    with Browser() as browser:
        for page in args.pages:
            shot = Path(args.screenshots) / (Path(page).stem + ".png") if args.screenshots else None
            result = browser.check(page, screenshot=shot)
            status = "FAIL" if result.problems else "ok"
            failed += bool(result.problems)
            print(f"{status} {page}: {result.images} images, {result.widgets} widgets, {result.tables} tables"
                  + (f", screenshot {shot}" if shot else ""))
            for problem in result.problems:
                print(f"    {problem}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
