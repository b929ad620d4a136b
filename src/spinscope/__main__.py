"""`python -m spinscope` = the `spinscope` command."""

from .cli.app import main

main()
