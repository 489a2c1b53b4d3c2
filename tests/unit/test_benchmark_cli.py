"""`wirewatch bench` options (the parser only: nothing runs, nothing connects)."""
import argparse
import subprocess
import sys

import pytest

from wirewatch.cli import bench as bench_cli


def _parser():
    parser = argparse.ArgumentParser(prog="wirewatch")
    sub = parser.add_subparsers(dest="command", required=True)
    bench_cli.register(sub)
    return parser


def test_defaults():
    args = _parser().parse_args(["bench"])
    assert args.func is bench_cli.cmd_bench
    assert not args.quick and args.stories is None and not args.profile
    assert args.out.endswith("bench")


def test_options():
    args = _parser().parse_args(["bench", "--quick", "--stories", "300", "--out", "/tmp/x"])
    assert args.quick and args.stories == 300 and args.out == "/tmp/x"


@pytest.mark.parametrize("bad", ["0", "-5", "many"])
def test_stories_must_be_a_positive_number(bad, capsys):
    with pytest.raises(SystemExit):
        _parser().parse_args(["bench", "--stories", bad])


def test_registering_does_not_import_the_heavy_parts():
    code = ("import sys; import wirewatch.cli.bench; "
            "heavy = [m for m in ('spacy', 'kafka', 'sqlalchemy', 'pyinstrument') if m in sys.modules]; "
            "print(heavy); sys.exit(1 if heavy else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
