"""Waiting for a local server to answer (the action server before `rasa shell`, the servers `bot run` starts)."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from typing import Callable, Sequence

# Loopback servers are asked directly, whatever proxy the environment names.
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def wait_until_ready(url: str, processes: Sequence[subprocess.Popen] = (), logs: Callable[[], str] = lambda: "",
                     timeout: float = 180) -> None:
    """Return once `url` answers 200; RuntimeError (with `logs()`) if one of `processes` exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            raise RuntimeError(f"a server exited:\n{logs()}")
        try:
            with DIRECT.open(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer in {timeout:.0f} s\n{logs()}".rstrip())
