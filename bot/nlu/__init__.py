"""The project's Rasa graph components (listed by module path in config.yml).

Loading them also installs `bot.rasa_server.speedups` in the Rasa server that runs the model.
"""

from bot.rasa_server import speedups

speedups.install()
