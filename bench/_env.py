"""The benchmarks' own virtualenv under bench/.cache, with the tools they compare against.

presidio-analyzer (with spaCy), Faker and python-stdnum are installed there at run time,
next to policyctl itself (editable). Presidio runs with a blank spaCy English pipeline
saved to disk: its pattern recognizers need only a tokenizer, so no model is downloaded.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
VENV = CACHE / "venv"
PACKAGES = ["presidio-analyzer", "faker", "python-stdnum", "pyarrow"]


def ensure_venv() -> None:
    """Re-run the calling script inside the benchmark virtualenv (creating it once)."""
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    python = VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {VENV} (presidio-analyzer, faker, python-stdnum) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", *PACKAGES, "-e", f"{ROOT}[datasets]"],
            check=True,
        )
    os.execv(str(python), [str(python), *sys.argv])


def presidio_analyzer(all_recognizers: bool = True):  # type: ignore[no-untyped-def]
    """An AnalyzerEngine with every predefined pattern recognizer for English text,
    on a blank spaCy pipeline (no NER model, nothing downloaded)."""
    import inspect
    import logging

    import spacy
    import tldextract
    from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry
    from presidio_analyzer import predefined_recognizers as predefined
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    # tldextract would try to download the public suffix list: use its bundled snapshot
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    model = CACHE / "spacy-blank-en"
    if not model.exists():
        spacy.blank("en").to_disk(model)
    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": str(model)}],
        }
    )
    nlp = provider.create_engine()
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(nlp_engine=nlp)
    if all_recognizers:
        loaded = {type(r).__name__ for r in registry.recognizers}
        skip = (
            "Azure", "GLiNER", "HuggingFace", "Spacy", "Stanza", "Transformers", "LangExtract",
            "MedicalNER", "BasicLangExtract",
        )  # fmt: skip
        for name, cls in inspect.getmembers(predefined, inspect.isclass):
            if not issubclass(cls, EntityRecognizer) or name in loaded or name.startswith(skip):
                continue
            try:
                registry.add_recognizer(cls(supported_language="en"))
            except Exception:  # recognizers that need a service or an extra package
                continue
    return AnalyzerEngine(nlp_engine=nlp, registry=registry, supported_languages=["en"])
