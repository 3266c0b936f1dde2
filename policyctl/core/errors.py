"""The error hierarchy: the CLI turns every PolicyctlError into one line and exit code 2."""


class PolicyctlError(Exception):
    """A problem the user can fix: bad usage, configuration, rules, policy or input."""


class ConfigError(PolicyctlError):
    """The configuration file or an option value is invalid."""


class RuleError(PolicyctlError):
    """A rule file or a rule in it is invalid."""


class PolicyError(PolicyctlError):
    """A policy pack is invalid or cannot be resolved."""


class InputError(PolicyctlError):
    """An input cannot be read at all (as opposed to one file in a tree, which is a notice)."""


class OutputError(PolicyctlError):
    """A report or other output cannot be written where it was asked for."""
