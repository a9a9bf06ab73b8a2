"""The one exception a scenario's bad input raises, carrying every problem found (not only the first).

The scenario page shows each :class:`~models.money.Problem` inline next to its ``field``; the refresh records them
with the saved scenario. Nothing in ``models/`` lets a bare stack trace reach the planner for bad input.
"""

from __future__ import annotations

from collections.abc import Iterable

from models.money import Problem


class ScenarioInputError(ValueError):
    """Bad scenario input. ``problems`` lists every problem, each naming its field (and PPA / key when relevant)."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        lines = [
            f"{p.field}{f' [{p.ppa_id or p.key}]' if (p.ppa_id or p.key) else ''}: {p.message}" for p in self.problems
        ]
        super().__init__("; ".join(lines) or "invalid scenario input")

    def by_field(self) -> dict[str, list[Problem]]:
        """Problems grouped by field, in the order found (what the page needs to place them)."""
        grouped: dict[str, list[Problem]] = {}
        for problem in self.problems:
            grouped.setdefault(problem.field, []).append(problem)
        return grouped
