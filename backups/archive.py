"""Backups of the database and the media files together, encrypted with a passphrase the operator holds.

A backup is one file: a tar of the records (Django's dumpdata, natural keys, so it loads into SQLite or
PostgreSQL alike), the media (portraits, photos, scans) and a manifest of the counts, encrypted with
AES-256-CBC and a PBKDF2 key from the passphrase (the `openssl enc` command, so an operator can also
decrypt it by hand: `openssl enc -d -aes-256-cbc -pbkdf2 -iter 200000 -in FILE -out backup.tar`).
A restore goes into an empty database only, then checks the counts against the manifest.
"""

import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from lib.errors import Refusal

PASSPHRASE_VARIABLE = "BACKUP_PASSPHRASE"
ITERATIONS = "200000"
# Not backed up: what Django and the apps make again (content types, permissions, sessions), the
# login-attempt counters, and the heartbeats.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes", "shelter.heartbeat"]


class BackupError(Refusal):
    pass


def passphrase():
    value = os.environ.get(PASSPHRASE_VARIABLE, "")
    if len(value) < 12:
        raise BackupError(f"Set {PASSPHRASE_VARIABLE} (at least 12 characters) in the environment: backups are "
                          "encrypted with it, and only it restores them. Keep it apart from the backups.")
    return value


def counts():
    """{app_label.model: rows} of every model that is backed up."""
    excluded = {e for e in EXCLUDED if "." in e}
    excluded_apps = {e for e in EXCLUDED if "." not in e}
    return {m._meta.label_lower: m._default_manager.count() for m in apps.get_models()
            if m._meta.app_label not in excluded_apps and m._meta.label_lower not in excluded and m._meta.managed
            and not m._meta.proxy}


def openssl(*args):
    result = subprocess.run(["openssl", "enc", "-aes-256-cbc", "-pbkdf2", "-iter", ITERATIONS, *args,
                             "-pass", f"env:{PASSPHRASE_VARIABLE}"], capture_output=True, stdin=subprocess.DEVNULL)
    return result.returncode == 0


def make_backup(folder):
    """Write one encrypted backup file into `folder`; returns (path, manifest)."""
    passphrase()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        call_command("dumpdata", natural_foreign=True, natural_primary=True, exclude=EXCLUDED,
                     output=str(tmp / "data.json"), verbosity=0)
        files = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
        manifest = {"format": 1, "created": timezone.now().isoformat(), "counts": counts(),
                    "media_files": len(files), "media_bytes": sum(p.stat().st_size for p in files)}
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        with tarfile.open(tmp / "backup.tar", "w") as tar:
            tar.add(tmp / "manifest.json", "manifest.json")
            tar.add(tmp / "data.json", "data.json")
            for path in files:
                tar.add(path, f"media/{path.relative_to(media)}")
        out = folder / f"homeward-{timezone.localtime():%Y%m%d-%H%M%S}.tar.enc"
        if not openssl("-salt", "-in", str(tmp / "backup.tar"), "-out", str(out)):
            raise BackupError("openssl could not write the encrypted backup.")
        out.chmod(0o600)
    return out, manifest


def restore_backup(path):
    """Restore a backup file into this (empty, migrated) database and MEDIA_ROOT; returns the manifest.
    Refused for a wrong passphrase, a damaged file, or a database that already holds records."""
    passphrase()
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    if any(n for label, n in counts().items() if not label.startswith("auth.group")):
        raise BackupError("This database already holds records: restore into an empty database only.")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        unreadable = BackupError("The backup cannot be decrypted: wrong passphrase, or the file is damaged.")
        if not openssl("-d", "-in", str(path), "-out", str(tmp / "backup.tar")):
            raise unreadable
        # AES-CBC has no check of its own: a wrong passphrase now and then "decrypts" to noise, which is
        # then no tar file with our manifest.
        try:
            with tarfile.open(tmp / "backup.tar") as tar:
                tar.extractall(tmp / "backup", filter="data")
            manifest = json.loads((tmp / "backup" / "manifest.json").read_text())
        except (tarfile.TarError, OSError, ValueError, UnicodeDecodeError):
            raise unreadable from None
        call_command("loaddata", str(tmp / "backup" / "data.json"), verbosity=0)
        if (tmp / "backup" / "media").exists():
            shutil.copytree(tmp / "backup" / "media", settings.MEDIA_ROOT, dirs_exist_ok=True)
    found = counts()
    wrong = {label: (n, found.get(label)) for label, n in manifest["counts"].items() if found.get(label) != n}
    if wrong:
        raise BackupError(f"Restored, but the counts differ from the backup's: {wrong}")
    return manifest
