"""Portfolios: what a unit can see when it checks for duplicates."""

from __future__ import annotations


class Portfolio:
    """Capabilities registered by initiatives passing through, in progress or live."""

    __slots__ = ("_active", "_live", "name", "p_detect")

    def __init__(self, name: str, p_detect: float) -> None:
        self.name, self.p_detect = name, p_detect
        self._active: dict[str, list[int]] = {}
        self._live: dict[str, int] = {}

    def find(self, key: str, asker: int) -> int | None:
        """Another initiative that builds `key`: the live one, else the earliest in progress."""
        if key in self._live:
            return self._live[key]
        return next((i for i in self._active.get(key, ()) if i != asker), None)

    def absorb(self, other: Portfolio) -> None:
        """Hold what `other` holds too (a reorganisation merging portfolios); earliest items first."""
        for key, items in other._active.items():
            mine = self._active.setdefault(key, [])
            mine[:] = sorted(set(mine) | set(items))
        for key, item in other._live.items():
            self._live[key] = min(item, self._live.get(key, item))

    def add(self, key: str, item: int) -> None:
        self._active.setdefault(key, []).append(item)

    def finish(self, key: str, item: int, delivered: bool) -> None:
        """`item` left: live if delivered, forgotten if rejected."""
        active = self._active.get(key)
        if active and item in active:
            active.remove(item)
        if delivered:
            self._live.setdefault(key, item)
