"""End to end, nothing lost: backups to a 'USB stick' folder, a pulled stick
warns while work goes on, the app killed mid-work reopens where the operator
was and says so, and a damaged database is rescued from a backup in the app."""

import os
import shutil
import subprocess
import tempfile
import time
import unittest

from wd import APP, Driver, TauriDriver


class ResilienceTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(APP):
            raise unittest.SkipTest(f"app not built at {APP}")
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "data", "wijkstem.sqlite")
        cls.usb = os.path.join(cls.tmp.name, "usb")
        os.makedirs(cls.usb)
        cls.td = TauriDriver(env={"WIJKSTEM_EXPORT_DIR": os.path.join(cls.tmp.name, "exports"), "WIJKSTEM_PICK_FOLDER": cls.usb})

    @classmethod
    def tearDownClass(cls):
        cls.td.stop()
        cls.tmp.cleanup()

    def start(self):
        d = Driver(self.td.port)
        d.start(["--db", self.db])
        return d

    def crash(self, d):
        # The lid closes, the battery dies: no goodbye.
        subprocess.run(["pkill", "-9", "-f", self.db])
        time.sleep(0.5)
        try:
            d.quit()
        except Exception:
            pass

    def test_backups_crash_recovery_and_rescue(self):
        d = self.start()
        d.sign_in("Sam")
        # The folder comes from the laptop's own dialog (stubbed: WIJKSTEM_PICK_FOLDER).
        d.click("#backup-pick")
        deadline = time.time() + 10
        while time.time() < deadline and d.script("return document.getElementById('backup-dir').value") != self.usb:
            time.sleep(0.1)
        self.assertEqual(d.script("return document.getElementById('backup-dir').value"), self.usb)
        d.type("#backup-keep", "5")
        d.type("#backup-every", "5")
        d.click("#backup-save")
        d.wait_text("#messages", lambda t: "bewaard" in t)
        d.click("#backup-now")
        d.wait_text("#messages", lambda t: "Reservekopie gemaakt" in t)
        # The automatic backup may already have run (one is due as soon as a folder is set).
        self.assertGreaterEqual(len([f for f in os.listdir(self.usb) if f.endswith(".sqlite")]), 1)
        d.wait_text("#backups", lambda t: "Muide-Meulestede-Afrikalaan" in t)

        # The stick is pulled: a plain warning, and work goes on.
        os.rename(self.usb, self.usb + "-weg")
        d.click("#backup-now")
        d.wait_text("#messages", lambda t: "USB-stick" in t)
        d.wait_text("#backup-warning", lambda t: "USB-stick" in t)
        d.screenshot("20-backup-warning.png")
        d.click('tr[data-selection-id] button.open-selection')
        d.wait_text("#selection-title", lambda t: "Muide" in t)
        d.click("#tab-setup")
        d.find("#style-form")
        os.rename(self.usb + "-weg", self.usb)

        # The app dies in the middle of the work.
        self.crash(d)
        d = self.start()
        msg = d.wait_text("#messages", lambda t: "onverwacht afgesloten" in t)
        self.assertEqual(d.script("return document.getElementById('operator-name').value"), "Sam")
        d.screenshot("21-recovered.png")
        d.type("#operator-pin", "2468")
        d.click("#sign-in")
        d.wait_text("#selection-title", lambda t: "Muide" in t)
        self.assertTrue(d.find_all("#style-form"), "back on the screen the operator was on")
        self.crash(d)

        # The database file is damaged: the app explains and offers the backup.
        with open(self.db, "r+b") as f:
            f.write(b"\0" * 4096)
        for side in ("-wal", "-shm"):
            if os.path.exists(self.db + side):
                os.remove(self.db + side)
        d = self.start()
        d.wait_text("#startup-failure", lambda t: "Wijkstem" in t or "databank" in t)
        d.wait_text("#backups", lambda t: "Muide-Meulestede-Afrikalaan" in t)
        d.screenshot("22-rescue.png")
        d.script("window.confirm = () => true;")
        d.click("#backups button.restore")
        d.wait_text("#messages", lambda t: "teruggezet" in t)
        d.sign_in("Sam")
        d.wait_text("#selections", lambda t: "Muide-Meulestede-Afrikalaan" in t)
        kept = [f for f in os.listdir(os.path.dirname(self.db)) if "voor-herstel" in f]
        self.assertTrue(kept, "the damaged file is kept beside the restored one")
        d.quit()


if __name__ == "__main__":
    unittest.main()
