"""Talking to a person: a request for the staff of a city, relayed both ways (README, "Talk to a person")."""
