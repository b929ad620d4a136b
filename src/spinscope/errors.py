"""Coded errors and warnings: a code in an old log still leads here."""

from __future__ import annotations

from enum import Enum, unique


class Coded(str):
    """A filled message template that keeps its `code`, so no caller reads it back out of the text."""

    code: str

    def __new__(cls, text: str, code: str) -> Coded:
        message = super().__new__(cls, text)
        message.code = code
        return message

    def __reduce__(self) -> tuple[type[Coded], tuple[str, str]]:  # pickled to and from corpus workers
        return Coded, (str(self), self.code)


class _Coded(Enum):
    """A message template whose call fills the fields and prefixes the stable code: "[E401] ..."."""

    def __call__(self, **fields: object) -> Coded:
        return Coded(f"[{self.name}] {self.value.format(**fields)}", self.name)


@unique
class Errors(_Coded):
    """Error templates. Codes stay stable across releases."""

    E000 = "internal error ({detail}){hint}"
    E001 = "No {group} entry named {name!r}. Known names: {known}."
    E002 = "{group} name {name!r} is taken by another factory; choose a new name or version suffix."
    E101 = "Span {start}:{end} does not fit document {doc!r} ({n} characters of verbatim text)."
    E102 = "Span {start}:{end} of document {doc!r} says {said!r} but the text there is {found!r}."
    E201 = "{step!r} reads {missing}; put the components that write them earlier."
    E202 = "{step!r} needs the model {model!r}, which is not installed at {path}. {hint}"
    E203 = "Unknown component(s) in --only/--skip: {names}. Known: {known}."
    E204 = "{step!r} set {keys} on document {doc!r} without declaring them in its `writes`."
    E205 = "The pipeline does not run {name!r} (it runs {names})."
    E206 = "{what}: documents were rejected, so the scores would not be comparable: {reasons}"
    E301 = "{feature} uses the optional package {module!r}: pip install 'spinscope[{extra}]'"
    E401 = "{source}: no such file or directory."
    E402 = "{source}: folder holds no articles (looked for {pattern})."
    E403 = "{source}: is not text (binary content or unknown encoding)."
    E404 = "{source}: text is empty."
    E405 = "{source}: {size} characters exceed the size limit of {limit} (set limits.max_chars)."
    E406 = "{source}: malformed {kind}: {detail}"
    E407 = "{source}: could not be fetched: {detail}"
    E408 = "{source}: not HTML or text (content type {ctype!r})."
    E409 = "{source}: no main text could be extracted from the HTML."
    E410 = "{source}: unknown input format {fmt!r}. Known formats: {known}."
    E411 = "{source}: field {field!r} is missing in record {record}."
    E412 = "{source}: more than {limit} bytes (set limits.max_bytes)."
    E413 = "{source}: stopped after {limit} records (set limits.max_records); the rest was not read."
    E414 = "{source}: holds no {what}."
    E415 = "{source}: cannot be read: {detail}"
    E416 = "{source}: not a regular file but a {kind}; give a file, a folder, or - for stdin."
    E417 = "{source}: the {kind} is encrypted (password-protected); save a copy without the password and read that."
    E418 = "{source}: has no text layer, and reading it needs Tesseract OCR, which is not installed ({hint})."
    E419 = "{source}: {size} {what} exceed the limit of {limit} (set limits.{key})."
    E420 = "{source}: OCR stopped after {seconds:g} s (set limits.ocr_timeout)."
    E501 = "Config file {path}: {detail}"
    E502 = "Bad --set value {item!r}: expected section.key=value."
    E503 = "Unknown setting {key!r}{hint}."
    E504 = "{key!r}: unknown {what} {name!r}{hint}."
    E505 = "Setting {key!r} must be {kind}."
    E506 = "Lexicon file {path}: {reason}"
    E507 = "Narratives file {path}: line {line}: {detail}"
    E601 = "{path}: line {line}: {detail}"
    E602 = "Unknown output format {fmt!r}. Known formats: {known}."
    E603 = "{path}: predictions must name exactly the gold articles: {detail}"
    E604 = "{path}: the output is the input {source}; write to another file."
    E605 = "{path}: the output cannot be written: {reason}."
    E701 = (
        "No case bank at {path}; import cases with `spinscope casebank import PATH` "
        "(formats: euvsdisinfo, claimreview, csv, jsonl)."
    )
    E702 = "{path}: not a spinscope case bank ({detail})."
    E703 = "{path}: case bank schema version {found}, but this spinscope reads version {expected}; import anew."
    E704 = "{path}: the case bank cannot be {action}: {detail}"
    E705 = "No case with id {ids} in the case bank{detail}."
    E706 = "Unknown case field {field!r} in --map. Known fields: {known}."
    E707 = "Bad --map value {item!r}: expected field=column (e.g. claim=text)."
    E708 = "{source}: no column {column!r} for the case field {field!r}; columns: {columns}."
    E709 = "{source}: more than {limit} cases in one import (set casebank.max_cases); nothing was imported."
    E710 = "{source}: {field} {value!r} is not a date ({form})."
    E711 = "Name the cases to remove: case ids, --bank NAME, or both."
    E712 = "No bank named {bank!r} in the case bank. Banks: {known}."
    E713 = "{source}: no column for the case title or claim (columns: {columns}); map one with --map claim=COLUMN."
    E714 = "{source}: more than {limit} bytes (set casebank.max_json_bytes)."
    E801 = "Unknown dedup output format {fmt!r}. Known formats: jsonl, csv."
    E802 = "Similarity threshold {value!r} must be above 0 and at most 1."
    E803 = "Translation clusters need the sentence embedder, which is not installed at {path}; pass --no-translations."
    E901 = "{path}: cannot write the corpus output: {detail}"
    E902 = "{path}: unreadable run manifest: {detail}"
    E903 = "{path} holds a run of other {detail}; rerun the same command to finish it, or choose another --out."
    E904 = "Unknown executor {name!r}. Known: local, ray."
    E905 = "{path}: {detail}"
    E906 = "{path}: no corpus run here (no manifest.json); run `spinscope corpus run INPUT... --out DIR` first."
    E1001 = "{source}: refused: {host} resolves to {address}, a {kind} address (set web.allow_private_urls to allow)."
    E1002 = "{source}: refused: {address} is a {kind} address (set web.allow_private_urls to allow)."
    E1003 = "{source}: refused: {host} is a {kind} name (set web.allow_private_urls to allow)."
    E1004 = "{source}: refused: only http and https URLs are fetched, not {scheme}."
    E1005 = "{source}: more than {limit} redirects (set limits.max_redirects)."
    E1006 = "{source}: the fetch took more than {limit} s in all, redirects included (set web.fetch_total_timeout)."
    E1021 = "This server needs the API token for writes: send `Authorization: Bearer $SPINSCOPE_TOKEN`."
    E1022 = "Refused a write from another site (Origin {origin!r})."
    E1023 = "The form's CSRF token is missing or stale; reload the page and submit again."
    E1024 = "The request body is over {limit} bytes (set web.max_request_bytes)."
    E1025 = "{what} took longer than {limit} s (set web.{setting})."
    E1026 = "No stored document with id {doc_id!r}."
    E1027 = "Give exactly one of: text, url, or a file."
    E1029 = "Bad request: {detail}"
    E1030 = "No corpus run number {n}; this server shows {count} (serve --corpus DIR adds one)."
    E1031 = "The client went away; {what} was stopped."
    E1032 = "Host {host!r} is not served here (set web.allowed_hosts)."
    E1033 = "Too many wrong tokens from this client; try again in {seconds} s (web.auth_failures)."
    E1034 = "Idempotency-Key {key!r} was used before with another request; use a new key for a new request."
    E1035 = "The request body did not arrive within {limit} s (set web.body_timeout)."
    E1036 = "The search looks for {n} distinct words; at most {limit} are searched (set web.max_search_terms)."
    E1037 = "{method} {path}: {detail}."
    E1038 = "Only the first {limit} documents were analysed; {more} more were read but not (set web.max_documents)."
    E1039 = (
        "The browser extension ({origin}) is accepted only when the server has an API token: start it as "
        "`SPINSCOPE_TOKEN=... spinscope serve` and put the same token in the extension's options."
    )
    E1040 = "The browser extension {origin!r} is not one this server accepts (set web.extension_ids)."
    E1101 = "{path}: the library of stored analyses cannot be {action}: {detail}"
    E1102 = "Correction {n}: unknown action {action!r}; use accept, reject, relabel or add."
    E1103 = "Correction {n}: span {start}:{end} does not fit the text ({length} characters)."
    E1104 = "Correction {n}: unknown technique {label!r}."
    E1105 = "Correction {n}: no span {technique} {start}:{end} to {action} in this document."
    E1106 = "Unknown corrections format {fmt!r}. Known: semeval, jsonl."
    E1107 = "{path}: not a spinscope library of stored analyses ({detail})."
    E1108 = "{what} must be {kind}."
    E1109 = "Correction {n}: the text {seen!r} is not in the document (at {start}:{end} it reads {found!r})."


