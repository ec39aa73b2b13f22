"""bot/staff"""
