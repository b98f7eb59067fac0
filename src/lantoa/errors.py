"""Named exceptions of the library, translated once at each boundary (CLI exit code, HTTP status)."""


class LantoaError(Exception):
    """Base of every error Lantoa raises on purpose; its message is one line for a person."""

    exit_code = 1


class ConfigError(LantoaError):
    """A setting, sources file or rules file is missing or invalid."""

    exit_code = 2


class InputError(LantoaError):
    """An input (file, page, feed, query) cannot be processed; the message says why."""


class FetchError(InputError):
    """A page or feed could not be fetched (network, HTTP status, limits, robots.txt)."""


class ExtractionError(InputError):
    """A page could not be turned into an article (empty, binary, not HTML, no text)."""


class QuerySyntaxError(InputError):
    """A search query is malformed; the message points at the problem."""


class StoreError(LantoaError):
    """The database refused an operation or is unreachable."""


class IndexStateError(StoreError):
    """The search index no longer matches the stored articles (rebuild it)."""


class NotFound(LantoaError):
    """The requested record does not exist."""


class PermissionDenied(LantoaError):
    """The user's role or agency does not allow this action."""
