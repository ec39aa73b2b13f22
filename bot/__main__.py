"""`python -m bot ...`: the project's command line (see bot/cli/main.py)."""

from bot.cli.main import main

raise SystemExit(main())
