"""Rasa input channels for Telegram and WhatsApp (Twilio), registered by module path.

Use `channels.telegram.TelegramInput` and `channels.whatsapp.WhatsAppInput` as keys
in a Rasa credentials file. The other modules are the concerns both share:
`inbound` (what is sent to Rasa), `splitting` (long replies), `markup` (emphasis,
shown each channel's way), `buttons` (numbered choices), `dedup` (redelivered messages)
and `store` (their memory).
"""
