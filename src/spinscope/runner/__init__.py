"""Running a pipeline over many inputs: the one run loop (`process`) every caller shares."""

from .loop import RunStats, process, read_inputs

__all__ = ["RunStats", "process", "read_inputs"]
