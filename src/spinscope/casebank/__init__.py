"""The local bank of debunked claims that the matching component compares sentences with."""

from .importers import FORMATS, MAPPABLE, detect_format, euvsdisinfo_id, import_plan, parse_mapping, read_cases
from .store import BankStats, Case, CaseBank, ImportReport, Skipped, bank_path, open_default

__all__ = [
    "FORMATS",
    "MAPPABLE",
    "BankStats",
    "Case",
    "CaseBank",
    "ImportReport",
    "Skipped",
    "bank_path",
    "detect_format",
    "euvsdisinfo_id",
    "import_plan",
    "open_default",
    "parse_mapping",
    "read_cases",
]
