"""The intents a trained model gives some texts, in a process of their own (TensorFlow stays out of the benchmark's).

`python -m tools.bench.predict MODEL TEXTS.json OUT.json`: TEXTS.json is a list of
texts, OUT.json gets the list of their predicted intent names (null for none).
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Optional

from rasa.core.agent import Agent


def predict(model: Path, texts: list[str]) -> list[Optional[str]]:
    """The intent the model's whole NLU pipeline gives each text (after the project's own components), in order."""
    agent = Agent.load(str(model))

    async def parse_all() -> list[Optional[str]]:
        return [((await agent.parse_message(text)).get("intent") or {}).get("name") for text in texts]

    return asyncio.run(parse_all())


def main(argv: list[str]) -> None:
    """Read the texts, predict, write the intents (see the module's docstring)."""
    model, texts, out = (Path(arg) for arg in argv)
    Path(out).write_text(json.dumps(predict(model, json.loads(texts.read_text("utf-8")))), "utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
