"""tools/setup-system.sh must see installed packages as installed (it runs before every make demo/test)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.support import ROOT

pytestmark = pytest.mark.skipif(
    not all(shutil.which(x) for x in ("soffice", "tesseract", "pdftoppm", "fc-list")),
    reason="needs the provisioned machine (make test installs the packages first)")


def test_nothing_reported_missing_when_everything_is_installed(tmp_path):
    # apt-get/sudo that fail loudly: the script must not try to install anything here.
    for name in ("apt-get", "sudo"):
        fake = tmp_path / name
        fake.write_text("#!/bin/sh\necho \"called $0 $*\" >&2\nexit 97\n")
        fake.chmod(0o755)
    env = dict(os.environ, PATH=f"{tmp_path}:{os.environ['PATH']}")
    for _ in range(3):   # the SIGPIPE race of `fc-list | grep -q` under pipefail failed most runs
        r = subprocess.run(["bash", str(ROOT / "tools" / "setup-system.sh")], capture_output=True, text=True,
                           env=env, timeout=120)
        assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
