from __future__ import annotations

import pickle
import subprocess
import sys

from spinscope.errors import HTTP_STATUS, CorpusError, Errors, InputError, Warnings, code_of, internal


def test_messages_carry_their_code() -> None:
    assert Errors.E401(source="a.txt") == "[E401] a.txt: no such file or directory."
    assert Warnings.W002(lang="uk").startswith("[W002] ")
    message = pickle.loads(pickle.dumps(Errors.E405(source="a.txt", size=9, limit=5)))  # as from a worker
    assert code_of(message) == "E405" and code_of("[E405] a plain string") == ""


def test_errors_carry_their_http_status() -> None:
    assert set(HTTP_STATUS) <= {e.name for e in Errors}
    assert InputError(Errors.E405(source="a", size=9, limit=5)).status == 413
    assert InputError(Errors.E404(source="a")).status == 400  # any other bad input
    assert CorpusError(Errors.E906(path="out")).status == 404
    assert CorpusError(Errors.E901(path="out", detail="full")).status == 500
    failure = internal(ValueError("secret detail"), hint="", detail=False)
    assert code_of(failure) == "E000" and failure == "[E000] internal error (ValueError)"


def test_codes_are_unique_and_well_formed() -> None:
    for enum, prefix in ((Errors, "E"), (Warnings, "W")):
        names = [m.name for m in enum]
        assert len(names) == len(set(names))
        assert all(n.startswith(prefix) and n[1:].isdigit() for n in names)


def test_inference_never_imports_torch() -> None:
    code = (
        "import sys, spinscope, spinscope.cli.app, spinscope.api\n"
        "from spinscope.registry import components, readers, writers\n"
        "components.names(); readers.names(); writers.names()\n"
        "import spinscope.eval.gate, spinscope.train.finalise, spinscope.train.heads\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
