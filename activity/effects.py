"""The one shape of the registries through which an earlier module's change causes effects in
later ones (``accreditation.effects``, ``agreements.effects``, ``visits.effects``): a typed list
of handlers that the later apps fill in their ``AppConfig.ready()``, called in the order they
subscribed, inside the transaction of the change."""

from collections.abc import Callable
from typing import Generic, TypeVar

Event = TypeVar("Event")


class Registry(Generic[Event]):
    def __init__(self) -> None:
        self._handlers: list[Callable[[Event], None]] = []

    def subscribe(self, handler: Callable[[Event], None]) -> None:
        if handler not in self._handlers:
            self._handlers.append(handler)

    def unsubscribe(self, handler: Callable[[Event], None]) -> None:
        if handler in self._handlers:
            self._handlers.remove(handler)

    def publish(self, event: Event) -> None:
        for handler in list(self._handlers):
            handler(event)
