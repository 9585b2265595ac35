"""The pretalx lab, for tests that change its data: events of their own, changed through pretalx's own code.

`LabDriver` runs `lab_driver.py` with the lab's Python and Django settings (as run-pretalx.sh runs its import:
PRETALX_CONFIG_FILE, the lab's settings module on PYTHONPATH) and sends it commands. The shared events
(democon, bigcon) are never touched: the driver refuses any slug without this run's prefix.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("lab_driver.py")


def lab_dir() -> Path:
    """The lab folder of run-pretalx.sh (PRETALX_LAB_DIR, default ../lab next to the checkout)."""
    return Path(os.environ.get("PRETALX_LAB_DIR") or REPO.parent / "lab")


def missing(lab: Path) -> str | None:
    """Why the driver cannot run against `lab`, or None."""
    for needed in ("venv/bin/python", "pretalx.cfg", "settings/pretalx_lab_settings.py", "import_frab.py"):
        if not (lab / needed).exists():
            return (f"no {lab / needed}: start the lab with run-pretalx.sh (with PRETALX_LAB_IMPORT, so that it "
                    "writes import_frab.py) or set PRETALX_LAB_DIR")
    return None


class LabDriver:
    """One long-running driver process; `send` one command, get its answer (raises on failure)."""

    def __init__(self, lab: Path, prefix: str) -> None:
        env = {**os.environ, "PRETALX_CONFIG_FILE": str(lab / "pretalx.cfg"), "PRETALX_LAB_DIR": str(lab),
               "PYTHONPATH": str(lab / "settings"), "DJANGO_SETTINGS_MODULE": "pretalx_lab_settings",
               "PRETALX_NO_INITIAL_LOG": "1", "PYTHONHASHSEED": "0"}
        self.process = subprocess.Popen([str(lab / "venv/bin/python"), str(DRIVER), prefix], env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=sys.stderr,
                                        text=True, cwd=str(lab))
        self._answer()  # ready

    def send(self, do: str, **arguments: Any) -> dict[str, Any]:
        """Run one command in the lab; its answer, or AssertionError with pretalx's traceback."""
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"do": do, **arguments}) + "\n")
        self.process.stdin.flush()
        return self._answer()

    def _answer(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise AssertionError(f"the lab driver exited ({self.process.wait()})")
        answer = json.loads(line)
        if not answer.get("ok"):
            raise AssertionError(f"lab driver: {answer.get('error')}\n{answer.get('trace', '')}")
        return answer

    def close(self) -> None:
        """End the driver process (it ends when its stdin closes)."""
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=60)
