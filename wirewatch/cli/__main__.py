"""`python -m wirewatch.cli ...` is `wirewatch ...`."""
import sys

from wirewatch.cli.main import main

sys.exit(main())
