"""The dashboard is assembled from panels that each app offers in its
``selectors.dashboard_panels(user)``; the dashboard view only collects and orders them."""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Panel:
    """One box on a user's dashboard: an app's template and what it needs to render."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    # Lower comes first: notifications, then what waits on the user, then reference panels.
    order: int = 50
