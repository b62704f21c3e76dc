"""Migrate the PostgreSQL database named by DATABASE_URL and check that face/migrations/0001 built
what face.search relies on: the vector extension, a vector encoding column (any length: each encoder's,
issue 24) and its HNSW indexes, partial on each encoder's length (128 for dlib, 512 as halfvec).

The test suite migrates its own database too, but a migration that silently fell back to the SQLite
path (bytea column, no index) would still pass most tests; this makes such a fallback fail CI.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

CHECKS = [
    ("vector extension installed",
     "SELECT count(*) FROM pg_extension WHERE extname = 'vector'", 1),
    ("face_portrait.encoding is vector",
     "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
     "WHERE attrelid = 'face_portrait'::regclass AND attname = 'encoding'", "vector"),
    ("HNSW index on face_portrait.encoding, 128 numbers",
     "SELECT am.amname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
     "JOIN pg_am am ON am.oid = c.relam WHERE c.relname = 'face_portrait_encoding_hnsw'", "hnsw"),
    ("HNSW index on face_portrait.encoding, 512 numbers (halfvec)",
     "SELECT am.amname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
     "JOIN pg_am am ON am.oid = c.relam WHERE c.relname = 'face_portrait_encoding_hnsw_512'", "hnsw"),
]


def main():
    if connection.vendor != "postgresql":
        sys.exit("DATABASE_URL must name a PostgreSQL database")
    call_command("migrate", interactive=False, verbosity=0)
    failed = 0
    with connection.cursor() as cursor:
        for label, sql, expected in CHECKS:
            cursor.execute(sql)
            row = cursor.fetchone()
            got = row[0] if row else None
            ok = got == expected
            failed += not ok
            print(f"{'ok' if ok else 'FAILED'}: {label}" + ("" if ok else f" (got {got!r})"))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
