"""Secret-detection accuracy of policyctl beside detect-secrets 1.5.0, in the same run.

    python bench/accuracy.py                 # labelled corpus, then the real-code corpus
    python bench/accuracy.py --skip-real     # labelled corpus only (about a minute)
    python bench/accuracy.py --ds-subset-mb 30   # detect-secrets on a fixed 30 MB subset

1. A labelled corpus is generated under bench/.cache/accuracy: one file per sample.
   Positives hold one live-shaped credential in realistic context (.env, YAML config,
   Python/JS code, GitHub Actions, notebooks, Dockerfiles, Terraform, Kubernetes
   Secrets, docker config.json, .npmrc, private keys). Negatives hold hard look-alikes:
   placeholders, templates, environment lookups, hashes and lockfile pins, UUIDs under
   identifier keys, base64 images, minified JS, public keys, documented example keys.
   Recall = positives where the tool reports the secret's line; false-positive rate =
   negatives where the tool reports anything.
2. The real-code corpus (bench/corpus.py, ~300 MB of popular packages' source) is scanned
   by both tools: findings per 100 MB, split by rule, and the disagreements listed so a
   person can look at them. detect-secrets takes over an hour on the whole corpus on a
   busy 2-core machine; `--ds-subset-mb N` runs it on a fixed subset instead (the files
   whose sha256 of path sorts first, up to N MB: the same files on every machine) and
   compares both tools on that subset only. Each detect-secrets result is kept under
   bench/.cache/accuracy-real-detect-secrets*.json (delete it to rerun).

Every value is generated at run time from a seeded RNG; nothing here was ever issued by
a provider. Targets (issue 3): recall >= 95%, FP rate <= 3%, <= 50 findings on the real
corpus at the default confidence.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import shutil
import string
import subprocess
import sys
import tempfile
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import corpus
from measure import CACHE, policyctl_command, tool_venv

LABELLED = CACHE / "accuracy"
DS_REQUIREMENT = "detect-secrets==1.5.0"
REAL_DS_CACHE = CACHE / "accuracy-real-detect-secrets.json"

ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "_-"


@dataclass(frozen=True)
class Sample:
    name: str  # file name, with the extension that gives its context
    text: str
    line: int | None  # 1-based line of the secret; None for a negative
    kind: str


class Maker:
    """Random values and contexts, reproducible from one seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def pick(self, alphabet: str, n: int) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def uuid(self) -> str:
        h = self.pick(HEX, 32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    def password(self) -> str:
        return self.pick(ALNUM, 14) + self.rng.choice("!#%&*") + self.pick(string.digits, 2)


def crc32_base62(body: str) -> str:
    """The 6 base62 digits GitHub and npm tokens end with: the CRC32 of the random part."""
    b62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
    crc, tail = zlib.crc32(body.encode()), ""
    while crc:
        crc, r = divmod(crc, 62)
        tail = b62[r] + tail
    return tail.rjust(6, "0")


def tokens(m: Maker) -> dict[str, tuple[str, str]]:
    """Provider credentials: kind -> (variable name, value)."""
    ghbody = m.pick(ALNUM, 30)
    tail = crc32_base62(ghbody)
    jwt_head = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').decode().rstrip("=")
    jwt_body = base64.urlsafe_b64encode(
        json.dumps({"sub": m.pick(string.digits, 8), "role": "service"}).encode()
    ).decode()
    return {
        "aws-access-key": (
            "AWS_ACCESS_KEY_ID",
            "AKIA" + m.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
        ),
        "aws-secret-key": ("AWS_SECRET_ACCESS_KEY", m.pick(B64, 40)),
        "github-pat": ("GITHUB_TOKEN", "ghp_" + ghbody + tail),
        "github-fine-grained": (
            "GH_TOKEN",
            "github_pat_" + m.pick(ALNUM, 22) + "_" + m.pick(ALNUM, 59),
        ),
        "gitlab-pat": ("GITLAB_TOKEN", "glpat-" + m.pick(URLSAFE, 20)),
        "slack-bot": (
            "SLACK_BOT_TOKEN",
            f"xoxb-{m.pick(string.digits, 12)}-{m.pick(string.digits, 13)}-{m.pick(ALNUM, 24)}",
        ),
        "slack-webhook": (
            "SLACK_WEBHOOK_URL",
            f"https://hooks.slack.com/services/T{m.pick(string.ascii_uppercase, 8)}/"
            f"B{m.pick(string.ascii_uppercase, 8)}/{m.pick(ALNUM, 24)}",
        ),
        "stripe-live": ("STRIPE_SECRET_KEY", "sk_live_" + m.pick(ALNUM, 24)),
        "stripe-webhook": ("STRIPE_WEBHOOK_SECRET", "whsec_" + m.pick(ALNUM, 32)),
        "openai": (
            "OPENAI_API_KEY",
            "sk-proj-" + m.pick(URLSAFE, 40) + "T3BlbkFJ" + m.pick(URLSAFE, 40),
        ),
        "anthropic": ("ANTHROPIC_API_KEY", "sk-ant-api03-" + m.pick(URLSAFE, 93) + "AA"),
        "huggingface": ("HF_TOKEN", "hf_" + m.pick(string.ascii_letters, 34)),
        "sendgrid": ("SENDGRID_API_KEY", f"SG.{m.pick(URLSAFE, 22)}.{m.pick(URLSAFE, 43)}"),
        "twilio": ("TWILIO_API_KEY", "SK" + m.pick(HEX, 32)),
        # npm tokens carry GitHub's checksum; one without it was made up, and is refuted
        "npm": ("NPM_TOKEN", "npm_" + (npm := m.pick(ALNUM, 36)[:30]) + crc32_base62(npm)),
        "pypi": ("PYPI_TOKEN", "pypi-AgEIcHlwaS5vcmc" + m.pick(URLSAFE, 80)),
        "docker-hub": ("DOCKERHUB_TOKEN", "dckr_pat_" + m.pick(URLSAFE, 27)),
        "gcp-api-key": ("GOOGLE_API_KEY", "AIza" + m.pick(URLSAFE, 35)),
        "digitalocean": ("DIGITALOCEAN_TOKEN", "dop_v1_" + m.pick(HEX, 64)),
        "shopify": ("SHOPIFY_ACCESS_TOKEN", "shpat_" + m.pick(HEX, 32)),
        "databricks": ("DATABRICKS_TOKEN", "dapi" + m.pick(HEX, 32)),
        "vault": ("VAULT_TOKEN", "hvs." + m.pick(URLSAFE, 90)),
        "new-relic": (
            "NEW_RELIC_API_KEY",
            "NRAK-" + m.pick(string.ascii_uppercase + string.digits, 27),
        ),
        "datadog": ("DD_API_KEY", m.pick(HEX, 32)),
        "mailgun": ("MAILGUN_API_KEY", "key-" + m.pick(HEX, 32)),
        "mailchimp": ("MAILCHIMP_API_KEY", m.pick(HEX, 32) + "-us14"),
        "heroku": ("HEROKU_API_KEY", m.uuid()),
        "cloudflare": ("CLOUDFLARE_API_TOKEN", m.pick(URLSAFE, 40)),
        "square": ("SQUARE_ACCESS_TOKEN", "EAAA" + m.pick(URLSAFE, 60)),
        "razorpay": ("RAZORPAY_KEY_ID", "rzp_live_" + m.pick(ALNUM, 14)),
        "grafana": ("GRAFANA_SA_TOKEN", f"glsa_{m.pick(ALNUM, 32)}_{m.pick(HEX, 8)}"),
        "sentry": ("SENTRY_AUTH_TOKEN", "sntryu_" + m.pick(HEX, 64)),
        "doppler": ("DOPPLER_TOKEN", "dp.st." + m.pick(ALNUM, 43)),
        "pulumi": ("PULUMI_ACCESS_TOKEN", "pul-" + m.pick(HEX, 40)),
        "jfrog": ("ARTIFACTORY_API_KEY", "AKCp" + m.pick(ALNUM, 69)),
        "age": ("AGE_KEY", "AGE-SECRET-KEY-1" + m.pick("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)),
        "jwt": ("SESSION_TOKEN", f"{jwt_head}.{jwt_body.rstrip('=')}.{m.pick(URLSAFE, 43)}"),
        "azure-storage": (
            "AZURE_STORAGE_KEY",
            base64.b64encode(bytes(m.rng.randrange(256) for _ in range(64))).decode(),
        ),
        "password": ("DB_PASSWORD", m.password()),
        "api-secret": ("CLIENT_SECRET", m.pick(ALNUM, 32)),
    }


def contexts(name: str, value: str) -> list[tuple[str, str]]:
    """(file name, text) placing `value` under variable `name`; the secret is on line 2."""
    key = name.lower()
    return [
        (".env", f"# service settings\n{name}={value}\nLOG_LEVEL=info\n"),
        ("config.yaml", f'service:\n  {key}: "{value}"\n  port: 8080\n'),
        ("settings.py", f"DEBUG = False\n{name} = \"{value}\"\nALLOWED_HOSTS = ['*']\n"),
        ("client.js", f"const base = 'https://api.internal';\nconst {key} = '{value}';\n"),
        (
            "deploy.yml",
            f"env:\n  {name}: {value}\njobs:\n  build:\n    runs-on: ubuntu-latest\n",
        ),
        (
            "analysis.ipynb",
            '{\n "cells": [{"cell_type": "code", "source": ["import os\\n", '
            f'"{key} = \'{value}\'\\n"]}}],\n "nbformat": 4\n}}\n',
        ),
        ("Dockerfile", f'FROM python:3.12-slim\nENV {name}={value}\nCMD ["app"]\n'),
        ("main.tf", f'provider "x" {{\n  {key} = "{value}"\n}}\n'),
    ]


def positives(m: Maker) -> list[Sample]:
    samples = []
    for kind, (name, value) in tokens(m).items():
        for index, (file_name, text) in enumerate(contexts(name, value)):
            line = text.splitlines().index(next(x for x in text.splitlines() if value in x)) + 1
            samples.append(Sample(f"{kind}-{index}-{file_name}", text, line, kind))
    samples += structured_positives(m)
    return samples


def structured_positives(m: Maker) -> list[Sample]:
    """Credentials whose context is the format itself."""
    out = []
    for i in range(8):
        der = bytes([0x30, 0x82, 0x02, 0x5C]) + bytes(m.rng.randrange(256) for _ in range(604))
        body = base64.b64encode(der).decode()
        lines = "\n".join(body[j : j + 64] for j in range(0, len(body), 64))
        label = ["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY"][i % 4]
        if label.startswith("OPENSSH"):
            raw = b"openssh-key-v1\0" + bytes(m.rng.randrange(256) for _ in range(380))
            body = base64.b64encode(raw).decode()
            lines = "\n".join(body[j : j + 70] for j in range(0, len(body), 70))
        text = f"-----BEGIN {label}-----\n{lines}\n-----END {label}-----\n"
        out.append(Sample(f"key-{i}.pem", text, 1, "private-key"))
    for i, scheme in enumerate(["postgresql", "mysql", "mongodb+srv", "redis", "amqp", "ftp"]):
        text = f"# connection\nDATABASE_URL={scheme}://app:{m.password()}@db{i}.internal:5432/app\n"
        out.append(Sample(f"url-{scheme.replace('+', '')}.env", text, 2, "connection-string"))
    for i in range(4):
        auth = base64.b64encode(f"ci-bot:{m.password()}".encode()).decode()
        text = (
            '{\n  "auths": {\n    "registry.corp.io": {\n'
            f'      "auth": "{auth}"\n    }}\n  }}\n}}\n'
        )
        out.append(Sample(f"docker-{i}-config.json", text, 4, "docker-auth"))
    for i in range(4):
        value = base64.b64encode(m.password().encode()).decode()
        text = (
            f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-{i}\ndata:\n  password: {value}\n"
        )
        out.append(Sample(f"secret-{i}.yaml", text, 6, "kubernetes-secret"))
    for i in range(4):
        text = (
            f"registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken={m.uuid()}\n"
        )
        out.append(Sample(f"npmrc-{i}.npmrc", text, 2, "npmrc"))
    for i in range(4):
        text = f"machine api.corp.io\n  login deploy\n  password {m.password()}\n"
        out.append(Sample(f"netrc-{i}.netrc", text, 3, "netrc"))
    return out


def negatives(m: Maker) -> list[Sample]:
    out: list[Sample] = []

    def add(kind: str, name: str, text: str) -> None:
        out.append(Sample(f"neg-{kind}-{len(out)}-{name}", text, None, kind))

    placeholders = [
        "your-api-key-here",
        "<YOUR_TOKEN>",
        "changeme",
        "xxxxxxxxxxxxxxxxxxxx",
        "********",
        "REPLACE_ME",
        "dummy-secret-value",
        "example_password",
        "TODO",
    ]
    for value in placeholders:
        add("placeholder", ".env", f"API_KEY={value}\nSECRET_KEY={value}\n")
        add("placeholder", "config.yaml", f"auth:\n  password: \"{value}\"\n  token: '{value}'\n")
    for template in [
        "${API_TOKEN}",
        "{{ .Values.password }}",
        "{{ secrets.GITHUB_TOKEN }}",
        "%(db_password)s",
        "$DB_PASSWORD",
        "#{vault.secret}",
    ]:
        add("template", "deploy.yml", f'env:\n  TOKEN: "{template}"\n  password: {template}\n')
    for lookup in [
        'os.environ["API_KEY"]',
        'os.getenv("DB_PASSWORD")',
        "settings.SECRET_KEY",
        "process.env.STRIPE_KEY",
        "config.get('token')",
        "self.password",
    ]:
        add("env-lookup", "app.py", f"api_key = {lookup}\npassword = {lookup}\n")
    for _ in range(10):
        add(
            "hash",
            "requirements.txt",
            f"requests==2.32.3 \\\n    --hash=sha256:{m.pick(HEX, 64)}\n",
        )
        add(
            "hash",
            "build.py",
            f'commit_sha = "{m.pick(HEX, 40)}"\nchecksum = "{m.pick(HEX, 64)}"\n',
        )
        add("hash", "models.py", f'password_hash = "pbkdf2_sha256$600000${m.pick(ALNUM, 22)}$x"\n')
    for _ in range(6):
        add(
            "lockfile",
            "package-lock.json",
            '{"node_modules/lodash": {"version": "4.17.21", "resolved": '
            '"https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz", "integrity": "sha512-'
            + m.pick(B64, 86)
            + '=="}}\n',
        )
        add(
            "lockfile",
            "poetry.lock",
            '[[package]]\nname = "idna"\nfiles = [\n'
            f'    {{file = "idna-3.7.tar.gz", hash = "sha256:{m.pick(HEX, 64)}"}},\n]\n',
        )
        add(
            "lockfile",
            "yarn.lock",
            f'lodash@^4.17.21:\n  version "4.17.21"\n  integrity sha512-{m.pick(B64, 86)}==\n',
        )
    for _ in range(8):
        add("uuid", "settings.py", f'CLIENT_ID = "{m.uuid()}"\nrequest_id = "{m.uuid()}"\n')
        add(
            "uuid",
            "config.json",
            f'{{"tenant_id": "{m.uuid()}", "subscription_id": "{m.uuid()}"}}\n',
        )
    for _ in range(6):
        png = base64.b64encode(
            b"\x89PNG\r\n\x1a\n" + bytes(m.rng.randrange(256) for _ in range(600))
        ).decode()
        add("base64-image", "index.html", f'<img alt="logo" src="data:image/png;base64,{png}">\n')
        add(
            "base64-image",
            "style.css",
            f".icon {{ background: url(data:image/png;base64,{png}); }}\n",
        )
    for _ in range(6):
        names = [m.pick(string.ascii_letters, m.rng.randint(1, 3)) for _ in range(400)]
        js = ";".join(
            f"var {a}=function(e,t){{return e[{m.rng.randint(0, 99)}]||t}}" for a in names
        )
        add("minified-js", "app.min.js", js + "\n")
    for _ in range(6):
        add(
            "public-key",
            "authorized_keys",
            f"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{m.pick(B64, 43)} dev@laptop\n",
        )
        add(
            "public-key",
            "cert.pem",
            "-----BEGIN CERTIFICATE-----\n" + m.pick(B64, 64) + "\n-----END CERTIFICATE-----\n",
        )
    add(
        "documented-example",
        "README.md",
        "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    )
    for code in [
        'password = input("Password: ")',
        "if token is None:\n    raise ValueError('token')",
        "PASSWORD_MIN_LENGTH = 12",
        'token_type = "bearer"',
        'secret_name = "prod/db/password"',
        'api_key_header = "X-API-Key"',
        'tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")',
        'auth_url = "https://login.example.org/oauth2/token"',
        'PASSWORD_FIELD = "password"',
        'key_file = "/etc/ssl/private/server.key"',
    ]:
        add("code", "module.py", code + "\n")
    for _ in range(6):
        add(
            "version-id",
            "app.yaml",
            f"image: registry.corp.io/api:{m.pick(HEX, 12)}\n"
            f"build_id: {m.pick(string.digits, 10)}\n",
        )
    return out


def write_corpus(samples: list[Sample]) -> None:
    if LABELLED.exists():
        shutil.rmtree(LABELLED)
    for sample in samples:
        path = LABELLED / sample.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sample.text, encoding="utf-8")


def run_policyctl(root: Path) -> dict[str, list[tuple[int, str]]]:
    """file -> [(line, rule)] of policyctl's unsuppressed secret findings (personal-data
    rules are benchmarked by bench/pii_accuracy.py)."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "r.json"
        subprocess.run(
            [
                policyctl_command(),
                "scan",
                str(root),
                "--no-ignore",
                "--no-progress",
                "--quiet",
                "--format",
                "json",
                "--output",
                str(out),
            ],
            check=False,
        )
        report = json.loads(out.read_text())
    found: dict[str, list[tuple[int, str]]] = {}
    secrets = [f for f in report["findings"] if f["suppressed"] is None]
    secrets = [f for f in secrets if f["category"] == "secret"]
    # A secret found in several places is one finding listing the others (also_at); every
    # place counts here, so files and lines compare with detect-secrets' one per place.
    for f in secrets:
        for where in (f["location"], *(p["location"] for p in f.get("also_at", ()))):
            found.setdefault(where["path"], []).append((where.get("line") or 0, f["rule_id"]))
    print(f"  policyctl on {root.name}: {len(secrets)} secret findings (one per rule and value)")
    return found


def run_detect_secrets(root: Path, jobs: int = 2) -> dict[str, list[tuple[int, str]]]:
    tools = tool_venv("detect-secrets", DS_REQUIREMENT)
    result = subprocess.run(
        [str(tools / "detect-secrets"), "-c", str(jobs), "scan", "--all-files", "."],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    results = json.loads(result.stdout)["results"]
    return {
        name: [(item["line_number"], item["type"]) for item in items]
        for name, items in results.items()
    }


def score(
    samples: list[Sample], found: dict[str, list[tuple[int, str]]]
) -> tuple[float, float, list[str]]:
    pos = [s for s in samples if s.line is not None]
    neg = [s for s in samples if s.line is None]
    missed = [s.name for s in pos if not any(line == s.line for line, _ in found.get(s.name, []))]
    false = [s.name for s in neg if found.get(s.name)]
    return 1 - len(missed) / len(pos), len(false) / len(neg), missed + [f"FP {n}" for n in false]


def labelled(show: int) -> None:
    m = Maker(2026)
    samples = positives(m) + negatives(m)
    write_corpus(samples)
    pos = sum(1 for s in samples if s.line is not None)
    print(f"labelled corpus: {pos} positives, {len(samples) - pos} hard negatives ({LABELLED})")
    for tool, found in (
        ("policyctl", run_policyctl(LABELLED)),
        ("detect-secrets", run_detect_secrets(LABELLED)),
    ):
        recall, fp_rate, errors = score(samples, found)
        print(f"  {tool:15s} recall {recall:6.1%}   false-positive rate {fp_rate:6.1%}")
        by_kind = Counter(
            n.split("-")[0] if not n.startswith("FP") else "FP " + n.split("-")[1] for n in errors
        )
        if errors:
            print(f"    misses and false positives by kind: {dict(by_kind.most_common(12))}")
            for name in errors[:show]:
                print(f"      {name}")


def detect_secrets_on(
    root: Path, megabytes: float | None
) -> tuple[dict[str, list[tuple[int, str]]], int]:
    """detect-secrets' findings on the whole corpus or on its fixed subset, and the bytes
    it read; cached, because it takes minutes per 10 MB."""
    if megabytes is None:
        cache, names = REAL_DS_CACHE, None
        _, size = corpus.describe(root)
    else:
        cache = CACHE / f"accuracy-real-detect-secrets-{megabytes:g}MB.json"
        names = corpus.subset(root, megabytes)
        size = sum((root / n).stat().st_size for n in names)
    if cache.exists():
        found = json.loads(cache.read_text())
        return {k: [(int(a), str(b)) for a, b in v] for k, v in found.items()}, size
    where = root
    if names is not None:
        where = corpus.copy_out(root, names, CACHE / f"ds-subset-{megabytes:g}MB")
    print(f"  running detect-secrets on {size / 1e6:.1f} MB (minutes) ...", flush=True)
    found = run_detect_secrets(where)
    cache.write_text(json.dumps(found))
    return found, size


def real(show: int, ds_subset_mb: float | None) -> None:
    root = corpus.build()
    _, size = corpus.describe(root)
    ours_all = run_policyctl(root)
    theirs, ds_size = detect_secrets_on(root, ds_subset_mb)
    print(f"real-code corpus: {size / 1e6:.1f} MB ({root})")
    total = sum(len(v) for v in ours_all.values())
    rules = Counter(rule for items in ours_all.values() for _, rule in items)
    print(
        f"  policyctl       {total:6d} findings, {total * 100e6 / size:8.1f} per 100 MB"
        " (whole corpus)"
    )
    for rule, count in rules.most_common(25):
        print(f"      {count:6d}  {count * 100e6 / size:8.1f}/100 MB  {rule}")
    ours = ours_all
    if ds_subset_mb is not None:
        kept = set(corpus.subset(root, ds_subset_mb))
        ours = {p: v for p, v in ours_all.items() if p in kept}
        print(
            f"  compared on a fixed subset of {ds_size / 1e6:.1f} MB ({len(kept)} files,"
            f" --ds-subset-mb {ds_subset_mb:g}); per 100 MB of that subset:"
        )
    per100 = 100e6 / ds_size
    for tool, found in (("policyctl", ours), ("detect-secrets", theirs)):
        total = sum(len(v) for v in found.values())
        rules = Counter(rule for items in found.values() for _, rule in items)
        print(f"  {tool:15s} {total:6d} findings, {total * per100:8.1f} per 100 MB")
        for rule, count in rules.most_common(25):
            print(f"      {count * per100:8.1f}  {rule}")
    ours_at = {(p, line) for p, items in ours.items() for line, _ in items}
    theirs_at = {(p, line) for p, items in theirs.items() for line, _ in items}
    both = ours_at & theirs_at
    print(
        f"  agreement: {len(both)} lines found by both; policyctl only {len(ours_at - theirs_at)};"
        f" detect-secrets only {len(theirs_at - ours_at)}"
    )
    print("  policyctl findings, with detect-secrets' verdict on the same line:")
    for path, items in sorted(ours_all.items()):
        for line, rule in items:
            theirs_here = [r for ln, r in theirs.get(path, []) if ln == line]
            verdict = ", ".join(theirs_here) or ("-" if path in ours else "not run")
            print(f"    {path}:{line}  {rule}  | detect-secrets: {verdict}")
    strong = {
        "Private Key",
        "AWS Access Key",
        "GitHub Token",
        "Slack Token",
        "Stripe Access Key",
        "JSON Web Token",
        "Basic Auth Credentials",
        "Twilio API Key",
        "SendGrid API Key",
        "NPM tokens",
        "Artifactory Credentials",
        "Azure Storage Account access key",
        "Discord Bot Token",
        "GitLab Token",
        "Mailchimp Access Key",
        "OpenAI Token",
        "PyPI upload token",
        "Square OAuth Secret",
        "Telegram Bot Token",
        "IBM Cloud IAM Key",
    }
    missed = sorted(
        (p, ln, r)
        for p, items in theirs.items()
        for ln, r in items
        if r in strong and (p, ln) not in ours_at
    )
    kinds = Counter(r for items in theirs.values() for _, r in items)
    print(f"  detect-secrets types overall: {dict(kinds.most_common(12))}")
    print(f"  format-specific detect-secrets findings policyctl does not report: {len(missed)}")
    for p, ln, r in missed[:show]:
        print(f"    {p}:{ln}  {r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-real", action="store_true")
    parser.add_argument("--show", type=int, default=40, help="examples of misses to print")
    parser.add_argument(
        "--ds-subset-mb",
        type=float,
        default=None,
        help="compare with detect-secrets on a fixed subset of this many MB of the real corpus",
    )
    parser.add_argument("--skip-labelled", action="store_true")
    args = parser.parse_args()
    if not args.skip_labelled:
        labelled(args.show)
    if not args.skip_real:
        real(args.show, args.ds_subset_mb)


if __name__ == "__main__":
    sys.exit(main())
