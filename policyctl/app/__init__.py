"""Application layer: one module per use case (scan, redact), wiring the layers below."""
