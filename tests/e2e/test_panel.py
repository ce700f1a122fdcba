"""End to end, gelote wijkpanels with two windows: the moderator opens a
round and types members' votes in the grid; the projector window shows the
ranking and the budget line, changes when a vote changes the order, holds
still when frozen, and shows no individual vote. A 1920x1080 screenshot of
the projector is kept."""

import os
import re
import time
import subprocess
import tempfile
import unittest

from wd import APP, Driver, TauriDriver, funded_in_report, pdf_qr_codes


class PanelTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(APP):
            raise unittest.SkipTest(f"app not built at {APP}")
        cls.tmp = tempfile.TemporaryDirectory()
        cls.td = TauriDriver(env={"WIJKSTEM_VIEW_SIZE": "1920x1080", "WIJKSTEM_EXPORT_DIR": os.path.join(cls.tmp.name, "exports"), "WIJKSTEM_KEY_DIR": os.path.join(cls.tmp.name, "keys")})
        cls.d = Driver(cls.td.port)
        cls.d.start(["--db", os.path.join(cls.tmp.name, "panel.sqlite")])

    @classmethod
    def tearDownClass(cls):
        cls.d.quit()
        cls.td.stop()
        cls.tmp.cleanup()

    def vote(self, member, cells):
        d = self.d
        for code, v in cells.items():
            d.type(f"#g-{member}-{code}", str(v))
        last = list(cells)[-1]
        d.press_enter(f"#g-{member}-{last}")
        d.wait_text("#messages", lambda t: f"Stem van {member} bewaard" in t)

    def order(self):
        return self.d.script("return [...document.querySelectorAll('#projector .pj-row')].map(r => r.dataset.planCode);")

    def test_moderator_and_projector(self):
        d = self.d
        d.sign_in("Sam")
        d.click('tr[data-selection-id="3"] button.open-selection')
        d.wait_text("#selection-title", lambda t: "Watersportbaan" in t)
        d.click("#tab-psetup")
        # Points, 5 per member; P19 and P20 are absent.
        d.click('#round-form input.present[value="P19"]')
        d.click('#round-form input.present[value="P20"]')
        d.click("#open-round")
        d.wait_text("#messages", lambda t: "Ronde 1 is open" in t)
        d.click("#tab-pentry")
        self.assertEqual(d.find_all('#vote-grid tr[data-member="P19"]'), [], "absent members have no row")
        self.vote("P01", {"WE03": 5})
        self.assertEqual(d.script("return document.activeElement.id"), "g-P02-WE01", "Enter moves on to the next member")
        self.vote("P02", {"WE03": 3, "WE02": 2})
        # A member's printed round card, scanned, jumps to that member's row.
        d.click("#print-cards")
        msg = d.wait_text("#messages", lambda t: "Stemkaarten klaar" in t)
        pdf = re.search(r"(/\S+\.pdf)", msg).group(1)
        cards = pdf_qr_codes(pdf, self.tmp.name, "card")
        self.assertEqual(len(cards), 18, "one card per present member")
        card = next(c for c in cards if ":P03:" in c)
        d.type("#card-scan", card)
        d.press_enter("#card-scan")
        self.assertTrue(d.script("return document.activeElement.id").startswith("g-P03-"))
        self.vote("P03", {"WE01": 5})

        main = d.window()
        known = d.window_handles()
        d.click("#open-projector")
        view = d.wait_new_window(known)
        # Opening it again brings the same window forward, without an error.
        d.click("#open-projector")
        time.sleep(0.5)
        self.assertEqual(len(d.window_handles()), len(known) + 1, "still one projector window")
        self.assertNotIn("webview", d.text("#messages") if d.find_all("#messages") else "")
        d.switch_to(view)
        # A round opens frozen: while votes come in the projector shows the
        # count and the plans without scores, until the moderator reveals.
        d.wait_text("#projector", lambda t: "Even geduld" in t and "3 van 18 stemmen binnen" in t)
        self.assertEqual(self.order(), sorted(self.order()), "plans in code order, not by score")
        d.screenshot("39-projector-entering-1920x1080.png")
        self.assertEqual(d.script("return [...document.querySelectorAll('#projector .pj-score')].map(s => s.textContent).join('')"), "")
        d.switch_to(main)
        d.wait_text("#freeze", lambda t: "Tonen" in t)
        d.click("#freeze")
        d.wait_text("#freeze", lambda t: "Bevriezen" in t)
        d.switch_to(view)
        d.wait_text("#projector", lambda t: "Even geduld" not in t and "3 van 18 stemmen binnen" in t)
        self.assertEqual(self.order()[:3], ["WE03", "WE01", "WE02"])
        text = d.text("#projector")
        # The budget line says what the funded plans cost of the budget.
        self.assertIn("budgetlijn: € 51.300,00 van € 60.000,00", text)
        self.assertIn("Niet gefinancierd", text)
        self.assertNotIn("P01", text, "no member is shown")
        # WE03 26.500 + WE01 21.000 + WE02 3.800 fit; the line comes after them.
        after_line = d.script("const l = document.getElementById('budget-line'); return l.previousElementSibling.dataset.planCode;")
        self.assertEqual(after_line, "WE02")

        # A new vote changes the order: WE01 overtakes WE03.
        d.switch_to(main)
        self.vote("P04", {"WE01": 5})
        d.switch_to(view)
        d.wait_text("#projector", lambda t: "4 van 18" in t)
        self.assertEqual(self.order()[:2], ["WE01", "WE03"])

        # Frozen while entering: the projector holds still until revealed.
        d.switch_to(main)
        d.click("#freeze")
        d.wait_text("#freeze", lambda t: "Tonen" in t)
        self.vote("P05", {"WE02": 5})
        self.vote("P06", {"WE02": 5})
        d.switch_to(view)
        d.wait_text("#projector", lambda t: "Even geduld" in t)
        self.assertEqual(self.order()[:2], ["WE01", "WE03"])
        d.switch_to(main)
        d.click("#freeze")
        d.switch_to(view)
        d.wait_text("#projector", lambda t: "Even geduld" not in t and "6 van 18" in t)
        self.assertEqual(self.order()[0], "WE02")
        d.screenshot("40-projector-1920x1080.png")
        # The whole ranking and the legend fit the screen, nothing scrolls.
        self.assertFalse(d.script("return document.documentElement.scrollHeight > window.innerHeight + 1"), "the projector fits the screen")
        self.assertFalse(d.overflows_sideways())
        size = d.script("return [window.innerWidth, window.innerHeight];")
        print("projector viewport", size)

        d.switch_to(main)
        # The grid filled with the keyboard only: after a saved row the cursor
        # is in the next member's first cell, with a live points counter; a
        # refused row keeps its typing, selected, so the fix is typed over it.
        d.click("#g-P07-WE01")  # back from the reveal button to the grid
        self.assertIn("0 van 5 punten", d.text('#vote-grid tr[data-member="P07"] td.counter'))
        d.keys("9\ue007")
        d.wait_text("#messages", lambda t: "9 punten, maar een lid heeft er hoogstens 5" in t)
        self.assertTrue(d.in_view("#messages"))
        self.assertEqual(d.script("return document.activeElement.id"), "g-P07-WE01")
        self.assertEqual(d.script("return document.activeElement.value"), "9")
        d.keys("4\ue007")
        d.wait_text("#messages", lambda t: "Stem van P07 bewaard" in t)
        self.assertEqual(d.script("return document.activeElement.id"), "g-P08-WE01")
        d.keys("2\ue0043")  # Tab to the next plan
        self.assertIn("5 van 5 punten", d.text('#vote-grid tr[data-member="P08"] td.counter'))
        d.keys("\ue007")
        d.wait_text("#messages", lambda t: "Stem van P08 bewaard" in t)
        self.assertIn("WE01", d.text("#vote-grid thead"))
        d.screenshot("41-vote-grid.png")
        self.assertEqual(d.unlabeled(), [], "every field of the vote grid has a label")
        d.click("#close-round")
        d.wait_text("#messages", lambda t: "Ronde 1 is afgesloten" in t)
        d.click("#tab-presult")
        d.wait_text("#panel-funded", lambda t: "Gefinancierd: WE01, WE02, WE03" in t)

        # A final consent round on that package, one objection written down.
        d.click("#tab-psetup")
        d.wait_text("#round-kind", lambda t: True)  # the tab draws asynchronously
        d.script("const s = document.getElementById('round-kind'); s.value = 'consent';")
        d.click("#open-round")
        d.wait_text("#messages", lambda t: "Ronde 2 is open" in t)
        d.click("#tab-pentry")
        d.type("#obj-P01", "Eerst de buren aan de Blaarmeersen horen")
        d.click('#consent-grid tr[data-member="P01"] button.object')
        d.wait_text("#messages", lambda t: "Stem van P01 bewaard" in t)
        for m in ("P02", "P03"):
            d.click(f'#consent-grid tr[data-member="{m}"] button.agree')
            d.wait_text("#messages", lambda t, m=m: f"Stem van {m} bewaard" in t)
        # The consent round opened frozen too: the count shows, the answers
        # only once revealed.
        d.switch_to(view)
        d.wait_text("#projector", lambda t: "Even geduld" in t and "3 van 20" in t)
        self.assertNotIn("akkoord", d.text("#projector"))
        d.switch_to(main)
        d.click("#freeze")
        d.switch_to(view)
        d.wait_text("#projector", lambda t: "2 akkoord, 1 bezwaar" in t)
        d.switch_to(main)
        d.click("#close-round")
        d.wait_text("#messages", lambda t: "Ronde 2 is afgesloten" in t)
        d.click("#tab-presult")
        d.script("window.confirm = () => true;")
        d.click("#close-panel")
        d.wait_text("#panel-state", lambda t: "fgesloten" in t)
        d.click("#export-bundle")
        msg = d.wait_text("#messages", lambda t: "Klaar." in t, timeout=60)
        report = re.search(r"Proces-verbaal: (/\S+\.pdf)", msg).group(1)
        text = subprocess.run(["pdftotext", report, "-"], capture_output=True, text=True).stdout
        self.assertEqual(funded_in_report(text), ["WE01", "WE02", "WE03"])
        self.assertIn("Eerst de buren aan de Blaarmeersen horen", text)
        d.walk_tabs(self, ("plans", "psetup", "pentry", "presult"), "42")
        # A closed panel offers no new round.
        d.click("#tab-psetup")
        d.wait_text("#panel-closed-note", lambda t: "afgesloten" in t)
        self.assertEqual(d.find_all("#round-form") + d.find_all("#amend-form"), [])


