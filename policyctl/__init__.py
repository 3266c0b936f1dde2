"""policyctl: a policy-as-code scanner for secrets and personal data."""

__version__ = "0.1.0"
