"""Sanitised copies of logs and datasets: each sensitive value the detectors find is
replaced by a strategy (mask, partial, remove, hash, tokenize, fpe, generalize).
(`policyctl/redact.py` is another thing: the short preview a report may show of a value.)

    strategies.py  the strategies, pure functions of a value (and a key)
    fpe.py         format-preserving encryption (FF3-1) that keeps separators and classes
    keys.py        the keys every keyed strategy derives from POLICYCTL_REDACT_KEY
    policy.py      which strategy a finding gets: per rule, per data class, default
    redactor.py    the findings of a piece of text turned into replacements, counted
    text.py        text, .log and gzip files, streamed in bounded memory
    outputs.py     where each copy goes; atomic writes that never clobber an input
    report.py      the redaction report (JSON, terminal)
    run.py         the whole `policyctl redact` flow
    detokenize.py  the way back from tokens and fpe values, with the key
"""
