class DomainError(Exception):
    """A use case cannot go ahead; the message says why, in words the user understands."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
