"""The dependency lock: every package the project installs, at one version, with its hashes.

    python requirements/lock.py            write the lock files from pyproject.toml (`make lock`)
    python requirements/lock.py --upgrade  the same, moving every package to its newest version
    python requirements/lock.py --check    fail when pyproject.toml and the lock files disagree
    python requirements/lock.py --prune    uninstall from this venv what no lock file names

One file per set of packages, each complete (pip installs it with --require-hashes --no-deps):

    runtime.txt     what the app needs, and the build backend that installs the project itself
    production.txt  runtime + the `production` extra (the WSGI server)
    dev.txt         runtime + the `dev` extra (tests, checks, uv, pip-audit)
    bench.txt       runtime + the `bench` extra

All the sets are resolved together first, so a package has the same version in every file. The
resolution is universal (every platform, Python 3.12 and newer) and each file names the hashes of
every file of each version, so the lock installs the same on any machine. Without --upgrade the
versions already locked are kept wherever pyproject.toml still allows them. uv resolves: it
writes hashed, universal locks in seconds and does not depend on pip's internals.

Each file starts with the SHA-256 of what pyproject.toml asks for (dependencies, extras, build
requirements, Python version): `--check` (in `make lint`) compares it, and checks that every
requirement is pinned to a version it accepts and that every pin carries hashes.
"""

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "requirements"
SETS: dict[str, tuple[str, ...]] = {
    "runtime": (),
    "production": ("production",),
    "dev": ("dev",),
    "bench": ("bench",),
}
PYTHON = "3.12"
STAMP = "# pyproject.toml sha256: "
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def asked(pyproject: str) -> dict[str, object]:
    """What pyproject.toml asks for, as the lock sees it."""
    data = tomllib.loads(pyproject)
    project = data["project"]
    return {
        "requires-python": project.get("requires-python", ""),
        "dependencies": project.get("dependencies", []),
        "optional-dependencies": project.get("optional-dependencies", {}),
        "build-system": data.get("build-system", {}).get("requires", []),
    }


def digest(pyproject: str) -> str:
    return hashlib.sha256(json.dumps(asked(pyproject), sort_keys=True).encode()).hexdigest()


def requirements_of(pyproject: str, name: str) -> list[str]:
    """The requirements the set NAME must satisfy directly."""
    wants = asked(pyproject)
    found = [*wants["dependencies"], *wants["build-system"]]  # type: ignore[misc]
    extras: dict[str, list[str]] = wants["optional-dependencies"]  # type: ignore[assignment]
    for extra in SETS[name]:
        found.extend(extras.get(extra, []))
    return found


def pins(lock: str) -> dict[str, tuple[str, int]]:
    """Each pinned package of a lock file: its version and how many hashes it carries."""
    found: dict[str, tuple[str, int]] = {}
    current = ""
    for line in lock.splitlines():
        if matched := PIN.match(line):
            current = canonicalize_name(matched[1])
            found[current] = (matched[2], 0)
        elif current and line.strip().startswith("--hash=sha256:"):
            version, count = found[current]
            found[current] = (version, count + 1)
        elif not line.startswith(" "):
            current = ""
    return found


def problems(pyproject: str, locks: dict[str, str | None]) -> list[str]:
    """What is wrong between pyproject.toml and the lock files (LOCKS: set name -> text)."""
    found: list[str] = []
    wants = asked(pyproject)
    extras = set(wants["optional-dependencies"])  # type: ignore[arg-type]
    unlocked = extras - {extra for chosen in SETS.values() for extra in chosen}
    if unlocked:
        found.append(f"pyproject.toml has extras no lock file holds: {sorted(unlocked)}.")
    expected = digest(pyproject)
    for name, text in locks.items():
        path = f"requirements/{name}.txt"
        if text is None:
            found.append(f"{path} is missing.")
            continue
        if not text.startswith(STAMP + expected):
            found.append(f"{path} was written from another pyproject.toml.")
        pinned = pins(text)
        for requirement in map(Requirement, requirements_of(pyproject, name)):
            if requirement.marker and not requirement.marker.evaluate():
                continue
            pin = pinned.get(canonicalize_name(requirement.name))
            if pin is None:
                found.append(f"{path} does not pin {requirement.name}.")
            elif not requirement.specifier.contains(Version(pin[0]), prereleases=True):
                found.append(f"{path} pins {requirement.name} {pin[0]}, not {requirement}.")
        unhashed = sorted(package for package, (_v, count) in pinned.items() if count == 0)
        if unhashed:
            found.append(f"{path} pins without hashes: {', '.join(unhashed)}.")
    return found


