"""The `spinscope` command: a thin Typer layer over the public API; errors become one line, never a trace."""

from __future__ import annotations

import logging
import sys

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape

from ..errors import SpinscopeError, internal
from .analyze import analyze_command
from .classify import classify_roles_command, classify_spans_command
from .dedup import dedup_command
from .serve import serve_command

app = typer.Typer(
    name="spinscope",
    help="Show, with exact character offsets, how news articles try to persuade.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err_console = Console(stderr=True)


@app.callback()
def root(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress details.")) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(message)s",
        handlers=[RichHandler(console=err_console, show_path=False)],
    )


app.command("analyze")(analyze_command)
app.command("classify-spans")(classify_spans_command)
app.command("classify-roles")(classify_roles_command)
app.command("dedup")(dedup_command)
app.command("serve")(serve_command)


@app.command("labelstudio-config")
def labelstudio_config_command(
    scheme: str = typer.Option("semeval2023", "--labels", help="Label scheme: semeval2023 (23 techniques) or ptc14."),
) -> None:
    """Print the Label Studio labelling interface for `-f labelstudio` tasks: one label a technique."""
    from ..config import check_choice
    from ..interop.labelstudio import label_config
    from ..labels import PTC14, TECHNIQUES

    check_choice("--labels", scheme, ("semeval2023", "ptc14"))
    typer.echo(label_config(list(PTC14 if scheme == "ptc14" else TECHNIQUES)), nl=False)


def _add_subapps() -> None:
    from .evaluate import eval_app

    app.add_typer(eval_app, name="eval", help="Score predictions against gold with the official formulas.")
    from .train import train_app

    app.add_typer(train_app, name="train", help="Train the models (needs the 'train' extra).")
    from .casebank import casebank_app

    app.add_typer(casebank_app, name="casebank", help="Import and inspect the local bank of debunked claims.")
    from .corpus import corpus_app

    app.add_typer(corpus_app, name="corpus", help="Analyse a whole corpus to Parquet, resumably; query and report it.")


_add_subapps()


def fail(message: str, code: int = 2) -> None:
    """Print one error line to stderr and leave with `code`."""
    err_console.print(f"[bold red]spinscope: error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise SystemExit(code)


def main() -> None:
    """Console-script entry: coded errors print one line; unexpected ones too, with the traceback logged under -v
    (the one way to see details, as for a document a run rejects)."""
    try:
        app(standalone_mode=True)
    except SpinscopeError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except Exception as exc:
        logging.getLogger(__name__).info("internal error", exc_info=True)
        fail(internal(exc), 3)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
