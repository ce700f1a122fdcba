"""End to end, gesprekstafels: set up 2 rounds of 3 tables in the real app,
print the table sheets and read their QR codes with zbarimg, enter the
verdicts (one by scanning its sheet), drop low plans between rounds, and
check the combined ranking, the budget line and the funded package."""

import glob
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from wd import APP, Driver, TauriDriver, funded_in_report, pdf_qr_codes

ROUND1 = {"1": ["ST01", "ST02", "ST03"], "2": ["ST03", "ST04", "ST05"], "3": ["ST06", "ST07", "ST08", "ST09", "ST10"]}


class TablesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(APP):
            raise unittest.SkipTest(f"app not built at {APP}")
        for tool in ("pdftoppm", "zbarimg"):
            if not shutil.which(tool):
                raise unittest.SkipTest(f"{tool} missing")
        cls.tmp = tempfile.TemporaryDirectory()
        cls.exports = os.path.join(cls.tmp.name, "exports")
        cls.td = TauriDriver(env={"WIJKSTEM_EXPORT_DIR": cls.exports, "WIJKSTEM_KEY_DIR": os.path.join(cls.tmp.name, "keys")})
        cls.d = Driver(cls.td.port)
        cls.d.start(["--db", os.path.join(cls.tmp.name, "tables.sqlite")])

    @classmethod
    def tearDownClass(cls):
        cls.d.quit()
        cls.td.stop()
        cls.tmp.cleanup()

    def add_table(self, rnd, name, plans):
        d = self.d
        d.type("#table-round", str(rnd))
        d.type("#table-name", name)
        d.type("#table-facilitator", "Fatima")
        for code in plans:
            d.click(f'#table-form input.tplan[value="{code}"]')
        d.click("#add-table")
        d.wait_text("#messages", lambda t: f"Tafel {name} (ronde {rnd}) toegevoegd" in t)

    def enter(self, participants, values, choose=None, scan=None):
        d = self.d
        if scan:
            d.type("#sheet-scan", scan)
            d.press_enter("#sheet-scan")
        else:
            d.find("#table-choose")
            d.script("const s = document.getElementById('table-choose'); s.value = arguments[0]; s.dispatchEvent(new Event('change'));", str(choose))
        d.find("#verdict-form")
        d.type("#v-participants", str(participants))
        for code, v in values.items():
            d.type(f"#v-{code}", str(v))
        d.click("#save-verdict")
        d.wait_text("#messages", lambda t: "bewaard" in t)

    def table_ids(self):
        return {r[0]: r[1] for r in self.d.script(
            "return [...document.querySelectorAll('#tables-list tr')].map(tr => [tr.children[0].textContent + '/' + tr.children[1].textContent, Number(tr.dataset.tableId)]);")}

    def test_two_rounds_of_tables(self):
        d = self.d
        d.sign_in("Sam")
        d.click('tr[data-selection-id="2"] button.open-selection')
        d.wait_text("#selection-title", lambda t: "Sluizeken" in t)
        d.click("#tab-tsetup")
        d.click("#tformat-save")
        d.wait_text("#messages", lambda t: "bewaard" in t)
        for name, plans in ROUND1.items():
            self.add_table(1, name, plans)
        d.click("#print-sheets")
        msg = d.wait_text("#messages", lambda t: "Tafelbladen klaar" in t)
        pdf = re.search(r"(/\S+\.pdf)", msg).group(1)
        sheets = pdf_qr_codes(pdf, self.tmp.name, "s")
        self.assertEqual(len(sheets), 3)
        ids = self.table_ids()
        d.screenshot("30-tables-setup.png")

        d.click("#tab-tentry")
        # Table 1 from its scanned sheet; the others chosen from the list.
        sheet1 = next(s for s in sheets if s.split(":")[2] == str(ids["Ronde 1/1"]))
        d.type("#sheet-scan", sheet1)
        d.press_enter("#sheet-scan")
        d.find("#verdict-form")
        d.type("#v-participants", "4")
        for code, v in {"ST01": 30, "ST02": 10, "ST03": 5}.items():
            d.type(f"#v-{code}", str(v))
        d.click("#save-verdict")
        d.wait_text("#messages", lambda t: "4 deelnemers × 10 punten = 40" in t)
        d.screenshot("31-tables-points-refused.png")
        self.assertEqual(d.unlabeled(), [], "every field of the verdict entry has a label")
        d.type("#v-ST03", "0")
        d.click("#save-verdict")
        d.wait_text("#messages", lambda t: "bewaard" in t)
        self.enter(8, {"ST03": 40, "ST04": 20, "ST05": 20}, choose=ids["Ronde 1/2"])
        # The same sheet scanned again: already entered, saying by whom.
        d.type("#sheet-scan", sheet1)
        d.press_enter("#sheet-scan")
        d.wait_text("#table-done", lambda t: "Sam" in t)

        d.click("#tab-toverview")
        d.wait_text("#rounds", lambda t: "nog niet ingevoerd: 3" in t)
        d.click("#tab-tentry")
        self.enter(6, {"ST06": 30, "ST07": 30, "ST08": 0, "ST09": 0, "ST10": 0}, choose=ids["Ronde 1/3"])

        # Between the rounds: plans under 2 drop out, after confirmation.
        d.click("#tab-toverview")
        d.type("#drop-round", "1")
        d.type("#drop-threshold", "2")
        d.click("#drop-preview")
        d.wait_text("#messages", lambda t: "Zou afvallen: ST02, ST08, ST09, ST10" in t)
        d.script("window.confirm = () => true;")
        d.click("#drop-confirm")
        d.wait_text("#messages", lambda t: "Afgevallen: ST02, ST08, ST09, ST10" in t)

        d.click("#tab-tsetup")
        for name in ("A", "B", "C"):
            self.add_table(2, name, [])
        ids = self.table_ids()
        d.click("#tab-tentry")
        rest = ["ST01", "ST03", "ST04", "ST05", "ST06", "ST07"]
        def zeros(**kw):
            return {c: kw.get(c, 0) for c in rest}
        self.enter(5, zeros(ST04=25, ST05=25), choose=ids["Ronde 2/A"])
        self.enter(4, zeros(ST01=40), choose=ids["Ronde 2/B"])
        self.enter(3, zeros(ST06=30), choose=ids["Ronde 2/C"])

        d.click("#tab-toverview")
        d.wait_text("#rounds", lambda t: "alle tafels ingevoerd" in t)
        scores = {c: d.text(f'#ranking tr[data-plan-code="{c}"] td.score') for c in rest}
        self.assertEqual(scores, {"ST01": "7,00", "ST06": "6,00", "ST04": "4,50", "ST05": "4,50", "ST03": "4,00", "ST07": "3,00"})
        order = d.script("return [...document.querySelectorAll('#ranking tbody tr')].map(tr => tr.dataset.planCode);")
        self.assertEqual(order[:6], ["ST01", "ST06", "ST04", "ST05", "ST03", "ST07"])
        for c in rest:
            self.assertEqual(d.text(f'#ranking tr[data-plan-code="{c}"] td.funded-flag'), "ja")
            self.assertEqual(d.text(f'#ranking tr[data-plan-code="{c}"] td.fits'), "✓")
        self.assertEqual(d.text('#ranking tr[data-plan-code="ST02"] td.fits'), "afgevallen")
        # The budget line stands between the funded plans and the others.
        below = d.script("const l = document.getElementById('tables-budget-line'); return l.previousElementSibling.dataset.planCode;")
        self.assertEqual(below, "ST07")
        self.assertIn("€ 75.450,00 van € 90.000,00", d.text("#tables-budget-line"))
        self.assertIn("Gefinancierd: € 75.450,00 van € 90.000,00", d.text("#tables-funded"))
        d.screenshot("32-tables-overview.png")
        self.assertEqual(d.unlabeled(), [], "every field of the overview has a label")

        # Close the result and sign it: report and bundle, checked by our verifier in the app's core.
        d.script("window.confirm = () => true;")
        d.click("#close-tables")
        d.wait_text("#tables-state", lambda t: "fgesloten" in t)
        d.click("#export-bundle")
        msg = d.wait_text("#messages", lambda t: "Klaar." in t, timeout=60)
        report = glob.glob(os.path.join(self.exports, "proces-verbaal-*.pdf"))[0]
        text = subprocess.run(["pdftotext", report, "-"], capture_output=True, text=True).stdout
        self.assertEqual(funded_in_report(text), ["ST01", "ST03", "ST04", "ST05", "ST06", "ST07"])
        self.assertIn("Na ronde 1 vielen plannen met een score onder 2 af: ST02, ST08, ST09, ST10.", text)
        self.assertIn(re.search(r"Sleutel ([0-9A-F]{16})", msg).group(1), text)
        d.walk_tabs(self, ("plans", "tsetup", "tentry", "toverview"), "33")


if __name__ == "__main__":
    unittest.main()
