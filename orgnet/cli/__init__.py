"""The ``orgnet`` command line; see :mod:`orgnet.cli.main`."""

from orgnet.cli.main import build_parser, main

__all__ = ["main", "build_parser"]
