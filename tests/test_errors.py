from __future__ import annotations

import subprocess
import sys

from spinscope.errors import Errors, Warnings


def test_messages_carry_their_code() -> None:
    assert Errors.E401(source="a.txt") == "[E401] a.txt: no such file or directory."
    assert Warnings.W002(lang="uk").startswith("[W002] ")


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
