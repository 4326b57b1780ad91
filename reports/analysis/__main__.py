"""``python -m reports.analysis`` — see :mod:`.cli`."""

from .cli import main

raise SystemExit(main())
