"""One build at a time per output folder.

The lock is a file beside the output folder (`.dist.lock` for `dist/`) holding the owner's
pid and host, locked with flock(2). The kernel drops a flock when its process dies, so a lock
file left by a crashed or killed build is noticed (the file is there, nobody holds it) and
taken over; a live build's lock is refused with its pid and host.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from pathlib import Path

from pipeline.errors import BuildLocked


def lock_path(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}.lock"


class BuildLock:
    """Context manager; `stale` tells whether a dead build's lock was found and cleared."""

    def __init__(self, out_dir: Path) -> None:
        self.path = lock_path(out_dir)
        self.out_dir = out_dir
        self._fd: int | None = None
        self.stale: dict | None = None

    def acquire(self) -> BuildLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd: int | None = None
        try:
            for _ in range(20):
                fd = self._try_lock()
                # The file may have been unlinked by its releasing owner between our open and
                # our flock; a lock on an unlinked file protects nothing, so open the path again.
                try:
                    if os.stat(self.path).st_ino == os.fstat(fd).st_ino:
                        break
                except FileNotFoundError:
                    pass
                os.close(fd)
                fd = None
            else:
                raise BuildLocked(f"could not take the lock {self.path}", "try again")
            previous = _read(fd)
            if previous:  # a lock file nobody holds: its build died without cleaning up
                self.stale = previous
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(
                fd,
                json.dumps(
                    {
                        "pid": os.getpid(),
                        "host": socket.gethostname(),
                        "since": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    }
                ).encode(),
            )
            self._fd = fd
        except BaseException:  # e.g. Ctrl-C half-way: leave no lock file behind
            if fd is not None and self._fd is None:
                self._fd = fd
                self.release()
            raise
        return self

    def _try_lock(self) -> int:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read(fd)
            os.close(fd)
            who = f"process {holder.get('pid', '?')} on {holder.get('host', '?')}" if holder else "another process"
            raise BuildLocked(
                f"another build is writing {self.out_dir} ({who}, lock {self.path.name})",
                "wait for it to finish, or stop it first; only one build per output folder runs at a time",
            ) from None
        return fd

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.unlink(self.path)  # unlink while still holding it: no one can see a half-released lock
        except FileNotFoundError:
            pass
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> BuildLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def _read(fd: int) -> dict:
    """The lock file's owner record; anything else in it (damaged, foreign) reads as an unknown owner."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        data = os.read(fd, 4096)
        if not data.strip():
            return {}
        owner = json.loads(data.decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return {"pid": "?", "host": "?"}
    if not isinstance(owner, dict):
        return {"pid": "?", "host": "?"}
    known = {
        k: v if isinstance(v, int) and not isinstance(v, bool) else str(v)[:100]
        for k, v in owner.items()
        if k in ("pid", "host", "since")
    }
    return known or {"pid": "?", "host": "?"}
