"""A minimal W3C WebDriver client (stdlib only) for driving the real Wijkstem
app through tauri-driver + WebKitWebDriver. Kept tiny on purpose: no browser
downloads, nothing to install beyond Debian's webkit2gtk-driver."""

import base64
import glob
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
APP = os.environ.get("WIJKSTEM_APP", os.path.join(ROOT, "target", "debug", "wijkstem-app"))
ARTIFACTS = os.environ.get("WIJKSTEM_ARTIFACTS", os.path.join(ROOT, "target", "e2e"))


class WebDriverError(Exception):
    pass


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Driver:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.session = None

    def _req(self, method, path, body=None, timeout=60):
        data = None if body is None else json.dumps(body).encode()
        # tauri-driver sometimes fails to forward a command to WebKitWebDriver
        # (a stale pooled connection: it answers by closing ours). The command
        # never reached WebKitWebDriver, so sending it again is safe.
        for attempt in range(6):
            req = urllib.request.Request(self.base + path, data=data, method=method, headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=timeout) as r:
                    return json.loads(r.read() or b"{}").get("value")
            except urllib.error.HTTPError as e:
                raise WebDriverError(f"{method} {path}: {e.code} {e.read()[:500]!r}") from None
            except (http.client.RemoteDisconnected, ConnectionResetError, ConnectionRefusedError):
                if attempt == 5:
                    raise
                time.sleep(0.5)

    def s(self, method, path, body=None):
        return self._req(method, f"/session/{self.session}{path}", body)

    def start(self, args):
        caps = {"capabilities": {"alwaysMatch": {"tauri:options": {"application": APP, "args": args}}}}
        # tauri-driver accepts connections before WebKitWebDriver behind it is
        # ready; retry the handshake briefly instead of sleeping blindly.
        end = time.time() + 30
        while True:
            try:
                v = self._req("POST", "/session", caps, timeout=120)
                break
            except (WebDriverError, OSError, http.client.HTTPException):
                if time.time() > end:
                    raise
                time.sleep(0.3)
        self.session = v["sessionId"]

    def quit(self):
        if self.session:
            try:
                self._req("DELETE", f"/session/{self.session}", timeout=20)
            except Exception:
                pass
            self.session = None

    def settle(self, timeout=10.0):
        """Wait until the app has finished its redraw: WebKitWebDriver can drop
        the connection when a command races the page replacing its elements."""
        end = time.time() + timeout
        while time.time() < end:
            if not self.script("return document.documentElement.dataset.busy || '';"):
                return
            time.sleep(0.05)

    def find(self, css, timeout=10.0):
        self.settle()
        end = time.time() + timeout
        while True:
            try:
                found = self.s("POST", "/element", {"using": "css selector", "value": css})
                if isinstance(found, dict) and ELEMENT in found:
                    return found[ELEMENT]
                raise WebDriverError(f"no element {css}: {found!r}")
            except WebDriverError:
                if time.time() > end:
                    raise
                time.sleep(0.1)

    def find_all(self, css):
        return [e[ELEMENT] for e in self.s("POST", "/elements", {"using": "css selector", "value": css})]

    def click(self, css):
        el = self.find(css)
        # Bring the element to the middle of the window first, as a user would
        # scroll to it; a click at the edge of the viewport can miss.
        self.s("POST", "/execute/sync", {"script": "arguments[0].scrollIntoView({block: 'center', inline: 'center'});", "args": [{ELEMENT: el}]})
        self.s("POST", f"/element/{el}/click", {})

    def type(self, css, text, clear=True):
        el = self.find(css)
        if clear:
            self.s("POST", f"/element/{el}/clear", {})
        if text:
            self.s("POST", f"/element/{el}/value", {"text": text})

    def keys(self, text):
        """Type `text` into the element that has the focus, as a keyboard
        would (no clearing, no moving the caret); returns the keys typed."""
        self.settle()
        el = self.s("GET", "/element/active")[ELEMENT]
        self.s("POST", f"/element/{el}/value", {"text": text})
        return len(text)

    def set_size(self, width, height):
        self.s("POST", "/window/rect", {"width": width, "height": height})
        time.sleep(0.3)

    def overflows_sideways(self):
        """Whether the page is wider than the window (a horizontal scrollbar)."""
        return self.script("return document.documentElement.scrollWidth > window.innerWidth + 1;")

    def unlabeled(self):
        """Visible form fields a screen reader could not name (no label,
        aria-label or aria-labelledby)."""
        return self.script(
            "return [...document.querySelectorAll('input, select, textarea')]"
            ".filter(e => e.type !== 'hidden' && e.getClientRects().length > 0)"
            ".filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))"
            ".map(e => e.id || e.name || e.className || e.outerHTML.slice(0, 60));"
        )

    def walk_tabs(self, test, tabs, prefix):
        """Every tab of the open selection at 1366×768 and 1920×1080: no
        sideways scrolling, no table wider than its card, every field
        labelled; a screenshot of each."""
        for width, height in ((1366, 768), (1920, 1080)):
            self.set_size(width, height)
            for tab in tabs:
                self.click(f"#tab-{tab}")
                self.find("#selection-view")
                self.screenshot(f"{prefix}-{tab}-{width}x{height}.png")
                test.assertFalse(self.overflows_sideways(), f"{tab} at {width}x{height}")
                over = self.script("return [...document.querySelectorAll('.card table')].filter(t => t.scrollWidth > t.closest('.card').clientWidth + 1).map(t => t.id);")
                test.assertEqual(over, [], f"{tab} at {width}x{height}")
                test.assertEqual(self.unlabeled(), [], f"every field has a label ({tab})")
        self.set_size(1200, 800)

    def in_view(self, css):
        """Whether the element is drawn entirely inside the window."""
        return self.script(
            "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
            "return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth;",
            css,
        )

    def press_enter(self, css):
        self.s("POST", f"/element/{self.find(css)}/value", {"text": "\ue007"})

    def text(self, css):
        return self.s("GET", f"/element/{self.find(css)}/text")

    def wait_text(self, css, predicate, timeout=10.0):
        end = time.time() + timeout
        last = None
        while time.time() < end:
            try:
                last = self.text(css)
                if predicate(last):
                    return last
            except WebDriverError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"{css}: text never matched; last seen {last!r}")

    # The demo's roster (src/demo.rs): a coordinator and two volunteers.
    DEMO_PINS = {"Sam": "2468", "Lotte": "1357", "Youssef": "8642"}

    def sign_in(self, name, pin=None):
        """Sign in as `name` from the roster with their PIN (the demo's by
        default), signing out whoever is signed in first."""
        if self.find_all("#sign-out"):
            self.click("#sign-out")
        self.find("#operator-pin")
        self.script(
            "const s = document.getElementById('operator-name');"
            "s.value = arguments[0]; if (s.value !== arguments[0]) throw new Error('not on the roster: ' + arguments[0]);",
            name,
        )
        self.type("#operator-pin", pin or self.DEMO_PINS[name])
        self.click("#sign-in")
        self.wait_text("#signed-in-as", lambda t: name in t)

    def window_handles(self):
        return self.s("GET", "/window/handles")

    def window(self):
        return self.s("GET", "/window")

    def switch_to(self, handle):
        self.s("POST", "/window", {"handle": handle})

    def wait_new_window(self, known, timeout=15.0):
        end = time.time() + timeout
        while time.time() < end:
            new = [h for h in self.window_handles() if h not in known]
            if new:
                return new[0]
            time.sleep(0.2)
        raise AssertionError("no new window opened")

    def script_async(self, js, *args):
        return self.s("POST", "/execute/async", {"script": js, "args": list(args)})

    def script(self, js, *args):
        return self.s("POST", "/execute/sync", {"script": js, "args": list(args)})

    def screenshot(self, name):
        os.makedirs(ARTIFACTS, exist_ok=True)
        path = os.path.join(ARTIFACTS, name)
        with open(path, "wb") as f:
            f.write(base64.b64decode(self.s("GET", "/screenshot")))
        return path


