"""Known vulnerabilities in the locked packages (`make test` runs it; `make audit` alone).

pip-audit reads the lock files (every set, with their hashes, nothing installed) and asks the
package registry's advisory database about each pinned version. Then:

- a known vulnerability not in requirements/audit-allow.txt fails (exit 1), with its id, the
  package and the versions that fix it;
- when the advisory database cannot be reached (no network, or a registry mirror that does not
  serve it), or does not answer for some packages, this is said plainly and the run continues
  (exit 0): those packages were NOT checked today. It never passes silently.

requirements/audit-allow.txt accepts a vulnerability on purpose: one line per advisory id, then
the reason after a "#" (a line without a reason is refused), e.g.

    PYSEC-2099-1  # only in the XML-RPC client, which the app never imports; revisit 2027-01
"""

import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKS = ("runtime", "production", "dev", "bench")
ALLOW = ROOT / "requirements" / "audit-allow.txt"
UNREACHABLE = re.compile(
    r"ConnectionError|ProxyError|Max retries exceeded|NameResolution|Temporary failure in name|"
    r"timed out|Timeout|Network is unreachable|Connection refused|SSLError",
)


@dataclass
class Report:
    checked: int = 0
    vulnerable: list[str] = field(default_factory=list)  # one line each, not allowed
    allowed: list[str] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)  # package==version

    @property
    def failed(self) -> bool:
        return bool(self.vulnerable)


def allowed_ids(text: str) -> dict[str, str]:
    """The allow-list: advisory id -> reason. Raises ValueError for a line without a reason."""
    found: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        advisory, _hash, reason = line.partition("#")
        if not reason.strip():
            raise ValueError(f"audit-allow.txt line {number}: give the reason after '#'.")
        found[advisory.strip()] = reason.strip()
    return found


def judge(result: dict[str, object], allowed: dict[str, str]) -> Report:
    """Read pip-audit's JSON output."""
    report = Report()
    for dependency in result.get("dependencies", []):  # type: ignore[attr-defined]
        name, version = dependency["name"], dependency.get("version")
        if dependency.get("skip_reason"):
            report.unchecked.append(f"{name}=={version}" if version else name)
            continue
        report.checked += 1
        for vulnerability in dependency.get("vulns", []):
            ids = [vulnerability["id"], *vulnerability.get("aliases", [])]
            fixes = ", ".join(vulnerability.get("fix_versions", [])) or "none yet"
            line = f"{name} {version}: {vulnerability['id']} (fixed in: {fixes})"
            reason = next((allowed[i] for i in ids if i in allowed), None)
            if reason is None:
                report.vulnerable.append(line)
            else:
                report.allowed.append(f"{line}, allowed: {reason}")
    return report


def run() -> int:
    try:
        allowed = allowed_ids(ALLOW.read_text(encoding="utf-8") if ALLOW.exists() else "")
    except ValueError as problem:
        print(f"pip-audit: {problem}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="salvaguarda-audit-") as tmp:
        output = Path(tmp) / "audit.json"
        command = [sys.executable, "-m", "pip_audit", "--disable-pip", "--progress-spinner", "off"]
        for name in LOCKS:
            command += ["--requirement", str(ROOT / "requirements" / f"{name}.txt")]
        command += ["--format", "json", "--output", str(output)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        text = output.read_text(encoding="utf-8") if output.exists() else ""
    if not text:
        if UNREACHABLE.search(done.stderr):
            print(
                "pip-audit: the advisory database could not be reached; the dependencies were "
                "NOT checked for known vulnerabilities this time. Run `make audit` where the "
                "network reaches the package registry."
            )
            return 0
        print(done.stderr, file=sys.stderr)
        print("pip-audit failed (see above).", file=sys.stderr)
        return 1
    return speak(judge(json.loads(text), allowed))


def speak(report: Report) -> int:
    for line in report.allowed:
        print(f"pip-audit: {line}")
    total = report.checked + len(report.unchecked)
    if report.unchecked:
        print(
            f"pip-audit: the advisory database did not answer for {len(report.unchecked)} of "
            f"{total} locked packages: they were NOT checked for known vulnerabilities this "
            "time (a registry mirror without the advisory data, or no network). Unchecked: "
            + ", ".join(report.unchecked[:8])
            + (", ..." if len(report.unchecked) > 8 else "")
        )
    if report.vulnerable:
        print("pip-audit: known vulnerabilities in the lock:", file=sys.stderr)
        for line in report.vulnerable:
            print(f"  {line}", file=sys.stderr)
        print(
            "Upgrade them (docs/operations.md, 'Upgrading the dependencies'), or accept one in "
            "requirements/audit-allow.txt with the reason.",
            file=sys.stderr,
        )
        return 1
    if report.checked:
        print(f"pip-audit: {report.checked} locked packages checked, no known vulnerability.")
    return 0


if __name__ == "__main__":
    sys.exit(run())
