"""The lock (`requirements.lock`) pins every dependency the application is installed and tested with.

pyproject.toml keeps ranges, for people who install callwatch as a library; the Dockerfile, `.ci/run` and the
README install with `-c requirements.lock`, so an application install gets exactly the versions the suite ran
with. When pyproject.toml gains a dependency the lock lacks, these tests fail until the lock is regenerated with
the command in its header (also in the README's operator section).
"""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements.lock"
COMMAND = "uv pip compile pyproject.toml --all-extras --universal --python-version 3.11 -o requirements.lock"
INSTALL = "-c requirements.lock"


def locked() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for line in LOCK.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", line)
        if match:
            pins[canonicalize_name(match.group(1))] = Version(match.group(2))
    return pins


def declared() -> list[Requirement]:
    """Every requirement of pyproject.toml: the dependencies and every extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project.get("optional-dependencies", {}).values()
    return [Requirement(text) for text in [*project["dependencies"], *(item for extra in extras for item in extra)]]


def missing_from(pins: dict[str, Version], requirements: list[Requirement]) -> list[str]:
    """The requirements the lock does not pin, or pins at a version outside the declared range."""
    problems = []
    for requirement in requirements:
        pinned = pins.get(canonicalize_name(requirement.name))
        if pinned is None:
            problems.append(f"{requirement}: not in the lock")
        elif not requirement.specifier.contains(pinned, prereleases=True):
            problems.append(f"{requirement}: the lock pins {pinned}")
    return problems


def test_the_lock_pins_every_declared_dependency_within_its_range() -> None:
    problems = missing_from(locked(), declared())
    assert not problems, f"regenerate the lock with `{COMMAND}`:\n" + "\n".join(problems)


def test_a_dependency_added_to_pyproject_without_the_lock_is_caught() -> None:
    """Calibration: the check fails for exactly the kinds of drift it is there for."""
    pins = locked()
    added = [*declared(), Requirement("sentry-sdk>=2.0"), Requirement("hypothesis-jsonschema>=0.23")]
    expected = ["sentry-sdk>=2.0: not in the lock", "hypothesis-jsonschema>=0.23: not in the lock"]
    assert sorted(missing_from(pins, added)) == sorted(expected)
    assert missing_from(pins, [Requirement("pandas<1")]) == [f"pandas<1: the lock pins {pins['pandas']}"]


def test_the_lock_covers_what_the_dependencies_themselves_need() -> None:
    """Walk the installed dependency tree from pyproject.toml (markers evaluated here): every package reached is
    pinned, so `pip install -c requirements.lock` leaves no version to chance."""
    pins = locked()
    environment = default_environment()
    seen: set[str] = set()
    queue = [(requirement, "") for requirement in declared()]
    unpinned = []
    while queue:
        requirement, extra = queue.pop()
        if requirement.marker and not requirement.marker.evaluate({**environment, "extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        key = f"{name}[{','.join(sorted(requirement.extras))}]"
        if key in seen:
            continue
        seen.add(key)
        if name not in pins:
            unpinned.append(name)
        try:
            requires = distribution(requirement.name).requires or []
        except PackageNotFoundError:
            continue  # not installed here: the declared-dependency test above speaks for it
        for text in requires:
            child = Requirement(text)
            if child.marker is None or not requirement.extras:
                queue.append((child, ""))
            for wanted in requirement.extras:
                queue.append((child, wanted))
    assert not unpinned, f"regenerate the lock with `{COMMAND}`: {sorted(set(unpinned))} are not pinned"
    assert len(seen) > 40  # the walk really went through the tree


def test_every_install_path_installs_from_the_lock() -> None:
    assert COMMAND in LOCK.read_text().splitlines()[1]  # uv writes the command that regenerates it
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert "COPY requirements.lock" in dockerfile and "--constraint requirements.lock" in dockerfile
    ci = (ROOT / ".ci" / "run").read_text()
    assert f"pip install {INSTALL} -e '.[test]'" in ci
    readme = (ROOT / "README.md").read_text()
    assert f".venv/bin/pip install {INSTALL} -e . && .venv/bin/callwatch run" in readme
    assert f".venv/bin/pip install {INSTALL} -e '.[test]' && .venv/bin/pytest" in readme
    assert COMMAND in readme