def funded_in_report(text):
    """The plan codes of the proces-verbaal's funded package, in printed
    order, read from pdftotext's output (lines "CODE — title — cost")."""
    flat = " ".join(text.split())
    package = flat.split("Het gefinancierde pakket", 1)[1].split(" plannen, samen ", 1)[0]
    return re.findall(r"\b([A-Z]{2}\d{2}) — ", package)


def pdf_qr_codes(pdf, workdir, prefix):
    """Every QR code in a PDF, read independently of the app: rendered at
    150 dpi by pdftoppm and decoded by zbarimg, page by page."""
    subprocess.run(["pdftoppm", "-r", "150", "-png", pdf, os.path.join(workdir, prefix)], check=True)
    codes = []
    for png in sorted(glob.glob(os.path.join(workdir, prefix + "*.png"))):
        out = subprocess.run(["zbarimg", "-q", "--raw", png], capture_output=True, text=True).stdout
        codes += [line for line in out.splitlines() if line]
    return codes


class TauriDriver:
    """Runs tauri-driver (which starts WebKitWebDriver) for the test's lifetime."""

    def __init__(self, env=None):
        exe = shutil.which("tauri-driver") or os.path.expanduser("~/.cargo/bin/tauri-driver")
        self.port = _free_port()
        native = _free_port()
        self.proc = subprocess.Popen(
            [exe, "--port", str(self.port), "--native-port", str(native)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
        )
        end = time.time() + 20
        while time.time() < end:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("tauri-driver did not start")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
