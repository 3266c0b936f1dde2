"""Archives: zip (jar, war, whl, nupkg, apk ...), tar, tar.gz and .gz are scanned inside."""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests import fakes
from tests.conftest import RunPolicyctl, assert_no_secret_in

EMAIL = "jane.roe@northwind-mail.com"


def zip_bytes(members: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def tar_bytes(members: dict[str, str | bytes], mode: str = "w") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as archive:  # type: ignore[call-overload]
        for name, content in members.items():
            data = content.encode() if isinstance(content, str) else content
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _where(report: dict[str, object]) -> dict[str, str]:
    """Each finding's `path:line` and its rule."""
    findings = report["findings"]
    assert isinstance(findings, list)
    return {f"{f['location']['path']}:{f['location']['line']}": f["rule_id"] for f in findings}


@pytest.mark.parametrize(
    "name", ["bundle.zip", "lib.jar", "app.war", "pkg.whl", "p.nupkg", "a.apk"]
)
def test_a_secret_inside_a_zip_based_archive_is_found_and_located_inside_it(
    policyctl_in_process: RunPolicyctl, tmp_path: Path, name: str
) -> None:
    token = fakes.github_pat(name)
    (tmp_path / name).write_bytes(zip_bytes({"conf/app.py": f"x = 1\ntoken = '{token}'\n"}))

    run = policyctl_in_process("scan", ".", "-f", "json", cwd=tmp_path)

    assert run.code == 1
    assert _where(run.json()) == {f"{name}!conf/app.py:2": "secret.github-pat-classic"}
    assert_no_secret_in([run.out, run.err], [token])


@pytest.mark.parametrize(
    ("name", "mode"),
    [("dist.tar", "w"), ("dist.tar.gz", "w:gz"), ("dist.tgz", "w:gz"), ("dist.tar.xz", "w:xz")],
)
def test_tar_archives_plain_or_compressed_are_read_inside(
    policyctl_in_process: RunPolicyctl, tmp_path: Path, name: str, mode: str
) -> None:
    key = fakes.aws_access_key_id(name)
    (tmp_path / name).write_bytes(tar_bytes({"etc/creds.ini": f"[x]\nid = {key}\n"}, mode))

    report = policyctl_in_process("scan", ".", "-f", "json", cwd=tmp_path).json()

    assert _where(report) == {f"{name}!etc/creds.ini:2": "secret.aws-access-key-id"}


def test_a_gzip_compressed_source_file_is_read_as_the_file_it_holds(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    token = fakes.stripe_live_key("gz")
    (tmp_path / "settings.py.gz").write_bytes(gzip.compress(f"KEY = '{token}'\n".encode()))

    run = run_policyctl("scan", ".", "-f", "json", cwd=tmp_path)

    assert _where(run.json()) == {"settings.py.gz!settings.py:1": "secret.stripe-secret-key"}
    assert_no_secret_in([run.out, run.err], [token])


def test_nested_archives_are_located_with_one_bang_per_level(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    token = fakes.github_pat("nested")
    inner = tar_bytes({"c.txt": f"token: {token}\n"}, "w")
    (tmp_path / "a.zip").write_bytes(zip_bytes({"b.tar": inner}))

    run = run_policyctl("scan", ".", "--no-progress", cwd=tmp_path)

    assert run.code == 1
    assert "a.zip!b.tar!c.txt:1" in run.out


def test_an_archive_members_kind_comes_from_its_own_name(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    table = f"name,email\nJane Roe,{EMAIL}\nJohn Roe,john.roe@northwind-mail.com\n"
    log = f"2026-01-01T10:00:00 login ok user={EMAIL}\n"
    code = f"# maintainer: {EMAIL}\n"
    (tmp_path / "export.zip").write_bytes(
        zip_bytes({"users.csv": table, "logs/app.log": log, "src/app.py": code})
    )

    report = policyctl_in_process("scan", ".", "--per-cell", "-f", "json", cwd=tmp_path).json()

    kinds = {(f["location"]["path"], f["source_kind"]) for f in report["findings"]}
    assert ("export.zip!users.csv", "datasets") in kinds
    assert ("export.zip!logs/app.log", "logs") in kinds
    assert not any(path == "export.zip!src/app.py" for path, _ in kinds)  # code: no e-mail rule
    cells = [f for f in report["findings"] if f["location"]["path"] == "export.zip!users.csv"]
    assert {f["location"]["field"] for f in cells} == {"email"}


def test_max_archive_depth_one_reads_an_archive_but_not_the_archives_in_it(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    outer_token, inner_token = fakes.github_pat("outer"), fakes.github_pat("inner")
    inner = zip_bytes({"deep.py": f"t = '{inner_token}'\n"})
    (tmp_path / "a.zip").write_bytes(
        zip_bytes({"top.py": f"t = '{outer_token}'\n", "b.zip": inner})
    )

    run = policyctl_in_process("scan", ".", "--max-archive-depth", "1", "-f", "json", cwd=tmp_path)

    report = run.json()
    assert set(_where(report)) == {"a.zip!top.py:1"}
    assert {
        "path": "a.zip!b.zip",
        "message": "skipped: archive nested deeper than --max-archive-depth 1",
        "level": "warning",
    } in report["notices"]


def test_max_archive_depth_zero_turns_archives_off(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    (tmp_path / "a.zip").write_bytes(zip_bytes({"top.py": f"t = '{fakes.github_pat('off')}'\n"}))

    run = policyctl_in_process("scan", ".", "--max-archive-depth", "0", cwd=tmp_path)

    assert run.code == 0


def test_excludes_apply_to_paths_inside_archives(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    token = fakes.github_pat("excluded")
    (tmp_path / "a.zip").write_bytes(zip_bytes({"tests/fixture.py": f"t = '{token}'\n"}))

    assert policyctl_in_process("scan", ".", "-x", "tests/", cwd=tmp_path).code == 0


def test_inline_ignores_and_baselines_work_inside_archives(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    ignored = f"t = '{fakes.github_pat('ign')}'  # policyctl: ignore\n"
    accepted = f"t = '{fakes.github_pat('acc')}'\n"
    (tmp_path / "a.zip").write_bytes(zip_bytes({"ignored.py": ignored, "accepted.py": accepted}))
    policyctl_in_process("baseline", "create", cwd=tmp_path)

    report = policyctl_in_process(
        "scan", ".", "--baseline", ".policyctl-baseline.json", "-f", "json", cwd=tmp_path
    ).json()

    reasons = {f["location"]["path"]: f["suppressed"] for f in report["findings"]}
    assert reasons == {"a.zip!ignored.py": "inline", "a.zip!accepted.py": "baseline"}


def test_a_corrupt_archive_is_one_warning_and_the_scan_goes_on(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 this is not really a zip file")
    (tmp_path / "ok.py").write_text(f"t = '{fakes.github_pat('ok')}'\n")

    run = run_policyctl("scan", ".", "--no-progress", cwd=tmp_path)

    assert run.code == 1
    assert "ok.py:1" in run.out
    assert "policyctl: warning: broken.zip: not a readable zip archive" in run.err


def test_the_archive_depth_can_come_from_the_environment_but_not_the_repository_config(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    (tmp_path / "a.zip").write_bytes(zip_bytes({"top.py": f"t = '{fakes.github_pat('env')}'\n"}))

    by_env = policyctl_in_process(
        "scan", ".", cwd=tmp_path, env={"POLICYCTL_MAX_ARCHIVE_DEPTH": "0"}
    )
    (tmp_path / ".policyctl.yaml").write_text("version: 1\nmax_archive_depth: 0\n")
    by_config = policyctl_in_process("scan", ".", cwd=tmp_path)

    assert by_env.code == 0
    assert by_config.code == 2
    assert "max_archive_depth" in by_config.err


def test_allowlist_path_globs_see_the_location_inside_the_archive(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    (tmp_path / "vendor").mkdir()
    token = fakes.github_pat("vendored")
    (tmp_path / "vendor/x.jar").write_bytes(zip_bytes({"a/B.properties": f"t={token}\n"}))
    (tmp_path / ".policyctl.yaml").write_text(
        "version: 1\nallowlist:\n  paths: ['vendor/*.jar!**']\n"
    )

    report = policyctl_in_process("scan", ".", "-f", "json", cwd=tmp_path).json()

    [finding] = report["findings"]
    assert finding["location"]["path"] == "vendor/x.jar!a/B.properties"
    assert finding["suppressed"] == "allowlist"
