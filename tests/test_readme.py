"""The README's first command works word for word, from a non-editable install."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", (ROOT / "README.md").read_text(encoding="utf-8"))


def test_readme_starts_with_the_two_commands():
    """The first two code blocks are: install and run the main job; install and run the tests."""
    first, second = readme_commands()[:2]
    assert "pip install ." in first
    assert "bilatlog state" in first
    assert "pytest" in second


def test_first_command_installs_a_wheel_and_shows_the_story(tmp_path):
    """Run the README's first command in a copy of the project; the output names the tracks."""
    project = tmp_path / "bilatlog"
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    for name in files:
        src = ROOT / name
        if src.is_file():
            dest = project / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest)
    proc = subprocess.run(
        ["bash", "-c", readme_commands()[0]],
        cwd=project, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    for track, status in [
        ("merida-initiative", "ended"),
        ("dea-operations", "suspended"),
        ("dea-visas", "resuming"),
        ("federal-police", "dissolved"),
        ("national-guard", "operational"),
        ("bicentennial-framework", "launched"),
        ("security-dialogue", "active"),
    ]:
        line = next(line for line in out.splitlines() if line.startswith(track + " "))
        assert status in line
        assert " certain " in line or " possible " in line  # the truth column
    # the installed package carries its own copy of the dataset (not the source tree's)
    site = list((project / ".venv" / "lib").glob("python3*/site-packages/bilatlog/examples"))
    assert (site[0] / "us_mexico_security.jsonl").is_file()


def test_readme_shows_the_picture_of_the_bundled_dataset():
    """The PNG of the bundled dataset exists and the README links it."""
    picture = ROOT / "docs" / "images" / "us-mexico.png"
    assert picture.read_bytes().startswith(b"\x89PNG")
    assert "(docs/images/us-mexico.png)" in (ROOT / "README.md").read_text(encoding="utf-8")
