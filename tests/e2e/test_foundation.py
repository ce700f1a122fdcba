"""End to end: the real desktop app, driven through WebDriver under Xvfb."""

import os
import time
import sqlite3
import subprocess
import tempfile
import unittest

from wd import APP, ROOT, Driver, TauriDriver

CSV = (
    "code;titel;beschrijving;kosten;indiener\n"
    "E1;Bloembakken aan de school;Twintig bakken;2.500;Ouderraad\n"
    "E2;Petanquebaan;Achter het buurthuis;7.450,50;Petanqueclub\n"
    "E3;Fietsherstelpunt;Pomp en gereedschap;1.200;Fietsgroep\n"
)


class FoundationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(APP):
            raise unittest.SkipTest(f"app not built at {APP}")
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "e2e.sqlite")
        # The laptop's file dialog answers with this file (the platform seam
        # the tests stub); each step writes what the user would pick into it.
        cls.picked = os.path.join(cls.tmp.name, "gekozen.csv")
        cls.td = TauriDriver(env={"WIJKSTEM_PICK_CSV": cls.picked})
        cls.d = Driver(cls.td.port)
        cls.d.start(["--db", cls.db])

    @classmethod
    def tearDownClass(cls):
        cls.d.quit()
        cls.td.stop()
        cls.tmp.cleanup()

    def test_create_selection_import_csv_and_see_total(self):
        d = self.d
        # A new database opens on the demo edition; first the operator signs in.
        # The window's own storage outlives a run: start from a new laptop's.
        d.script("localStorage.removeItem('wijkstem.tools');")
        # The demo's roster and PINs are on the sign-in screen.
        pins = d.wait_text("#demo-pins", lambda t: "Sam" in t)
        for name, pin in d.DEMO_PINS.items():
            self.assertIn(name, pins)
            self.assertIn(pin, pins)
        d.screenshot("01-signin.png")
        for width, height in ((1366, 768), (1920, 1080)):
            d.set_size(width, height)
            d.find("#signin-form")
            self.assertFalse(d.overflows_sideways())
            self.assertEqual(d.unlabeled(), [], "the sign-in fields are labelled")
            d.screenshot(f"01-signin-{width}x{height}.png")
        d.set_size(1200, 800)
        # A wrong PIN is refused in words.
        d.type("#operator-pin", "0000")
        d.click("#sign-in")
        d.wait_text("#messages", lambda t: "pincode klopt niet" in t)
        d.sign_in("Sam")
        # Only the demo on this laptop: the first-run card says how to begin.
        self.assertIn("Welkom", d.text("#first-run"))
        # The coordinator puts Fatima on the team, as coordinator, with her own PIN.
        d.type("#team-name", "Fatima")
        d.script("document.getElementById('team-role').value = 'coordinator'")
        d.type("#team-pin", "4711")
        d.click("#team-add")
        d.wait_text("#team", lambda t: "Fatima" in t)
        # Youssef gets a PIN of his own: the sign-in screen stops offering the demo one.
        d.type('tr[data-name="Youssef"] input.team-new-pin', "5555")
        d.click('tr[data-name="Youssef"] button.team-pin')
        d.wait_text("#messages", lambda t: "Youssef" in t and "bewaard" in t)
        d.click("#sign-out")
        pins = d.wait_text("#demo-pins", lambda t: "Sam" in t)
        self.assertNotIn("Youssef", pins)
        d.sign_in("Youssef", "5555")
        self.assertIn("vrijwilliger", d.text("#signed-in-as"))
        self.assertIn("vrijwilliger", d.text("#volunteer-note"))
        self.assertEqual(d.find_all("#new-form") + d.find_all("#team-card") + d.find_all("#backups"), [])
        d.screenshot("02a-volunteer-home.png")
        d.sign_in("Fatima", "4711")
        self.assertIn("coördinator", d.text("#signed-in-as"))
        home = d.text("#selections")
        self.assertIn("Muide-Meulestede-Afrikalaan", home)
        self.assertIn("Sluizeken-Tolhuis-Ham", home)
        d.screenshot("02-home.png")

        # Create a selection.
        d.type("#new-wijk", "Brugse Poort-Rooigem")
        d.type("#new-budget", "85.000")
        d.click("#new-submit")
        d.wait_text("#selection-title", lambda t: "Brugse Poort-Rooigem" in t)
        self.assertIn("€ 85.000,00", d.text("#budget-line"))

        # A Latin-1 export is refused by the core's encoding check (the app
        # sends the file's bytes), not imported as "Caf\ufffd".
        with open(self.picked, "wb") as f:
            f.write("code;titel;kosten\nK1;Café;100\n".encode("latin-1"))
        self.assertIn("nog niets gekozen", d.text("#csv-file-chosen"))
        d.click("#csv-file")
        d.wait_text("#messages", lambda t: "CSV UTF-8" in t)
        self.assertTrue(d.find_all("#no-plans"), "nothing imported")

        # A bad CSV is refused with the row and column named, nothing imported.
        with open(self.picked, "w", encoding="utf-8") as f:
            f.write("code;titel;kosten\nK1;Goed;100\nK2;Fout;veel geld\n")
        d.click("#csv-file")
        msg = d.wait_text("#messages", lambda t: "Rij 3" in t)
        self.assertIn("veel geld", msg)
        self.assertTrue(d.find_all("#no-plans"), "nothing half-imported")

        # The good CSV is imported and listed with the right total.
        with open(self.picked, "w", encoding="utf-8") as f:
            f.write(CSV)
        d.click("#csv-file")
        d.wait_text("#messages", lambda t: "3 plannen geïmporteerd" in t)
        table = d.text("#plans")
        for code in ("E1", "E2", "E3"):
            self.assertIn(code, table)
        self.assertEqual(d.text("#total-cost"), "€ 11.150,50")
        self.assertIn("3 plannen", d.text("#budget-line"))
        d.screenshot("03-selection.png")

        # A refused plan keeps what was typed: only the cost needs fixing.
        d.type("#plan-code", "E4")
        d.type("#plan-title", "Speeltuin aan de Dampoort")
        d.type("#plan-cost", "veel")
        d.click("#plan-submit")
        d.wait_text("#messages", lambda t: "bedrag" in t.lower() or "geldig" in t.lower())
        self.assertEqual(d.script("return document.getElementById('plan-title').value"), "Speeltuin aan de Dampoort")
        self.assertEqual(d.script("return document.getElementById('plan-code').value"), "E4")
        self.assertIn("3 plannen", d.text("#budget-line"), "nothing was added")
        for f in ("#plan-code", "#plan-title", "#plan-cost"):
            d.type(f, "")

        # English is one click away.
        d.click("#lang-switch")
        d.wait_text("#budget-line", lambda t: "3 plans" in t)
        self.assertEqual(d.text("#total-cost"), "€11,150.50")
        d.click("#lang-switch")

        # "Over Wijkstem" says where the data lives: this test's database.
        d.click("#about-open")
        path = d.wait_text("#about-database", lambda t: t.endswith("e2e.sqlite"))
        self.assertEqual(path, self.db)
        self.assertIn("Versie", d.text("#about-card"))
        self.assertRegex(d.text("#about-version"), r"^\d+\.\d+\.\d+$")
        d.screenshot("04-about.png")
        # With a real selection on the laptop the home page leads with the
        # selections; setting up and the tools are one click further.
        self.assertFalse(d.script("return document.getElementById('tools').open"))
        self.assertEqual(d.find_all("#first-run"), [])
        for width, height in ((1366, 768), (1920, 1080)):
            d.set_size(width, height)
            d.find("#selections")
            self.assertFalse(d.overflows_sideways(), f"home at {width}x{height}")
            d.screenshot(f"05-home-{width}x{height}.png")
        d.click("#tools-toggle")
        self.assertTrue(d.script("return document.getElementById('tools').open"))
        d.find("#team-card")
        self.assertEqual(d.unlabeled(), [], "every field on the home screen has a label")
        d.screenshot("05-home-tools-1920x1080.png")
        d.set_size(1200, 800)

        # What the UI showed is what the database holds, with who did it.
        con = sqlite3.connect(self.db)
        try:
            rows = con.execute(
                "SELECT p.code, p.cost_cents FROM plan p JOIN selection s ON s.id = p.selection_id "
                "WHERE s.wijk = 'Brugse Poort-Rooigem' ORDER BY p.code"
            ).fetchall()
            self.assertEqual(rows, [("E1", 250000), ("E2", 745050), ("E3", 120000)])
            who = con.execute("SELECT DISTINCT operator FROM audit_log WHERE action = 'plan.add' AND entity IN "
                              "(SELECT 'plan/' || id FROM plan WHERE code LIKE 'E%')").fetchall()
            self.assertEqual(who, [("Fatima",)])
        finally:
            con.close()
        cli = os.path.join(ROOT, "target", "debug", "wijkstem")
        if os.path.exists(cli):
            out = subprocess.run([cli, "--db", self.db, "audit", "verify"], capture_output=True, text=True,
                                 env={**os.environ, "WIJKSTEM_LANG": "nl"})
            self.assertEqual(out.returncode, 0, out.stderr)


if __name__ == "__main__":
    unittest.main()
