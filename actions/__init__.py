"""Rasa SDK custom actions: thin wrappers that call `bot` and send what it composes."""
