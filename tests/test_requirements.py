"""The dependency lock agrees with pyproject.toml, and the vulnerability scan never passes a
vulnerability or an unchecked lock silently."""

import pytest

from requirements import audit, lock

PYPROJECT = """
[project]
name = "x"
requires-python = ">=3.12"
dependencies = ["django>=6.1,<6.2", "pillow>=13"]
[project.optional-dependencies]
dev = ["pytest>=8"]
production = ["gunicorn>=23"]
bench = ["gunicorn>=23"]
[build-system]
requires = ["setuptools>=75"]
"""


def locked(pyproject: str, *pins: str) -> str:
    body = "".join(f"{pin} \\\n    --hash=sha256:{'ab' * 32}\n    # via x\n" for pin in pins)
    return f"{lock.STAMP}{lock.digest(pyproject)}\n# header\n{body}"


RUNTIME = ("django==6.1.3", "pillow==13.0.0", "setuptools==80.0")


def every_set(pyproject: str = PYPROJECT) -> dict[str, str | None]:
    return {
        "runtime": locked(pyproject, *RUNTIME),
        "production": locked(pyproject, *RUNTIME, "gunicorn==23.0.0"),
        "dev": locked(pyproject, *RUNTIME, "pytest==8.4.0"),
        "bench": locked(pyproject, *RUNTIME, "gunicorn==23.0.0"),
    }


class TestLockCheck:
    def test_a_matching_lock_passes(self) -> None:
        assert lock.problems(PYPROJECT, every_set()) == []

    def test_a_dependency_added_to_pyproject_is_caught(self) -> None:
        changed = PYPROJECT.replace('"pillow>=13"', '"pillow>=13", "rich>=13"')
        found = lock.problems(changed, every_set())
        assert "requirements/runtime.txt was written from another pyproject.toml." in found
        assert "requirements/runtime.txt does not pin rich." in found

    def test_a_pin_outside_the_range_is_caught(self) -> None:
        locks = every_set()
        locks["runtime"] = locked(PYPROJECT, "django==6.2.0", "pillow==13.0.0", "setuptools==80")
        assert lock.problems(PYPROJECT, locks) == [
            "requirements/runtime.txt pins django 6.2.0, not django<6.2,>=6.1."
        ]

    def test_a_pin_without_hashes_and_a_missing_file_are_caught(self) -> None:
        locks = every_set()
        locks["dev"] = locks["dev"].replace(f"--hash=sha256:{'ab' * 32}", "")  # type: ignore[union-attr]
        locks["bench"] = None
        found = lock.problems(PYPROJECT, locks)
        assert any(p.startswith("requirements/dev.txt pins without hashes: django") for p in found)
        assert "requirements/bench.txt is missing." in found

    def test_an_extra_no_lock_holds_is_caught(self) -> None:
        changed = PYPROJECT.replace("[build-system]", 'docs = ["sphinx"]\n[build-system]')
        assert lock.problems(changed, every_set(changed)) == [
            "pyproject.toml has extras no lock file holds: ['docs']."
        ]

    def test_the_committed_lock_matches_the_committed_pyproject(self) -> None:
        assert lock.check() == 0


def result(*dependencies: dict[str, object]) -> dict[str, object]:
    return {"dependencies": list(dependencies), "fixes": []}


VULNERABLE = {
    "name": "django",
    "version": "6.1.0",
    "vulns": [{"id": "PYSEC-2099-1", "aliases": ["CVE-2099-1"], "fix_versions": ["6.1.1"]}],
}


class TestAudit:
    def test_a_known_vulnerability_fails(self, capsys: pytest.CaptureFixture[str]) -> None:
        report = audit.judge(result(VULNERABLE, {"name": "pillow", "version": "13"}), {})
        assert report.failed and report.checked == 2
        assert audit.speak(report) == 1
        assert "django 6.1.0: PYSEC-2099-1 (fixed in: 6.1.1)" in capsys.readouterr().err

    def test_an_allowed_one_passes_with_its_reason(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        allowed = audit.allowed_ids("CVE-2099-1  # only the XML-RPC client, unused\n")
        assert audit.speak(audit.judge(result(VULNERABLE), allowed)) == 0
        assert "allowed: only the XML-RPC client, unused" in capsys.readouterr().out

    def test_an_allowance_needs_a_reason(self) -> None:
        with pytest.raises(ValueError, match="reason"):
            audit.allowed_ids("# comment\nPYSEC-2099-1\n")

    def test_unchecked_packages_are_said_never_silent(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        skipped = {"name": "segno", "skip_reason": "Dependency not found on PyPI"}
        report = audit.judge(result(skipped, {"name": "pillow", "version": "13"}), {})
        assert audit.speak(report) == 0
        out = capsys.readouterr().out
        assert "did not answer for 1 of 2 locked packages" in out
        assert "NOT checked" in out and "segno" in out
        assert "1 locked packages checked, no known vulnerability" in out
