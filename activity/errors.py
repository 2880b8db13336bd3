class DomainError(Exception):
    """A use case cannot go ahead; the message says why, in words the user understands.
    ``reasons``, when there are several, are shown one by one instead of the message."""

    def __init__(
        self, message: str, *, field: str | None = None, reasons: list[str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.reasons = reasons or []
