"""Allow `python -m policyctl`."""

from policyctl.cli import run

run()
