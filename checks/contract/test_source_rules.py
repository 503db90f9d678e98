"""Rules the compiler cannot check in Sources/. Run: python3 -m unittest discover -s checks/contract -v"""
import re
import unittest
from pathlib import Path

SOURCES = Path(__file__).resolve().parents[2] / "Sources"


class SourceRuleTests(unittest.TestCase):
    def test_no_synchronization_mutex(self):
        # ThreadSanitizer cannot see Synchronization's Mutex (it waits on raw futexes), so every access it guards is
        # reported as a race and scripts/tsan.sh fails at random; Locking's `Locked` is the lock to use.
        uses = [
            f"{path.relative_to(SOURCES)}:{number}"
            for path in sorted(SOURCES.rglob("*.swift"))
            for number, line in enumerate(path.read_text().splitlines(), 1)
            if re.search(r"\bMutex<", line) and not line.lstrip().startswith("//")
        ]
        self.assertEqual(uses, [], "use Locking's Locked instead of Synchronization's Mutex")


if __name__ == "__main__":
    unittest.main()
