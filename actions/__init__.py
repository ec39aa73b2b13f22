"""Rasa SDK custom actions: thin wrappers that call `bot` and send what it composes."""

from bot.texts import project_texts

project_texts()  # read domain.yml's texts once, at start-up, not on someone's first (urgent) question
