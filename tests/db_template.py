"""The test databases start from one migrated copy, the template, instead of each migrating.

Migrating from scratch takes seconds on SQLite and much longer on PostgreSQL, and with pytest-xdist
every worker would do it. Here the migrations run once into a template database, keyed by a hash of
what they are made of (every migration file on disk, the project's modules those files use, Django's
version and the database engine); each test database is then a copy of it:

- SQLite: the template is a file in VAR_DIR/test-databases/ (kept across runs until a migration
  changes); each test database is a copy of it in a temporary folder, removed at the end.
- PostgreSQL: the template is a database on the same server, test_<NAME>_template_<hash> (kept until
  a migration changes, then replaced); each test database is created from it (Django's TEST
  "TEMPLATE"), so xdist workers' test_<NAME>_gw0, _gw1... are copies.

`migrate` still runs on each test database as usual: it finds every migration applied and only sends
post_migrate (content types, permissions, the roles' groups of shelter.roles), so those are always
those of the current code. The migrations themselves are exercised: the template is built by them
(on an alias other than "default", as tests/config/test_migrations.py requires they can), and a
changed migration changes the hash.

The first process to need the template builds it under a lock (a file lock on SQLite, an advisory
lock on PostgreSQL); the other xdist workers wait for it. --nomigrations and --reuse-db/--create-db
keep pytest-django's own behaviour.
"""

import contextlib
import fcntl
import hashlib
import shutil
import sys
import tempfile
from pathlib import Path

import django
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.test.utils import setup_databases, teardown_databases
from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

TEMPLATE_ALIAS = "migration_template"
LOCK_KEY = 0x686F6D65  # pg_advisory_lock key of the template's builder ("home")
NO_SYNC = "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF;"


def _project_files(module, root):
    """The project's source files (under root, outside any virtualenv) that a migration module uses:
    its own file and the modules of what it imports (fields, functions, constants)."""
    files = set()
    for value in [module, *vars(module).values()]:
        name = getattr(value, "__name__", None) if isinstance(value, type(sys)) else getattr(value, "__module__", None)
        path = getattr(sys.modules.get(name or ""), "__file__", None)
        if path and Path(path).resolve().is_relative_to(root) and "site-packages" not in Path(path).parts:
            files.add(Path(path).resolve())
    return files


def migrations_key(settings_dict):
    """A hash of what the migrated schema is made of, for that database's settings."""
    root = Path(settings.BASE_DIR).resolve()
    loader = MigrationLoader(None, ignore_no_migrations=True, load=False)
    loader.load_disk()
    files = set()
    for migration in loader.disk_migrations.values():
        files |= _project_files(sys.modules[migration.__module__], root)
    digest = hashlib.sha256(f"{django.get_version()} {settings_dict['ENGINE']}".encode())
    for path in sorted(files):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@contextlib.contextmanager
def _alias(settings_dict):
    """A connection alias of its own with these settings (the template being migrated)."""
    connections.settings[TEMPLATE_ALIAS] = connections.configure_settings({"default": settings_dict})["default"]
    try:
        yield TEMPLATE_ALIAS
    finally:
        connections[TEMPLATE_ALIAS].close()
        del connections[TEMPLATE_ALIAS]
        del connections.settings[TEMPLATE_ALIAS]


def _migrate(alias):
    call_command("migrate", database=alias, run_syncdb=True, verbosity=0, interactive=False)


def _prepare_sqlite(connection, key, folder):
    """Build (once) the template file, copy it as this process's test database file."""
    cache = Path(settings.VAR_DIR) / "test-databases"
    cache.mkdir(parents=True, exist_ok=True)
    template = cache / f"template-{key}.sqlite3"
    with open(cache / "template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another worker (or run) may be building it
        if not template.exists():
            building = cache / f"building-{key}.sqlite3"
            building.unlink(missing_ok=True)
            # Without WAL (one plain file to copy) nor waiting for the disk (a crash leaves no template).
            with _alias({**connection.settings_dict, "NAME": str(building), "OPTIONS": {"init_command": NO_SYNC}}) as alias:
                _migrate(alias)
            for old in cache.glob("template-*.sqlite3"):
                old.unlink()
            building.rename(template)
        test_name = folder / f"test-{connection.alias}.sqlite3"
        shutil.copyfile(template, test_name)  # under the lock: a run of other migrations removes this one
    connection.settings_dict["TEST"]["NAME"] = str(test_name)


def _prepare_postgresql(connection, key):
    """Build (once) the template database; the test database will be created from it."""
    test = connection.creation._get_test_db_name()
    prefix = f"test_{connection.settings_dict['NAME']}_template_"[:50]
    template = prefix + key[:12]
    quote = connection.ops.quote_name
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        try:
            cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix + "%"])
            existing = {row[0] for row in cursor.fetchall()}
            if template not in existing:
                building = f"{test[:40]}_building"
                cursor.execute(f"DROP DATABASE IF EXISTS {quote(building)}")
                cursor.execute(f"CREATE DATABASE {quote(building)}")
                with _alias({**connection.settings_dict, "NAME": building}) as alias:
                    _migrate(alias)
                cursor.execute(f"ALTER DATABASE {quote(building)} RENAME TO {quote(template)}")
            for old in existing - {template}:
                cursor.execute(f"DROP DATABASE IF EXISTS {quote(old)}")
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
    connection.settings_dict["TEST"]["TEMPLATE"] = template


def _disconnect_others(connection):
    """End the other sessions on the test database, which PostgreSQL would refuse to drop: a connection
    a test's thread opened (a sweep racing another) stays open until the thread is collected."""
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = %s AND pid <> pg_backend_pid()", [connection.settings_dict["NAME"]])


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_use_migrations,
                    django_db_keepdb, django_db_createdb, django_db_modify_db_settings):
    """pytest-django's django_db_setup, with each test database copied from the migrated template."""
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    verbosity = request.config.option.verbose
    keepdb = django_db_keepdb and not django_db_createdb
    use_template = django_db_use_migrations and not django_db_keepdb
    if not django_db_use_migrations:
        _disable_migrations()
    folder = Path(tempfile.mkdtemp(prefix="homeward-test-db-"))
    try:
        with django_db_blocker.unblock():
            for alias in sorted(aliases) if use_template else ():
                connection = connections[alias]
                if connection.settings_dict.get("TEST", {}).get("MIRROR"):
                    continue
                key = migrations_key(connection.settings_dict)
                if connection.vendor == "sqlite":
                    # The copy is the test database: Django is told to keep it as it is (migrate then
                    # finds nothing to apply); it goes with the folder. (This project has one database;
                    # keepdb applies to all of them.)
                    _prepare_sqlite(connection, key, folder)
                    keepdb = True
                elif connection.vendor == "postgresql":
                    _prepare_postgresql(connection, key)
            db_cfg = setup_databases(verbosity=verbosity, interactive=False, aliases=aliases,
                                     serialized_aliases=serialized_aliases, keepdb=keepdb)
        yield
        if not django_db_keepdb:
            with django_db_blocker.unblock():
                for alias in aliases:
                    if connections[alias].vendor == "postgresql":
                        _disconnect_others(connections[alias])
                try:
                    teardown_databases(db_cfg, verbosity=verbosity)
                except Exception as exc:  # noqa: BLE001  (as pytest-django: a warning, not an error)
                    request.node.warn(pytest.PytestWarning(f"Error when trying to teardown test databases: {exc!r}"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
