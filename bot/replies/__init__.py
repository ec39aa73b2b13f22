"""bot/replies"""
