"""The demo users: passwords generated once, kept out of git, never changed by a re-run."""

import subprocess
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tracker.demo import demo_load


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    # Hashing speed is not what these tests are about.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return tmp_path


def test_demo_users_get_a_password_once_and_keep_it(db, var_dir):
    first = demo_load()["new_credentials"]
    assert set(first) == {"editor", "analyst"}
    path = var_dir / "demo-credentials.txt"
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.read_text().splitlines() == [f"{u}\t{p}" for u, p in first.items()]
    demo_load()
    users = get_user_model().objects.filter(username__in=first)
    for user in users:
        assert user.check_password(first[user.username])
        assert user.is_staff and not user.is_superuser
    groups = {u.username: list(u.groups.values_list("name", flat=True)) for u in users}
    assert groups == {"editor": ["Editors"], "analyst": ["Analysts"]}
    assert path.read_text().count("\n") == 2


def test_demo_passwords_are_not_in_the_repository_files(db, var_dir):
    passwords = demo_load()["new_credentials"].values()
    repo = settings.BASE_DIR
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=repo,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    assert len(files) > 20
    for name in filter(None, files):
        path = repo / name.decode()
        if path.is_file():
            content = path.read_bytes()
            for password in passwords:
                assert password.encode() not in content, name
    # The default place of the credentials file is ignored by git.
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "var/demo-credentials.txt"], cwd=repo, check=False
    )
    assert ignored.returncode == 0


def test_load_demo_command_prints_counts_and_new_passwords_only_once(db, var_dir):
    out = StringIO()
    call_command("load_demo", stdout=out)
    first = out.getvalue()
    assert "claims: " in first and "password" in first
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "claims_created: 0" in out.getvalue()
    assert "password " not in out.getvalue()
