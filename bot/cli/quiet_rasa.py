"""`rasa ...` without the libraries' deprecation warnings, so that `make shell` opens on the prompt.

Rasa 3.6's dependencies warn of their own deprecations when imported (pkg_resources, pyparsing, distutils,
SQLAlchemy 2.0), about 25 lines before the shell's prompt that nobody using the assistant can act on.
`PYTHONWARNINGS=ignore` cannot hide them: importing Sanic asks for every DeprecationWarning "once", ahead of
the command line's filters. So Sanic is imported first and the deprecations are ignored after it; every
other warning, and every log line at the level asked for, still shows.
Run as `python -m bot.cli.quiet_rasa shell ...`, with `rasa`'s own arguments.
"""

from __future__ import annotations

import os
import sys
import warnings


def main() -> int:
    """Run Rasa's command line with `sys.argv`, deprecation warnings ignored; Rasa's exit status."""
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    import sanic.app  # noqa: F401  (its import asks for DeprecationWarnings "once": ours must come after)

    for category in (DeprecationWarning, PendingDeprecationWarning):
        warnings.filterwarnings("ignore", category=category)
    # pyparsing's deprecations are UserWarnings too, which Rasa shows "once" once it starts: matplotlib, which
    # Rasa imports, reads its settings with them, so it is imported here, while they are ignored.
    import matplotlib.pyplot  # noqa: F401
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
