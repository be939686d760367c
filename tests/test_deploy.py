"""Running it for a school: the systemd unit, the container definition and ARGMAP_INSTANCE.

No container engine runs on the test machine, so the image is never built here: these tests
check that what the Containerfile and the unit name exists (files, packages, CLI commands and
options, the health check's page) and, where `systemd-analyze` is installed, that systemd
accepts the unit.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from argmap import create_app, settings
from argmap.cli import main

ROOT = Path(__file__).resolve().parent.parent
UNIT = ROOT / "deploy" / "argmap.service"
CONTAINERFILE = ROOT / "deploy" / "Containerfile"
ENV_FILE = ROOT / "deploy" / "argmap.env"
STATE = "/var/lib/argmap"


def unit() -> dict[str, dict[str, list[str]]]:
    """The unit file as section -> key -> values (a key may be given more than once)."""
    found: dict[str, dict[str, list[str]]] = {}
    section = None
    for line in UNIT.read_text().splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = found.setdefault(line.strip("[]"), {})
            continue
        key, sep, value = line.partition("=")
        assert sep and section is not None, f"not a unit line: {line}"
        section.setdefault(key.strip(), []).append(value.strip())
    return found


def instructions() -> list[tuple[str, str]]:
    """The Containerfile as (INSTRUCTION, arguments), continuation lines joined."""
    joined = re.sub(r"\\\n", " ", CONTAINERFILE.read_text())
    lines = [line.strip() for line in joined.splitlines()]
    return [
        (word.upper(), rest.strip())
        for word, _, rest in (line.partition(" ") for line in lines if line and line[0] != "#")
    ]


def given(name: str) -> list[str]:
    """The arguments of every instruction with this name."""
    return [rest for word, rest in instructions() if word == name]


def environment(text: str) -> dict[str, str]:
    """NAME=value pairs of an ENV instruction or Environment= lines."""
    return dict(pair.split("=", 1) for pair in text.split())


def check_cli(args: list[str]) -> click.Context:
    """The argmap command line as the service runs it: a real command with real options."""
    assert args[0] in main.commands, f"argmap has no command {args[0]}"
    return main.commands[args[0]].make_context(args[0], list(args[1:]))


def test_the_unit_runs_argmap_serve_as_its_own_user_confined_to_the_state_folder():
    service = unit()["Service"]
    one = {key: values[-1] for key, values in service.items()}
    assert one["User"] == "argmap" and one["Group"] == "argmap"
    assert one["Restart"] == "on-failure"
    assert int(one["LimitNOFILE"]) >= 65536
    assert (one["ProtectSystem"], one["ReadWritePaths"]) == ("strict", STATE)
    assert (one["ProtectHome"], one["NoNewPrivileges"], one["PrivateTmp"]) == ("yes",) * 3
    assert one["KillSignal"] == "SIGINT" and int(one["TimeoutStopSec"]) <= 30
    assert one["EnvironmentFile"] == "/etc/argmap/argmap.env"
    env = environment(" ".join(service["Environment"]))
    assert env["ARGMAP_INSTANCE"] == STATE
    assert env["ARGMAP_EXPORTS"].startswith(STATE + "/")
    binary, *args = one["ExecStart"].split()
    assert binary.endswith("/.venv/bin/argmap")
    ran = check_cli(args)
    assert ran.info_name == "serve" and ran.params["host"] == "0.0.0.0"
    assert unit()["Install"]["WantedBy"] == ["multi-user.target"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_systemd_accepts_the_unit(tmp_path):
    # The unit names /opt/argmap's argmap; systemd checks it is executable, so point it at ours.
    ours = Path(sys.executable).parent / "argmap"
    text = UNIT.read_text().replace("/opt/argmap/.venv/bin/argmap", str(ours))
    (tmp_path / "argmap.service").write_text(text)
    done = subprocess.run(
        ["systemd-analyze", "verify", str(tmp_path / "argmap.service")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def test_the_example_environment_file_sets_only_real_settings():
    names = [
        line.split("=", 1)[0]
        for line in ENV_FILE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert names
    assert [n for n in names if n.removeprefix("ARGMAP_") not in settings.BY_NAME] == []


def test_the_container_copies_what_argmap_needs_and_nothing_missing():
    copied = []
    for rest in given("COPY"):
        *sources, _target = rest.split()
        copied += sources
    assert [s for s in copied if not (ROOT / s).exists()] == []
    assert {"pyproject.toml", "argmap", "static", "seeds"} <= set(copied)
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert "instance" in ignored and ".venv" in ignored  # no secret key or venv in an image


def test_the_container_is_debian_slim_with_python_graphviz_and_fonts():
    [base] = given("FROM")
    assert re.fullmatch(r"debian:bookworm-slim", base)  # bookworm's python3 is 3.11
    packages = apt_packages()
    assert {"python3", "python3-venv", "graphviz"} <= set(packages)
    assert any(p.startswith("fonts-") for p in packages)


def apt_packages() -> list[str]:
    """The Debian packages the Containerfile installs."""
    for rest in given("RUN"):
        found = re.search(r"apt-get install ((?:[-\w.+]+\s+)+)", rest)
        if found:
            return [w for w in found.group(1).split() if not w.startswith("-")]
    raise AssertionError("the Containerfile installs no Debian packages")


@pytest.mark.skipif(shutil.which("apt-cache") is None, reason="needs Debian's apt-cache")
def test_the_container_packages_exist_in_debian():
    for package in apt_packages():
        done = subprocess.run(["apt-cache", "show", package], capture_output=True, check=False)
        assert done.returncode == 0, f"Debian has no package {package}"


def test_the_container_runs_argmap_serve_as_a_user_with_the_instance_as_its_volume(app):
    [user] = given("USER")
    assert user not in ("root", "0")
    made = [
        r.split("useradd", 1)[1].split("&&")[0].split()[-1] for r in given("RUN") if "useradd" in r
    ]
    assert made == [user]
    env = environment(" ".join(given("ENV")))
    assert given("VOLUME") == [env["ARGMAP_INSTANCE"]] == [STATE]
    [cmd] = given("CMD")
    args = json.loads(cmd)
    assert args[0] == "argmap"
    ran = check_cli(args[1:])
    assert ran.info_name == "serve" and ran.params["host"] == "0.0.0.0"
    assert given("EXPOSE") == [str(ran.params["port"])]
    assert given("STOPSIGNAL") == ["SIGINT"]


def test_the_container_health_check_asks_a_page_that_answers(app):
    [check] = given("HEALTHCHECK")
    found = re.search(r"http://127\.0\.0\.1:(\d+)(/[^'\" ]*)", check)
    assert found, check
    assert given("EXPOSE") == [found.group(1)]
    assert app.test_client().get(found.group(2)).status_code == 200


def test_argmap_instance_names_the_folder_of_the_database_secret_and_config(tmp_path, monkeypatch):
    state = tmp_path / "state"
    state.mkdir()
    (state / "config.py").write_text('PUBLIC_URL = "http://argmap.school.example"\n')
    for name in ("ARGMAP_DATABASE", "ARGMAP_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ARGMAP_INSTANCE", str(state))
    monkeypatch.setenv("ARGMAP_SEED", "0")
    made = create_app()
    assert made.instance_path == str(state)
    assert made.config["DATABASE"] == str(state / "argmap.sqlite")
    assert (state / "argmap.sqlite").is_file() and (state / "secret_key").is_file()
    assert made.config["PUBLIC_URL"] == "http://argmap.school.example"
