"""Running a pipeline over many inputs: the one run loop (`process`) every caller shares."""

from .cancel import Cancellation, Cancelled
from .loop import RunStats, process, read_inputs

__all__ = ["Cancellation", "Cancelled", "RunStats", "process", "read_inputs"]
