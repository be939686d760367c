"""`python -m argmap.cli`: the argmap command."""

from . import main

main()
