"""Backups that restore: `manage.py backup` and `manage.py restore` (docs/operations.md).

A backup is one file, encrypted as a whole with the backup key (never the master key):
    stream.py    the encrypted container (AES-256-GCM in authenticated chunks)
    archive.py   what goes in it: the database, the evidence folder, a manifest of counts and
                 SHA-256 digests; taking a backup and opening one again
    sqlite.py    SQLite through its online backup API (a consistent copy while others write)
    postgres.py  PostgreSQL through pg_dump with a role that bypasses row-level security,
                 the dump's rows counted against the same snapshot of the live database
    restore.py   into an empty database and evidence folder, then every check
    keyfile.py   the master key wrapped under a passphrase for an offline holder
    tasks.py     the scheduled backup with retention (off unless BACKUP_EVERY_HOURS is set)

This module imports nothing: `python -m salvaguarda.core.backup.keyfile` opens an exported
master key without Django settings (which need the master key to start).
"""
