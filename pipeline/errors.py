class KennisbankError(Exception):
    """A failure with a Dutch message for the user."""


class SourceError(KennisbankError):
    """The source cannot be read."""
