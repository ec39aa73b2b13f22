"""The assistant's own package: service directory, language, settings, command line."""
