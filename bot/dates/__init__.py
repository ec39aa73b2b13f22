"""bot/dates"""
