"""bot/rasa_server"""
