"""The image collects static files once, at build; the web container starts gunicorn without
collecting them again (70 s at every start, for files the image already holds)."""

import re
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _make_commands(target: str) -> str:
    """The commands `make <target>` would run (dry run, prerequisites included)."""
    return subprocess.run(
        ["make", "-n", target, "HOST=0.0.0.0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_the_image_collects_static_files_at_build():
    dockerfile = (ROOT / "Dockerfile").read_text()
    runs = re.findall(r"^RUN (.*?)(?<!\\)$", dockerfile, flags=re.M | re.S)
    assert any("collectstatic" in run for run in runs)


def test_the_web_container_starts_gunicorn_without_collectstatic():
    dockerfile = (ROOT / "Dockerfile").read_text()
    cmd = re.search(r'^CMD \["make", "([\w-]+)"', dockerfile, flags=re.M).group(1)
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    web = compose["services"]["web"]["command"]
    target = re.search(r"make ([\w-]+)", web).group(1)
    for name in {cmd, target}:
        commands = _make_commands(name)
        assert "gunicorn" in commands
        assert "collectstatic" not in commands
    assert "collectstatic" not in web
    # Outside Docker, serve-prod still collects first.
    assert "collectstatic" in _make_commands("serve-prod")
