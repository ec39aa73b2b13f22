"""Peak memory of a running process, from Linux's /proc."""

from __future__ import annotations

from pathlib import Path


def peak_rss_mib(pid: int) -> float:
    """The largest resident set size process `pid` has had since it started (VmHWM), in MiB.

    RuntimeError when the process is gone or /proc does not say.
    """
    try:
        status = Path(f"/proc/{pid}/status").read_text("ascii", "replace")
    except OSError as error:
        raise RuntimeError(f"no /proc status for process {pid}: {error}") from error
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"/proc/{pid}/status has no VmHWM")
