"""Replace a file atomically: write a temporary file beside it, then rename it over the target.

The one way this tool writes a file (site pages, manifest, snapshot, HTTP and media caches, build records):
a reader, or a build killed at any moment (SIGKILL included), sees the old bytes or the new ones, never half.
After anything but SIGKILL (an OSError, Ctrl-C, SIGTERM) the temporary file is removed; one left by SIGKILL
carries TEMP_SUFFIX, so the next build can recognise and remove it.
"""

from __future__ import annotations

import os
import threading

TEMP_SUFFIX = ".pretalx-static.tmp"  # `.{name}.{pid}.{thread}{TEMP_SUFFIX}`: only this tool makes such names
WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def temporary_name(name: str) -> str:
    """The temporary file's name for a target called `name`: hidden, unique per process and thread."""
    return f".{name}.{os.getpid()}.{threading.get_ident()}{TEMP_SUFFIX}"


def is_temporary(name: str) -> bool:
    """Whether a file name (no folder) is one of our temporary files."""
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)


def replace_file(target: str | os.PathLike[str], content: bytes) -> None:
    """Make `target` hold `content`, atomically (POSIX rename(2)); the folder must exist.

    Raises OSError as the system reports it (permissions, full disk); the target is then unchanged. The
    temporary file is opened with O_EXCL and O_NOFOLLOW, so it is never written through a symlink someone
    put in its place.
    """
    folder, name = os.path.split(os.fspath(target))
    temporary = os.path.join(folder, temporary_name(name))
    try:
        handle = _create(temporary)
        try:
            view = memoryview(content)
            while view:
                view = view[os.write(handle, view):]
        finally:
            os.close(handle)
        os.replace(temporary, target)
    except BaseException:  # an OSError, or an interrupt between open and rename: leave no temporary file
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def _create(temporary: str) -> int:
    try:
        return os.open(temporary, WRITE_FLAGS, 0o666)
    except FileExistsError:  # left by a SIGKILLed run that had our pid and thread id
        os.unlink(temporary)
        return os.open(temporary, WRITE_FLAGS, 0o666)
