"""Sanitised copies of logs and datasets: each sensitive value the detectors find is
replaced by a strategy (mask, partial, remove, hash, tokenize, fpe, generalize).
(`detection/preview.py` is another thing: the short preview a report may show of a value.)

    strategies.py  the strategies, pure functions of a value (and a key)
    fpe.py         format-preserving encryption (FF3-1) that keeps separators and classes
    keys.py        the keys every keyed strategy derives from POLICYCTL_REDACT_KEY
    policy.py      which strategy a finding gets: per rule, per data class, default
    redactor.py    the findings of a piece of text turned into replacements, counted
    cells.py       many short values (cells, JSON values) redacted at once, as scanned
    batches.py     a reader's records written back a batch at a time, in worker processes
    streams.py     the bytes read and written: gzip kept gzip, encodings kept
    formats/       one module per kind of file (text, csv, json, jsonl, parquet), each
                   with its kind, its sniffing and `redact`; the registry picks one
    outputs.py     where each copy goes; atomic writes that never clobber an input
    report.py      the redaction report (JSON, terminal)
    detokenize.py  the way back from tokens and fpe values, with the key
"""
