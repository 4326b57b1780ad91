"""axe-core (bundled by axe-playwright-python) run on a page: the serious and critical
violations, described well enough to fix. Used by every role's accessibility test."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe

BLOCKING = {"serious", "critical"}
_axe = Axe()


def blocking_violations(page: Any) -> list[str]:
    """One line per serious or critical axe violation: rule, impact, and the first nodes."""
    results = _axe.run(page)
    lines = []
    for violation in results.response["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        targets = ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        lines.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return lines


def assert_accessible(page: Any) -> None:
    problems = blocking_violations(page)
    assert not problems, f"{page.url}: " + "; ".join(problems)