@unique
class Warnings(_Coded):
    """Warning templates; each document carries them in its `warnings` list. List a code in the setting
    `warnings.ignore` (e.g. `--set 'warnings.ignore=["W005"]'`) to silence it."""

    W001 = "No technique model is installed; techniques are left empty."
    W002 = "Language {lang!r} has no training data; results are zero-shot."
    W003 = "Language could not be identified reliably (best guess {lang!r}, confidence {conf:.2f})."
    W004 = "Text has no sentences the models can use."
    W005 = "Text is very short ({n} characters); document-level results are unreliable."
    W006 = "No {head} model is installed; that output is left empty."
    W007 = "The {head} head was fitted on encoder {fitted}, not on the installed one {now}; retrain it."
    W008 = "Sourcing cues for language {lang!r} are best effort ({detail})."
    W009 = "Named entities for language {lang!r} are best effort ({detail})."
    W010 = "No known-claim matching against the case bank {path}: {detail}."
    W011 = "Narratives for language {lang!r} are zero-shot: the taxonomy head saw EN, BG, PT, HI and RU only."
    W012 = "A plain report (reporting {reporting:.2f}, few technique spans): its actors are not cast in roles."


HTTP_STATUS = {  # the web app's answer to an error of that code; any other is 400 (a bad input) or 500
    **dict.fromkeys(("E405", "E412", "E419", "E1024"), 413),
    **dict.fromkeys(("E701", "E906", "E1026", "E1030"), 404),
    **dict.fromkeys(("E905", "E1032"), 400),
    **dict.fromkeys(("E1022", "E1023", "E1039", "E1040"), 403),
    "E407": 502,
    "E1021": 401,
    "E1025": 504,
    "E420": 504,
    "E1033": 429,
    "E1034": 422,
    "E1035": 408,
}


