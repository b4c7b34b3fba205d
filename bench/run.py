"""``make bench``: every benchmark in turn, then bench/README.md rewritten from the results.

    .venv/bin/python bench/run.py [--quick]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import e2e  # noqa: E402
import pages  # noqa: E402
import referrals  # noqa: E402
import relay  # noqa: E402
import shortlist  # noqa: E402
import summarise  # noqa: E402
from common import settle  # noqa: E402


def main() -> None:
    quick = "--quick" in sys.argv
    started = time.monotonic()
    relay.main(2000 if quick else 5000)
    settle()
    referrals.main(5.0 if quick else 12.0, 16)
    settle()
    shortlist.main(20 if quick else 60)
    settle()
    e2e.main(6.0 if quick else 12.0)
    settle()
    pages.main(2.0 if quick else 4.0)
    summarise.main()
    print(f"benchmarks took {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
