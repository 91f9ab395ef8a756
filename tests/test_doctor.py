"""``clipset doctor`` reports what a host owner needs to check."""
import socket

from clipset import migrations
from clipset.app import create_app
from clipset.doctor import report
from clipset.settings import load


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
    assert (f"Unclaimed media: 1 file(s), 3.0 MiB in {tmp_path / 'media' / 'unclaimed'}"
            in report(settings))


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
