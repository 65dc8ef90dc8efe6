"""``python -m orgnet`` runs the command line."""

import sys

from orgnet.cli.main import main

sys.exit(main())
