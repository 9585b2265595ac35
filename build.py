#!/usr/bin/env python3
"""Build the schedule site: `python build.py [SOURCE] [--out DIR] …` (see --help)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generator.cli import console  # noqa: E402

if __name__ == "__main__":
    console()
