"""Starting the real action server and Rasa server for conversation tests, on free loopback ports.

The work is done by `tools.processes`, which the benchmark shares; tests import `Servers` from here.
"""

from __future__ import annotations

from tools.processes import Servers

__all__ = ["Servers"]
