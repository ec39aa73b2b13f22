"""The floor: the most trivial Rasa bot, to tell what Rasa itself costs on this machine.

Two intents (DIETClassifier needs two to train at all), one response each, a
rule each; no custom action, no custom component, no action server.
"""

from __future__ import annotations

from pathlib import Path

CONFIG = """\
recipe: default.v1
assistant_id: bench-floor
language: es
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: DIETClassifier
    epochs: 20
    random_seed: 42
policies:
  - name: RulePolicy
"""

DOMAIN = """\
version: "3.1"
intents: [greet, goodbye]
responses:
  utter_greet:
    - text: "¡Hola! ¿En qué te ayudo?"
  utter_goodbye:
    - text: "¡Hasta luego!"
"""

NLU = """\
version: "3.1"
nlu:
- intent: greet
  examples: |
    - hola
    - buenas
    - buenos dias
    - hello
    - hi
    - hey there
    - good morning
- intent: goodbye
  examples: |
    - chao
    - adios
    - hasta luego
    - bye
    - goodbye
    - see you later
    - nos vemos
"""

RULES = """\
version: "3.1"
rules:
- rule: greet
  steps:
  - intent: greet
  - action: utter_greet
- rule: goodbye
  steps:
  - intent: goodbye
  - action: utter_goodbye
"""


def write_project(directory: Path) -> Path:
    """Write the floor bot's project (config.yml, domain.yml, data/) into `directory`; `directory`."""
    (directory / "data").mkdir(parents=True, exist_ok=True)
    (directory / "config.yml").write_text(CONFIG, "utf-8")
    (directory / "domain.yml").write_text(DOMAIN, "utf-8")
    (directory / "data" / "nlu.yml").write_text(NLU, "utf-8")
    (directory / "data" / "rules.yml").write_text(RULES, "utf-8")
    return directory
