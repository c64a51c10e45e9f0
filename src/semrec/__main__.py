"""`python -m semrec` runs the command line."""

from semrec.cli.main import main

main()
