"""Exceptions that carry a one-line, user-facing reason."""


class ZhnewsError(Exception):
    """Base for errors shown to the user as one line (no traceback)."""


class UsageError(ZhnewsError):
    """Bad command-line use; exit code 2."""


class SkipInput(ZhnewsError):
    """An input that is not an article (empty, binary, list page): recorded as skipped."""


class InputError(ZhnewsError):
    """An input that could not be read or parsed: recorded as failed with this reason."""
