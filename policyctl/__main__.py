"""Allow `python -m policyctl`."""

from policyctl.cli import main

main()
