"""The project's Rasa graph components (listed by module path in config.yml).

Loading them also installs `bot.speedups` in the Rasa server that runs the model.
"""

from bot import speedups

speedups.install()