def check() -> int:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    locks = {name: _read(FOLDER / f"{name}.txt") for name in SETS}
    found = problems(pyproject, locks)
    for problem in found:
        print(problem, file=sys.stderr)
    if found:
        print("The lock does not match pyproject.toml: run `make lock`.", file=sys.stderr)
        return 1
    return 0


def write(*, upgrade: bool) -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    build = "\n".join(asked(pyproject)["build-system"]) + "\n"  # type: ignore[arg-type]
    with tempfile.TemporaryDirectory(prefix="salvaguarda-lock-") as tmp:
        work = Path(tmp)
        (work / "build-system.in").write_text(build, encoding="utf-8")
        everything = work / "everything.txt"
        if not upgrade:  # the versions locked today are preferred
            everything.write_text(_locked_today(), encoding="utf-8")
        _compile(work, everything, ["--all-extras"] + (["--upgrade"] if upgrade else []))
        for name, extras in SETS.items():
            out = work / f"{name}.txt"
            options = [arg for extra in extras for arg in ("--extra", extra)]
            _compile(work, out, [*options, "--constraint", str(everything)])
            text = _tidy(out.read_text(encoding="utf-8"), work)
            lock = f"{STAMP}{digest(pyproject)}\n{text}"
            (FOLDER / f"{name}.txt").write_text(lock, encoding="utf-8")
            print(f"requirements/{name}.txt: {len(pins(lock))} packages")


def _compile(work: Path, out: Path, options: list[str]) -> None:
    command = [
        sys.executable,
        "-m",
        "uv",
        "pip",
        "compile",
        "--quiet",
        "--universal",
        "--python-version",
        PYTHON,
        "--generate-hashes",
        "--custom-compile-command",
        "make lock",
        "--output-file",
        str(out),
        *options,
        "pyproject.toml",
        str(work / "build-system.in"),
    ]
    subprocess.run(command, cwd=ROOT, check=True)  # noqa: S603


def _tidy(text: str, work: Path) -> str:
    """Drop the temporary files' names from the annotations uv writes."""
    kept = [line for line in text.splitlines() if str(work) not in line or "-r " in line]
    return "\n".join(kept).replace(str(work / "build-system.in"), "build-system") + "\n"


def _locked_today() -> str:
    found: dict[str, str] = {}
    for name in SETS:
        text = _read(FOLDER / f"{name}.txt") or ""
        found.update({package: version for package, (version, _n) in pins(text).items()})
    return "".join(f"{package}=={version}\n" for package, version in sorted(found.items()))


def prune() -> int:
    """Uninstall from the running venv the packages no lock file names (left by an older lock):
    with the reinstall of a changed lock, the venv is then what the lock says."""
    locked: set[str] = set()
    for name in SETS:
        locked |= set(pins(_read(FOLDER / f"{name}.txt") or ""))
    listed = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "pip", "list", "--format=json", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    extra = sorted(
        package["name"]
        for package in json.loads(listed)
        if canonicalize_name(package["name"]) not in locked
    )
    if extra:
        print(f"Removing what no lock names any more: {', '.join(extra)}")
        subprocess.run([sys.executable, "-m", "pip", "uninstall", "-q", "-y", *extra], check=True)  # noqa: S603
    return 0


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    parser.add_argument("--upgrade", action="store_true", help="newest versions allowed")
    parser.add_argument("--prune", action="store_true", help="uninstall what no lock names")
    options = parser.parse_args(argv)
    if options.check:
        return check()
    if options.prune:
        return prune()
    write(upgrade=options.upgrade)
    return check()


if __name__ == "__main__":
    sys.exit(main())
