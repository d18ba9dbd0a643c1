"""Make sure Debian's chromium is there for the browser tests (`make test` runs this).

The journeys in a real browser are never silently skipped: as root (as in CI) the package is
installed; otherwise the command fails with a French message saying how to install it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

PACKAGE = "chromium"


def main() -> int:
    if shutil.which("chromium"):
        return 0
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installation du paquet Debian « chromium » pour les tests dans le navigateur…")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", PACKAGE],
            check=True,
            env=env,
        )
        if shutil.which("chromium"):
            return 0
    print(
        "Les tests de bout en bout ont besoin du navigateur Chromium de Debian.\n"
        "Installez-le avec : sudo apt-get install chromium\n"
        "puis relancez : make test",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
