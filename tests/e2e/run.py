"""Runs the end-to-end tests and prints a closing 'N passed, N failed' line."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
suite = unittest.defaultTestLoader.discover(os.path.dirname(__file__), pattern="test_*.py")
result = unittest.TextTestRunner(verbosity=2).run(suite)
failed = len(result.failures) + len(result.errors)
skipped = len(result.skipped)
passed = result.testsRun - failed - skipped
print(f"e2e: {passed} passed, {failed} failed, {skipped} skipped")
# A skipped e2e test means the app was not built: in CI that is a failure.
sys.exit(1 if failed or (skipped and os.environ.get("CI")) or result.testsRun == 0 else 0)
