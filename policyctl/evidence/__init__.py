"""Evidence auditors can check offline: keys, signatures, DSSE, SBOM, provenance, bundles."""
