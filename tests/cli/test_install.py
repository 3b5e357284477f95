"""`pip install .` (not editable) gives a working dibao that finds its templates and profiles."""

import json
import os
import subprocess
import sys

from tests.support import ROOT as REPO


def test_non_editable_install_finds_templates(tmp_path):
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--target", str(site), str(REPO)],
        check=True, cwd=tmp_path, capture_output=True, timeout=300)
    assert (site / "templates" / "docx" / "catalog.toml").is_file()
    assert (site / "archive" / "profiles" / "fenxi.toml").is_file()
    env = {**os.environ, "PYTHONPATH": str(site)}
    run = lambda *a: subprocess.run([sys.executable, "-c", "import cli; cli.run()", *a], cwd=tmp_path, env=env,
                                    capture_output=True, text=True, timeout=120)
    r = run("forms", "list", "--json")
    assert r.returncode == 0, r.stderr
    forms = json.loads(r.stdout)
    assert len(forms) >= 18
    r = run("init", str(tmp_path / "ws"), "--profile", "yueyang")
    assert r.returncode == 0, r.stderr
    # the code really came from the installed copy, not the source tree
    r = subprocess.run([sys.executable, "-c", "import archive, templates; print(archive.__file__); print(templates.__file__)"],
                       cwd=tmp_path, env=env, capture_output=True, text=True)
    assert str(site) in r.stdout and str(REPO) not in r.stdout