if __name__ == "__main__":
    unittest.main()


class DrawTest(unittest.TestCase):
    """The "Loting" tab of a new panel selection (made on the command line
    beforehand): both files chosen in the laptop's dialog (stubbed), the
    chances computed and shown, the table printed, the number thrown typed
    in, and the panel seated as the selection's members."""

    @classmethod
    def setUpClass(cls):
        if not os.path.exists(APP):
            raise unittest.SkipTest(f"app not built at {APP}")
        cls.tmp = tempfile.TemporaryDirectory()
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        fixtures = os.path.join(root, "tests", "fixtures", "draw")
        cls.db = os.path.join(cls.tmp.name, "draw.sqlite")
        cli = os.path.join(os.path.dirname(APP), "wijkstem")
        env = dict(os.environ, WIJKSTEM_OPERATOR="Sam", WIJKSTEM_PIN="2468", WIJKSTEM_LANG="nl")

        def run(*args):
            out = subprocess.run([cli, "--db", cls.db, *args], env=env, capture_output=True, text=True)
            if out.returncode != 0:
                raise AssertionError(f"{args}: {out.stderr}")
            return out.stdout.strip()

        run("demo")
        cls.sel = run("selection", "create", "--edition", "Wijkbudget 2027", "--wijk", "Dampoort",
                      "--budget", "50.000", "--method", "panel")
        # With a real selection on the laptop, the demo PIN no longer works.
        run("team", "pin", "Sam", "--new-pin", "1470")
        env["WIJKSTEM_PIN"] = "1470"
        run("plans", "add", cls.sel, "DA01", "Bankjes aan het water", "12000")
        exports = os.path.join(cls.tmp.name, "exports")
        cls.exports = exports
        cls.td = TauriDriver(env={
            "WIJKSTEM_EXPORT_DIR": exports,
            "WIJKSTEM_KEY_DIR": os.path.join(cls.tmp.name, "keys"),
            "WIJKSTEM_PICK_QUOTAS": os.path.join(fixtures, "quotas.csv"),
            "WIJKSTEM_PICK_RESPONDENTS": os.path.join(fixtures, "respondents.csv"),
        })
        cls.d = Driver(cls.td.port)
        cls.d.start(["--db", cls.db])

    @classmethod
    def tearDownClass(cls):
        cls.d.quit()
        cls.td.stop()
        cls.tmp.cleanup()

    def test_draw_tab(self):
        d = self.d
        d.set_size(1366, 768)
        d.sign_in("Sam", "1470")
        d.click(f'tr[data-selection-id="{self.sel}"] button.open-selection')
        d.wait_text("#selection-title", lambda t: "Dampoort" in t)
        d.click("#tab-pdraw")
        d.find("#draw-form")
        # Computing before both files are chosen says what is missing.
        d.click("#draw-compute")
        d.wait_text("#messages", lambda t: "Kies eerst het quotabestand" in t)
        d.click("#draw-quotas")
        d.wait_text("#draw-quotas-chosen", lambda t: t.endswith("quotas.csv"))
        d.click("#draw-respondents")
        d.wait_text("#draw-respondents-chosen", lambda t: t.endswith("respondents.csv"))
        d.type("#draw-size", "20")
        d.click("#draw-compute")
        d.wait_text("#draw-min", lambda t: "Kleinste kans" in t, timeout=60)
        self.assertEqual(len(d.find_all("#draw-chart .chance-bar")), 150)
        self.assertGreater(d.script("return document.querySelector('#draw-chart svg').getBoundingClientRect().height"), 100, "the chart is drawn")
        self.assertFalse(d.overflows_sideways(), "no sideways scroll at 1366x768")
        self.assertEqual(d.unlabeled(), [], "every field labelled")
        d.script("window.scrollTo(0, 0)")
        d.screenshot("30-draw-chances.png")
        d.click("#draw-print")
        d.wait_text("#messages", lambda t: "Lotingtabel klaar" in t)
        pdfs = [f for f in os.listdir(self.exports) if f.startswith("lotingtabel")]
        self.assertEqual(len(pdfs), 1)
        # Letters are refused as the number; the dice's digits seat the panel.
        d.type("#draw-number", "vier")
        d.press_enter("#draw-number")
        d.wait_text("#messages", lambda t: "geen nummer" in t)
        self.assertEqual(d.script("return document.getElementById('draw-number').value"), "vier", "the typing is kept")
        d.script("window.confirm = () => true;")
        d.type("#draw-number", "417")
        d.press_enter("#draw-number")
        d.wait_text("#draw-picked", lambda t: "Geloot: panel 417, 20 leden" in t)
        d.screenshot("31-draw-seated.png")
        seated = d.text("#draw-members").split(" · ")
        self.assertEqual(len(seated), 20)
        # One member drops out: the candidates are listed, one is drawn.
        leaving = seated[0]
        d.script("const s = document.getElementById('replace-member'); s.value = arguments[0];"
                 " s.dispatchEvent(new Event('change'));", leaving)
        d.wait_text("#replace-candidates", lambda t: len(t.split()) > 0)
        first = d.text("#replace-candidates li")
        d.type("#replace-reason", "verhuisd")
        d.screenshot("32-draw-replace.png")
        self.assertFalse(d.overflows_sideways(), "no sideways scroll at 1366x768")
        self.assertEqual(d.unlabeled(), [], "every field labelled")
        d.type("#replace-number", "0")
        d.press_enter("#replace-number")
        d.wait_text("#draw-replacements", lambda t: f"{leaving} haakte af (verhuisd)" in t)
        seated = d.text("#draw-members").split(" · ")
        self.assertIn(first.upper(), seated)
        self.assertNotIn(leaving, seated)
        d.click("#tab-psetup")
        d.wait_text("h2", lambda t: "20" in t)
        for code in seated:
            self.assertIn(code, d.text("#round-form"), f"{code} can be marked present")
