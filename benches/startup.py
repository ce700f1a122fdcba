"""Cold start to first paint, and resident memory, of the real desktop app.

Prints a table. Targets: first paint under 1 s, resident memory under 200 MB
(the app process plus the WebKit processes it starts). Run through
scripts/bench.sh, which builds the release app and provides a screen."""

import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "e2e"))
import wd  # noqa: E402

RUNS = int(os.environ.get("RUNS", "5"))


def process_tree(root_pid):
    """The process and all its descendants."""
    children = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(pid))
        except (OSError, IndexError, ValueError):
            pass
    out, stack = [], [root_pid]
    while stack:
        p = stack.pop()
        out.append(p)
        stack.extend(children.get(p, []))
    return out


def mem_kb(pid, field):
    """A memory figure of one process in KiB: VmRSS from status, or Pss from
    smaps_rollup (0 when the process is gone)."""
    src = f"/proc/{pid}/status" if field == "VmRSS:" else f"/proc/{pid}/smaps_rollup"
    try:
        with open(src) as f:
            return sum(int(line.split()[1]) for line in f if line.startswith(field))
    except OSError:
        return 0


def mem_tree_kb(root_pid, field):
    """A memory figure summed over a process and all its descendants, in KiB.
    RSS counts shared libraries once per process; PSS splits them, so the PSS
    sum is what the app really costs."""
    return sum(mem_kb(p, field) for p in process_tree(root_pid))


def pss_by_process(root_pid):
    """PSS in MiB per process name (the app, WebKitWebProcess, WebKitNetworkProcess)."""
    out = {}
    for p in process_tree(root_pid):
        try:
            with open(f"/proc/{p}/comm") as f:
                name = f.read().strip()
        except OSError:
            continue
        out[name] = out.get(name, 0) + mem_kb(p, "Pss:") / 1024
    return out


SETTINGS = [
    ("as shipped", {}),
    ("WEBKIT_DISABLE_DMABUF_RENDERER=1", {"WEBKIT_DISABLE_DMABUF_RENDERER": "1"}),
    ("WEBKIT_DISABLE_COMPOSITING_MODE=1", {"WEBKIT_DISABLE_COMPOSITING_MODE": "1"}),
]


def memory_by_setting(runs=2):
    """Where the memory goes, per process, for each WebKit setting tried; and
    whether WebDriver can still take a screenshot (the end-to-end tests need it)."""
    rows = []
    for label, env in SETTINGS:
        td = wd.TauriDriver(env=env)
        per, shot = [], "yes"
        try:
            for _ in range(runs):
                d = wd.Driver(td.port)
                d.start(["--db", os.path.join(tempfile.mkdtemp(), "bench.sqlite")])
                d.find("#operator-name", timeout=30)
                time.sleep(1.0)
                pid = app_pid()
                per.append(pss_by_process(pid) if pid else {})
                try:
                    d.screenshot(f"startup-{len(rows)}.png")
                except Exception:  # noqa: BLE001 - reported in the table
                    shot = "no"
                d.quit()
                time.sleep(0.5)
        finally:
            td.stop()
        names = sorted({n for p in per for n in p})
        med = {n: statistics.median(p.get(n, 0) for p in per) for n in names}
        rows.append((label, med, shot))
    print("\nMemory (PSS, MiB) by process and WebKit setting (median of", runs, "starts)\n")
    print("| setting | " + " | ".join(["app", "WebKitWebProcess", "WebKitNetworkProcess", "total"]) + " | screenshot works |")
    print("|---|---:|---:|---:|---:|:---:|")
    for label, med, shot in rows:
        app = sum(v for n, v in med.items() if n.startswith("wijkstem"))
        web = sum(v for n, v in med.items() if n.startswith("WebKitWebProces"))
        net = sum(v for n, v in med.items() if n.startswith("WebKitNetworkPr"))
        print(f"| {label} | {app:.0f} | {web:.0f} | {net:.0f} | {sum(med.values()):.0f} | {shot} |")


def app_pid():
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    if os.path.basename(f.read().split(b"\0")[0]) == b"wijkstem-app":
                        return int(pid)
            except OSError:
                pass
    return None


def main():
    td = wd.TauriDriver()
    paint, fcp, rss, pss = [], [], [], []
    try:
        for i in range(RUNS):
            db = os.path.join(tempfile.mkdtemp(), "bench.sqlite")
            d = wd.Driver(td.port)
            t0 = time.perf_counter()
            d.start(["--db", db])
            d.find("#operator-name", timeout=30)
            paint.append(time.perf_counter() - t0)
            v = d.script("const e = performance.getEntriesByType('paint').find(p => p.name === 'first-contentful-paint'); return e ? e.startTime : null;")
            if v is not None:
                fcp.append(v / 1000)
            time.sleep(1.0)  # let the window settle before measuring memory
            pid = app_pid()
            rss.append(mem_tree_kb(pid, "VmRSS:") / 1024 if pid else float("nan"))
            pss.append(mem_tree_kb(pid, "Pss:") / 1024 if pid else float("nan"))
            d.quit()
            time.sleep(0.5)
    finally:
        td.stop()
    rows = [
        ("launch → first screen (WebDriver, incl. driver start)", f"{statistics.median(paint):.3f} s", f"{max(paint):.3f} s", "< 1 s"),
        ("first contentful paint (WebKit, from navigation)", f"{statistics.median(fcp):.3f} s" if fcp else "n/a", f"{max(fcp):.3f} s" if fcp else "n/a", "< 1 s"),
        ("memory (PSS), app + WebKit processes", f"{statistics.median(pss):.0f} MB", f"{max(pss):.0f} MB", "< 200 MB"),
        ("memory (RSS sum, shared libraries counted per process)", f"{statistics.median(rss):.0f} MB", f"{max(rss):.0f} MB", "-"),
    ]
    print(f"\nWijkstem desktop start-up ({RUNS} cold starts, release build, Xvfb)\n")
    print(f"| {'measure':<55} | {'median':>9} | {'worst':>9} | {'target':>8} |")
    print(f"|{'-'*57}|{'-'*11}|{'-'*11}|{'-'*10}|")
    for r in rows:
        print(f"| {r[0]:<55} | {r[1]:>9} | {r[2]:>9} | {r[3]:>8} |")
    memory_by_setting()


if __name__ == "__main__":
    main()
