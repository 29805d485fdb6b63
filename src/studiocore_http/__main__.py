"""``python -m studiocore_http`` is the ``studiocore`` command."""

from studiocore_http.cli import main

main()
