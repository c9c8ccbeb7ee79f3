"""What kind of thing a path names, for inputs that must be regular files.

A named pipe (FIFO) or a device given as a subtitle file, a dub or the master would make a
reader wait forever (a FIFO with no writer) or read without end (/dev/zero, /dev/urandom).
Everything here uses stat() only, which never opens the file and so never blocks.
"""

from __future__ import annotations

import stat
from pathlib import Path

# (stat test, what the path is) in the words a user reads.
_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


def not_regular(path: Path) -> str | None:
    """None for a regular file (a symlink to one included) or a path that is not there;
    otherwise what it is, e.g. "a named pipe (FIFO)" or "a link to a character device"."""
    try:
        mode = path.stat().st_mode
    except (OSError, RuntimeError, ValueError):  # missing, a dangling link, a loop
        return None
    if stat.S_ISREG(mode):
        return None
    what = next((name for test, name in _KINDS if test(mode)), "a special file")
    return f"a link to {what}" if path.is_symlink() else what
