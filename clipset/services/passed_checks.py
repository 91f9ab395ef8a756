"""Signed media URLs whose checks passed a moment ago (see ``Catalog.media_file``).

A player reads a video as range after range, each re-checked: the token, the user still
active, the video still visible to them. Those checks cost more than sending the range, so
a pass stands for ``STAND_SECONDS``, no longer. Any write request on this instance
forgets every pass at once (``forget``, from the API's teardown), so a video made private
or a user deactivated here stops the next range; a change made elsewhere (another
instance, the command line) holds once the second is up. Only passes are remembered: a
refusal is checked again every time.
"""

from __future__ import annotations

import itertools
import time
from typing import Any, Hashable

STAND_SECONDS = 1.0
# Enough for every player of a household at once; past it, all passes are dropped (each
# is checked again once), which keeps the memory bounded without tracking age.
REMEMBERED = 4096


class PassedChecks:
    def __init__(self, seconds: float = STAND_SECONDS):
        self.seconds = seconds
        self.clock = time.monotonic  # replaceable, for tests
        self._passed: dict[Hashable, tuple[float, Any]] = {}
        # Bumped by ``forget``: a check that began before a write can't store its pass
        # after that write's ``forget`` has run (``next`` on a count is atomic, ``+=``
        # is not).
        self._count = itertools.count(1)
        self._generation = 0

    def get(self, key: Hashable) -> tuple[Any, int]:
        """The remembered answer for ``key`` (None if none stands) and the generation to
        hand to ``put`` once a fresh check has passed."""
        found = self._passed.get(key)
        if found is not None and found[0] > self.clock():
            return found[1], self._generation
        return None, self._generation

    def put(self, key: Hashable, answer: Any, generation: int) -> None:
        if generation != self._generation:  # a write came in while it was checked
            return
        if len(self._passed) >= REMEMBERED:
            self._passed.clear()
        self._passed[key] = (self.clock() + self.seconds, answer)

    def forget(self) -> None:
        self._generation = next(self._count)
        self._passed.clear()
