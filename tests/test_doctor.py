"""``clipset doctor`` reports what a host owner needs to check."""

import socket
import sqlite3

from clipset.app import create_app
from clipset.ops.doctor import report
from clipset.settings import load
from clipset.store import db, migrations


def test_report_before_first_start(tmp_path):
    text = report(load({"data_dir": str(tmp_path / "new"), "port": 0}))
    assert f"Data dir: {tmp_path / 'new'}" in text
    assert "no database yet" in text
    assert "GiB free" in text
    assert "PyAV: " in text and "libavcodec" in text
    assert "libx264: yes" in text and "aac: yes" in text
    assert "Hardware H.264 encoders PyAV lists:" in text
    assert "Unclaimed media" not in text


def test_report_points_at_unclaimed_media(tmp_path):
    settings = load({"data_dir": str(tmp_path), "port": 0})
    folder = tmp_path / "media" / "unclaimed" / "videos"
    folder.mkdir(parents=True)
    (folder / "a.mp4").write_bytes(b"x" * 3 * 1024**2)
    assert f"Unclaimed media: 1 file(s), 3.0 MiB in {tmp_path / 'media' / 'unclaimed'}" in report(
        settings
    )


def test_report_shows_schema_version_and_a_busy_port(tmp_path):
    settings = {"data_dir": str(tmp_path / "data"), "testing": True}
    create_app(settings)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        text = report(load({**settings, "host": "127.0.0.1", "port": port}))
    assert f"Database schema version: {migrations.LATEST} (up to date)" in text
    assert f"127.0.0.1:{port}: IN USE by another program" in text


def test_report_checks_the_database_and_finds_damage(tmp_path):
    settings = load({"data_dir": str(tmp_path), "port": 0})
    create_app(settings)
    db.database.close()
    db.release()
    assert "Database integrity: ok" in report(settings)
    assert "Scheduled backups: off" in report(settings)
    db_file = tmp_path / "clipset.db"
    with sqlite3.connect(db_file) as conn:  # enough rows for pages of their own
        conn.executemany(
            "INSERT INTO category (name, slug, created_at) VALUES (?, ?, ?)",
            [(f"c{i}" * 10, f"s{i}" * 10, "2026-01-01") for i in range(3000)],
        )
    conn.close()
    pages = db_file.stat().st_size // 4096
    with open(db_file, "r+b") as f:  # scribble over a page in the middle
        f.seek(4096 * (pages // 2) + 100)
        f.write(b"\xff" * 200)
    assert "Database integrity: DAMAGED" in report(settings)
