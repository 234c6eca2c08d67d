"""``python -m cli``: the ``fkmap`` command line."""

from cli import main

main()
