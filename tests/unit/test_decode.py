"""Encoded blobs: base64 and URL-encoded text is decoded once more and rescanned."""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import quote

from policyctl.core.model import Chunk, Location
from policyctl.detection import decode
from policyctl.detection.detect import DetectOptions, detect
from tests.conftest import RunPolicyctl, assert_no_secret_in, compiled_builtin, write_files
from tests.fakes import ALNUM, github_pat, pick, slack_bot_token


def findings(text: str, **options: object) -> list[tuple[str, str | None]]:
    chunk = Chunk(data=text.encode(), origin=Location(path="deploy/app.yaml"))
    found = detect(chunk, compiled_builtin(), DetectOptions(**options))  # type: ignore[arg-type]
    return [(f.rule_id, f.decoded) for f in found]


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_a_token_inside_a_kubernetes_secret_value_is_found_and_marked_decoded() -> None:
    token = github_pat("k8s")
    manifest = (
        f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci\ndata:\n  token: {b64(token)}\n"
    )
    assert ("secret.github-pat-classic", "base64") in findings(manifest)


def test_a_token_inside_basic_auth_is_found() -> None:
    token = github_pat("basic")
    header = f'curl -H "Authorization: Basic {b64("x-access-token:" + token)}" https://x.test\n'
    assert ("secret.github-pat-classic", "base64") in findings(header)


def test_a_url_encoded_connection_string_is_decoded() -> None:
    password = pick(ALNUM, 18, "url")
    url = quote(f"postgresql://app:{password}@db.internal:5432/orders", safe="")
    assert ("secret.database-url-password", "url") in findings(f"DATABASE={url}\n")


def test_decoding_can_be_turned_off_by_depth() -> None:
    token = slack_bot_token("depth")
    text = f'{{"auths": {{"r": {{"auth": "{b64("bot:" + token)}"}}}}}}'
    assert ("secret.slack-bot-token", "base64") in findings(text)
    assert ("secret.slack-bot-token", "base64") not in findings(text, decode_depth=0)


def test_binary_payloads_are_not_decoded() -> None:
    image = base64.b64encode(bytes(range(256)) * 4).decode()
    assert list(decode.encoded_blobs(f"Authorization: Basic {image}".encode())) == []


def test_base64_text_accepts_standard_and_url_safe_alphabets() -> None:
    assert decode.base64_text(base64.b64encode(b"user:some password").rstrip(b"=")) is not None
    assert decode.base64_text(base64.urlsafe_b64encode(b"user:pass>>>??word")) is not None
    assert decode.base64_text(b"not base64 at all!") is None


def test_decoded_findings_are_in_the_report_with_the_blob_location(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    token = github_pat("report")
    write_files(
        tmp_path,
        {"k8s/secret.yaml": f"kind: Secret\napiVersion: v1\ndata:\n  GH: {b64(token)}\n"},
    )
    result = policyctl_in_process("scan", tmp_path, "--format", "json", "--no-ignore")
    assert result.code == 1
    found = [f for f in result.json()["findings"] if f.get("decoded")]
    assert [(f["rule_id"], f["location"]["line"], f["decoded"]) for f in found] == [
        ("secret.github-pat-classic", 4, "base64")
    ]
    assert_no_secret_in([result.out, result.err], [token])
