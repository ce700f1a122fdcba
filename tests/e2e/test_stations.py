"""End to end, counting on two laptops (issue #19) in the real app: the
coordinator prints ballots and a box cover and writes the set-up package; a
second laptop (its own database and key) becomes a counting station through
its file picker, scans the coordinator's box cover, enters the ballots and
hands the box in; the coordinator admits the station by its key, cannot close
the box before the package is in, imports it (twice), adds an online vote
file, closes the box and sees paper, online and together in the count. The
files travel through a folder standing in for the USB stick; the laptop's file
dialog is the one seam stubbed (WIJKSTEM_PICK_<KIND>)."""

import glob
import os
import re
import shutil
import tempfile
import unittest

from wd import APP, Driver, TauriDriver, pdf_qr_codes


class StationsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(APP):
            raise unittest.SkipTest(f"app not built at {APP}")
        for tool in ("pdftoppm", "zbarimg"):
            if not shutil.which(tool):
                raise unittest.SkipTest(f"{tool} missing")
        cls.tmp = tempfile.TemporaryDirectory()
        cls.usb = os.path.join(cls.tmp.name, "usb")
        os.makedirs(cls.usb)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def laptop(self, name, picks):
        """Start the app as laptop `name`: its own database, key and export folder."""
        base = os.path.join(self.tmp.name, name)
        env = {"WIJKSTEM_EXPORT_DIR": os.path.join(base, "exports"), "WIJKSTEM_KEY_DIR": os.path.join(base, "keys")}
        env.update({f"WIJKSTEM_PICK_{k}": v for k, v in picks.items()})
        td = TauriDriver(env=env)
        d = Driver(td.port)
        d.start(["--db", os.path.join(base, "wijkstem.sqlite")])
        self.addCleanup(td.stop)
        self.addCleanup(d.quit)
        return d, os.path.join(base, "exports")

    def test_two_laptops_and_the_online_vote(self):
        usb_setup = os.path.join(self.usb, "opstart.wsp")
        usb_station = os.path.join(self.usb, "telpost.wsp")
        usb_online = os.path.join(self.usb, "online.csv")

        # The coordinator's laptop: style, ballots, a box and its cover, the set-up package.
        d, exports = self.laptop("coordinator", {"PACKAGE": usb_station, "ONLINE": usb_online})
        d.sign_in("Sam")
        d.click('tr[data-selection-id] button.open-selection')  # Muide is listed first
        d.wait_text("#selection-title", lambda t: "Muide" in t)
        d.click("#tab-setup")
        d.type("#style-a", "1")
        d.type("#style-b", "3")
        d.click("#save-style")
        d.wait_text("#messages", lambda t: "bewaard" in t)
        d.type("#print-count", "4")
        d.click("#print-ballots")
        d.wait_text("#messages", lambda t: "klaar om af te drukken" in t)
        ballots = pdf_qr_codes(glob.glob(os.path.join(exports, "*.pdf"))[0], self.tmp.name, "b")
        self.assertEqual(len(ballots), 4)
        d.type("#box-name", "Bus 1")
        d.type("#box-location", "Wijkcentrum")
        d.type("#box-expected", "4")
        d.click("#add-box")
        d.wait_text("#boxes", lambda t: "Bus 1" in t)
        d.click("#boxes button.print-cover")
        msg = d.wait_text("#messages", lambda t: "Voorblad klaar" in t)
        cover = pdf_qr_codes(re.search(r"(/\S+\.pdf)", msg).group(1), self.tmp.name, "c")
        self.assertEqual(len(cover), 1)
        d.click("#tab-stations")
        d.click("#setup-export")
        msg = d.wait_text("#messages", lambda t: "Opstartpakket geschreven" in t)
        written = glob.glob(os.path.join(exports, "opstart-*.wsp"))
        self.assertEqual(len(written), 1, msg)
        shutil.copy(written[0], usb_setup)
        coordinator_key = d.text("#my-key")
        self.assertRegex(coordinator_key, r"^([0-9A-F]{4} ){3}[0-9A-F]{4}$")
        self.assertIn(coordinator_key, msg)
        d.walk_tabs(self, ("stations",), "40-coordinator")
        d.quit()

        # The second laptop becomes a counting station from the home screen's file picker.
        s, s_exports = self.laptop("station", {"PACKAGE": usb_setup})
        s.sign_in("Sam")
        s.click("#import-setup")
        msg = s.wait_text("#messages", lambda t: "Ingelezen als selectie" in t)
        self.assertIn(coordinator_key, msg, "the station shows the coordinator's key to compare")
        s.wait_text("#selection-title", lambda t: "Muide" in t)
        # The coordinator's printed box cover names the station's copy of the box.
        s.type("#scan", cover[0])
        s.press_enter("#scan")
        s.wait_text("#messages", lambda t: "stembus Bus 1" in t)
        for n, (payload, marks) in enumerate(zip(ballots, ["1", "1 2", "3", "2"]), start=1):
            if s.script("return document.getElementById('scan').readOnly"):
                s.click("#cancel-scan")
            s.type("#scan", payload)
            s.press_enter("#scan")
            s.type("#marks-input", marks)
            s.press_enter("#marks-input")
            s.wait_text("#receipts", lambda t, n=n: t.count("geldig") >= n)
        s.click("#tab-stations")
        station_key = s.text("#my-key")
        self.assertNotEqual(station_key, coordinator_key)
        self.assertIn(coordinator_key, s.text("#station-card"))
        s.script("document.getElementById('station-box').value = 'Bus 1';")
        s.click("#station-hand-in")
        s.script("window.confirm = () => true;")
        s.click("#station-export-run")
        msg = s.wait_text("#messages", lambda t: "Pakket 1 staat in" in t)
        made = glob.glob(os.path.join(s_exports, "telpost-*.wsp"))
        self.assertEqual(len(made), 1, msg)
        shutil.copy(made[0], usb_station)
        s.walk_tabs(self, ("stations",), "41-station")
        # Handed in: the box is closed on the station, nothing more goes into it.
        s.click("#tab-entry")
        self.assertEqual(s.script("return [...document.querySelectorAll('#entry-box option')].filter(o => o.value).length"), 0)
        s.quit()

        # Back on the coordinator's laptop: admit, import, the online vote, close the box.
        with open(usb_online, "w", encoding="utf-8") as f:
            f.write("pseudoniem;stem\nw1;MM01,MM03\nw2;MM03\n")
        usb_desk = os.path.join(self.usb, "balie.csv")
        with open(usb_desk, "w", encoding="utf-8") as f:
            f.write("pseudoniem\nq7\nw2\n")
        d, _ = self.laptop("coordinator", {"PACKAGE": usb_station, "ONLINE": usb_online, "CSV": usb_desk})
        d.sign_in("Sam")
        d.settle()
        # The app may open where it was left (the Laptops tab); else from the list.
        if not d.find_all("#selection-title"):
            d.click('tr[data-selection-id] button.open-selection')
        d.wait_text("#selection-title", lambda t: "Muide" in t)
        d.click("#tab-stations")
        # Not admitted yet: refused whole, naming the key.
        d.click("#import-package")
        msg = d.wait_text("#messages", lambda t: "niet toegelaten" in t)
        self.assertIn(station_key.replace(" ", ""), msg)
        d.type("#admit-key", station_key.lower())
        d.type("#admit-name", "Laptop 2")
        d.click("#admit-run")
        d.wait_text("#stations-table", lambda t: "Laptop 2" in t)
        # The box cannot close before the station's package is in.
        d.click("#tab-setup")
        d.click("#boxes button.close-box")
        d.wait_text("#messages", lambda t: "nog niet ingeleverd door: Laptop 2" in t)
        d.click("#tab-stations")
        d.click("#import-package")
        d.wait_text("#messages", lambda t: "nieuw 4, al bekend 0, conflicten 0" in t)
        d.wait_text('#stations-table [data-box="Bus 1"]', lambda t: "ingeleverd (4)" in t and "niet" not in t)
        d.click("#import-package")
        d.wait_text("#messages", lambda t: "al ingelezen" in t)
        d.click("#import-online")
        d.wait_text("#messages", lambda t: "2 online stemmen ingelezen" in t)
        # The desk's list of paper voters: w2 voted both ways.
        d.click("#check-desk")
        d.wait_text("#messages", lambda t: "pseudoniemen op de lijst: 2; ook online gestemd: 1 (w2)" in t)
        d.walk_tabs(self, ("stations",), "42-coordinator-imported")
        d.click("#tab-setup")
        d.click("#boxes button.close-box")
        d.wait_text("#boxes td.box-status", lambda t: "afgesloten" in t)
        d.click("#tab-tally")
        counts = d.wait_text("#tally-counts", lambda t: "geldig 6" in t)
        self.assertIn("papier 4, online 2", counts)
        # MM03: one paper ballot, both online voters.
        self.assertEqual(d.text('#tally tr[data-plan-code="MM03"] td.votes-paper'), "1")
        self.assertEqual(d.text('#tally tr[data-plan-code="MM03"] td.votes-online'), "2")
        self.assertEqual(d.text('#tally tr[data-plan-code="MM03"] td.votes'), "3")
        d.walk_tabs(self, ("tally",), "43-coordinator-count")


if __name__ == "__main__":
    unittest.main()
