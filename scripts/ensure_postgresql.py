"""Make sure Debian's PostgreSQL server binaries are there for the server tests (`make test`).

The store and accounts suites also run against a real PostgreSQL started in a temporary
folder; they are never silently skipped: as root (as in CI) the package is installed;
otherwise the command fails with a French message saying how to install it. Installing the
package may start Debian's own cluster service: the tests never use it (they start their
own server on a free loopback port).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys

PACKAGE = "postgresql"


def server_bindir() -> str | None:
    """The newest `…/postgresql/N/bin` that holds both initdb and postgres."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: int(p.split("/")[-2]) if p.split("/")[-2].isdigit() else 0,
    )
    for folder in reversed(candidates):
        if all(os.access(os.path.join(folder, name), os.X_OK) for name in ("initdb", "postgres")):
            return folder
    return None


def main() -> int:
    if server_bindir():
        return 0
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installation du paquet Debian « postgresql » pour les tests sur un vrai serveur…")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", PACKAGE],
            check=True,
            env=env,
        )
        if server_bindir():
            return 0
    print(
        "Les tests du stockage sur serveur ont besoin de PostgreSQL (paquet Debian).\n"
        "Installez-le avec : sudo apt-get install postgresql\n"
        "puis relancez : make test",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
