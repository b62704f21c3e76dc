"""A backup of the database and the media together, encrypted with the operator's passphrase, restores
into an empty database with the same records and files; without the passphrase it is unreadable."""

import os
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from backups import archive
from face.services import take_portrait
from shelter.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def backup(tmp_path, monkeypatch, stay, reception, committed, webcam, client_as):
    """A station with a person, a stay, an encoded portrait, a late entry and audit events, backed up."""
    monkeypatch.setenv("BACKUP_PASSPHRASE", PASSPHRASE)
    stay.person.name = "王秀英"
    stay.person.save()
    with committed():
        take_portrait(person=stay.person, data=webcam("leslie_1"), by=reception)
    client_as(reception).get(stay.person.get_absolute_url())
    out = StringIO()
    call_command("backup", output=str(tmp_path / "backups"), stdout=out)
    return next((tmp_path / "backups").glob("homeward-*.tar.enc")), out.getvalue()


def restore(file, tmp_path, passphrase=PASSPHRASE):
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'restored.sqlite3'}", MEDIA_ROOT=str(tmp_path / "media2"),
               VAR_DIR=str(tmp_path / "var2"), BACKUP_PASSPHRASE=passphrase, DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run([sys.executable, "manage.py", "restore", str(file)], cwd=ROOT, env=env, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=300)


def test_a_backup_restores_the_same_records_and_files_into_an_empty_database(backup, tmp_path, stay, settings):
    file, said = backup
    assert "records" in said and file.stat().st_mode & 0o077 == 0
    assert "王秀英".encode() not in file.read_bytes() and b"data.json" not in file.read_bytes()  # encrypted
    done = restore(file, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "counts checked" in done.stdout
    with sqlite3.connect(tmp_path / "restored.sqlite3") as db:
        assert db.execute("SELECT name, file_no FROM shelter_person").fetchall() == [("王秀英", stay.person.file_no)]
        image, encoding = db.execute("SELECT image, encoding FROM face_portrait").fetchone()
        events = db.execute("SELECT count(*) FROM shelter_auditevent").fetchone()[0]
    assert events == AuditEvent.objects.count()
    original = stay.person.portraits.get()
    assert np.array_equal(np.frombuffer(encoding, dtype=np.float32), original.encoding)
    assert (tmp_path / "media2" / image).read_bytes() == (Path(settings.MEDIA_ROOT) / original.image.name).read_bytes()


def test_a_wrong_passphrase_restores_nothing(backup, tmp_path):
    done = restore(backup[0], tmp_path, passphrase="not the right passphrase")
    assert done.returncode == 2 and "wrong passphrase" in done.stderr
    with sqlite3.connect(tmp_path / "restored.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM shelter_person").fetchone()[0] == 0


def test_a_restore_into_a_database_with_records_is_refused(backup, monkeypatch):
    with pytest.raises(CommandError, match="empty database only"):
        call_command("restore", str(backup[0]))


def test_without_a_passphrase_there_is_no_backup(tmp_path, monkeypatch, db):
    monkeypatch.delenv("BACKUP_PASSPHRASE", raising=False)
    with pytest.raises(CommandError, match="BACKUP_PASSPHRASE"):
        call_command("backup", output=str(tmp_path))


def test_noise_from_a_wrong_passphrase_is_refused_as_undecryptable(backup, tmp_path, monkeypatch):
    """AES-CBC now and then "decrypts" with a wrong passphrase (its padding happens to fit): the noise
    that comes out is refused like a wrong passphrase, not with a crash."""
    monkeypatch.setattr(archive, "openssl", lambda *args: (Path(args[-1]).write_bytes(os.urandom(4096)), True)[1])
    monkeypatch.setattr(archive, "counts", dict)  # as if this database were empty
    with pytest.raises(archive.BackupError, match="wrong passphrase"):
        archive.restore_backup(backup[0])
