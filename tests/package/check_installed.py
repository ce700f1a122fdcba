"""The installable package, checked as a coordinator would use it: install the
.deb (dpkg -i as root, else unpacked into a folder with dpkg-deb -x), read its
declared dependencies, run the installed `wijkstem --version` and `about`,
start the installed app under Xvfb through WebDriver and see the first screen
(a screenshot goes to target/e2e/package-first-screen.png).

Run: python3 tests/package/check_installed.py PATH/TO/Wijkstem_X_amd64.deb
(under xvfb-run; scripts/test.sh does this). Prints 'package: N passed, N failed'."""

import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name}: {detail}")


def main(deb):
    info = subprocess.run(["dpkg-deb", "--info", deb], capture_output=True, text=True, check=True).stdout
    depends = next((l for l in info.splitlines() if l.strip().startswith("Depends:")), "")
    check("the package declares WebKitGTK 4.1 and GTK 3", "libwebkit2gtk-4.1-0" in depends and "libgtk-3-0" in depends, depends)
    listing = subprocess.run(["dpkg-deb", "--contents", deb], capture_output=True, text=True, check=True).stdout
    contents = {"/" + l.split()[-1].lstrip("./") for l in listing.splitlines() if l.strip()}
    for path in ["/usr/bin/wijkstem-app", "/usr/bin/wijkstem", "/usr/share/applications/Wijkstem.desktop"]:
        check(f"the package holds {path}", path in contents, sorted(contents))
    check("the package holds an icon", any(p.startswith("/usr/share/icons/hicolor/") and p.endswith(".png") for p in contents), sorted(contents))

    if os.geteuid() == 0:
        subprocess.run(["dpkg", "-i", deb], check=True, capture_output=True)
        prefix = "/"
        status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", "wijkstem"], capture_output=True, text=True).stdout
        check("dpkg knows the package as installed", "install ok installed" in status, status)
    else:
        prefix = tempfile.mkdtemp(prefix="wijkstem-deb-")
        subprocess.run(["dpkg-deb", "-x", deb, prefix], check=True)
    bindir = os.path.join(prefix, "usr", "bin")
    desktop = open(os.path.join(prefix, "usr/share/applications/Wijkstem.desktop"), encoding="utf-8").read()
    check("the menu entry speaks Dutch and English", "Comment[nl]=" in desktop and "Comment=" in desktop and "Exec=wijkstem-app" in desktop, desktop)

    home = tempfile.mkdtemp(prefix="wijkstem-home-")
    env = dict(os.environ, HOME=home, XDG_DATA_HOME=os.path.join(home, "data"), WIJKSTEM_LANG="nl")
    version = subprocess.run([os.path.join(bindir, "wijkstem"), "--version"], capture_output=True, text=True, env=env)
    check("the installed `wijkstem --version` prints the version", version.returncode == 0 and version.stdout.startswith("wijkstem "), version.stdout + version.stderr)
    db = os.path.join(home, "proef.sqlite")
    about = subprocess.run([os.path.join(bindir, "wijkstem"), "--db", db, "about"], capture_output=True, text=True, env=env)
    check("the installed `wijkstem about` says where the database is", about.returncode == 0 and db in about.stdout, about.stdout + about.stderr)

    os.environ["WIJKSTEM_APP"] = os.path.join(bindir, "wijkstem-app")
    import wd  # reads WIJKSTEM_APP

    td = wd.TauriDriver(env={"HOME": home, "XDG_DATA_HOME": os.path.join(home, "data"), "WIJKSTEM_LANG": "nl"})
    d = wd.Driver(td.port)
    try:
        d.start(["--db", os.path.join(home, "app.sqlite")])
        title = d.wait_text("h1", lambda t: "Wijkstem" in t, timeout=30)
        check("the installed app opens on its first screen", "Wijkstem" in title, title)
        d.screenshot("package-first-screen.png")
    except Exception as e:  # noqa: BLE001 - reported as a failed check
        check("the installed app opens on its first screen", False, repr(e))
    finally:
        d.quit()
        td.stop()
    if os.geteuid() == 0:
        subprocess.run(["dpkg", "-r", "wijkstem"], capture_output=True)
    else:
        shutil.rmtree(prefix, ignore_errors=True)
    shutil.rmtree(home, ignore_errors=True)
    print(f"package: {passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
