"""bot/directory"""
