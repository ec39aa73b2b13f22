"""Reading messages: the project's Rasa graph components (listed by module path in config.yml) and what they use."""