def code_of(message: str) -> str:
    """The code of a coded message ("" for any other text)."""
    return getattr(message, "code", "")


def internal(exc: BaseException, *, hint: str = "; rerun with -v for details", detail: bool = True) -> Coded:
    """E000 for a failure that is not one of ours: its type (and its text, unless `detail` is off)."""
    return Errors.E000(detail=f"{type(exc).__name__}: {exc}" if detail else type(exc).__name__, hint=hint)


class SpinscopeError(Exception):
    """Root of all spinscope errors, so callers can catch them at once. `code` is its message's code and
    `status` the HTTP status the web app answers it with."""

    fallback_status = 500

    @property
    def code(self) -> str:
        return code_of(self.args[0]) if self.args else ""

    @property
    def status(self) -> int:
        return HTTP_STATUS.get(self.code, self.fallback_status)


class RegistryError(SpinscopeError, KeyError):
    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class SpanError(SpinscopeError, ValueError): ...


class PipelineError(SpinscopeError): ...


class ModelMissing(PipelineError): ...


class MissingDependency(SpinscopeError, ImportError): ...


class InputError(SpinscopeError):
    """A bad input: reported in one line, the rest of a batch goes on."""

    fallback_status = 400


class ConfigError(SpinscopeError): ...


class OutputError(SpinscopeError):
    """A CLI output file that is one of the inputs, or cannot be written."""


class CaseBankError(SpinscopeError):
    """The case bank file is missing, foreign, of another schema version, or cannot be written."""


class CorpusError(SpinscopeError):
    """A corpus run's output folder cannot be written or read, or belongs to another run."""


class LibraryError(SpinscopeError):
    """The web app's library of stored analyses cannot be opened or written."""


class FormatError(SpinscopeError):
    """A malformed gold or prediction file given to the scorers."""
