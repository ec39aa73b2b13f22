"""`make shell` opens on the prompt: no library deprecation warnings before it (bot/cli/quiet_rasa.py)."""

from __future__ import annotations

import os
import subprocess
import sys

from bot.settings import PROJECT_ROOT
from tools.processes import free_port, newest_model


def test_the_shell_opens_on_its_prompt_without_warnings(tmp_path):
    endpoints = tmp_path / "endpoints.yml"  # an action server nobody answers on: the greeting needs none
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{free_port()}/webhook"\n')
    env = {**os.environ, "BOT_DATABASE_URL": f"sqlite:///{tmp_path / 'directory.db'}"}
    done = subprocess.run([sys.executable, "-m", "bot.cli.quiet_rasa", "shell", "--quiet", "--model",
                           str(newest_model()), "--endpoints", str(endpoints), "--port", str(free_port())],
                          input="hola\n/stop\n", text=True, capture_output=True, cwd=PROJECT_ROOT, env=env,
                          timeout=300)
    said = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert "Bot loaded" in said[0], said[:5]
    assert not [line for line in said if "Warning" in line and "not a terminal" not in line], said
    assert any("Hola" in line for line in said), said  # and it answers
