"""``python -m bench [--quick] [--stories N] [--out DIR] [--profile]``."""
from __future__ import annotations

import argparse
import sys


def main(argv=None) -> int:
    from wirewatch.cli import bench as bench_cli
    from wirewatch.bootstrap import bootstrap
    from wirewatch.cli.runtime import setup_logging
    from wirewatch.settings import get_settings

    parser = argparse.ArgumentParser(prog="python -m bench", description=bench_cli.__doc__)
    bench_cli.add_arguments(parser)
    args = parser.parse_args(argv)
    settings = get_settings()
    setup_logging("WARNING", settings.log_format)
    return bench_cli.cmd_bench(args, bootstrap(settings))


if __name__ == "__main__":
    sys.exit(main())
