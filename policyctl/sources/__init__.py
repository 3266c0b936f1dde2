"""Sources: where chunks of text come from (files, git, logs, datasets), one module each."""
