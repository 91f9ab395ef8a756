"""The command line, as the host owner runs it: real processes on free ports."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from clipset import __version__
from clipset.cli import FIRST_RUN_PATH, _parser, browser_path, display_available, main


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"Clipset {__version__}"


def test_doctor_prints_its_report(tmp_path, capsys):
    assert main(["doctor", "--data-dir", str(tmp_path), "--port", "0"]) == 0
    out = capsys.readouterr().out
    assert f"Data dir: {tmp_path}" in out and "PyAV:" in out and "Port:" in out


@pytest.mark.parametrize(
    "argv, first_run, setting, expected",
    [
        ([], True, False, FIRST_RUN_PATH),  # first launch: the first-run page
        ([], False, False, None),  # later launches stay quiet...
        (["--open"], False, False, "/"),  # ...unless asked
        ([], False, True, "/"),  # or configured
        (["--no-browser"], True, True, None),
        (["serve"], True, True, None),  # headless server never opens one
    ],
)
def test_when_the_browser_opens(argv, first_run, setting, expected):
    args = _parser().parse_args(argv)
    assert browser_path(args, first_run, setting) == expected


def test_display_detection():
    assert not display_available("linux", {})
    assert display_available("linux", {"WAYLAND_DISPLAY": "wayland-0"})
    assert display_available("linux", {"DISPLAY": ":0"})
    assert display_available("win32", {})


# -- real processes -------------------------------------------------------------------
def launch(data_dir, *args, env=None):
    environ = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    environ.update(env or {})
    return subprocess.Popen(
        [sys.executable, "-m", "clipset", *args, "--data-dir", str(data_dir)],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_healthy(proc, data_dir, timeout=30) -> str:
    """The URL of the instance, once its lock names it and it answers health."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        try:
            url = json.loads((data_dir / "clipset.lock").read_text())["url"]
            if url:
                with urllib.request.urlopen(url + "/api/health", timeout=2) as r:
                    assert json.load(r)["status"] == "ok"
                return url
        except (OSError, ValueError):
            pass
        time.sleep(0.05)
    raise AssertionError("Clipset did not become healthy")


def wait_for_log(data_dir, text, timeout=20) -> str:
    """The log once it contains ``text``."""
    path = data_dir / "logs" / "clipset.log"
    deadline = time.monotonic() + timeout
    while True:
        log = path.read_text() if path.exists() else ""
        if text in log or time.monotonic() > deadline:
            assert text in log, log
            return log
        time.sleep(0.05)


def stop(proc) -> int:
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=30)
    return proc.returncode


def test_serve_answers_health_and_stops_cleanly_on_sigterm(tmp_path):
    proc = launch(tmp_path, "serve", "--host", "127.0.0.1", "--port", "0")
    try:
        wait_healthy(proc, tmp_path)
    finally:
        assert stop(proc) == 0
    assert not (tmp_path / "clipset.lock").exists()
    assert "serving on" in (tmp_path / "logs" / "clipset.log").read_text()


def stop_from_the_web_app(url: str) -> int:
    """Set up the admin and press "Stop Clipset" as a browser on this computer does."""

    def call(method, path, body=None, token=None):
        request = urllib.request.Request(
            url + path,
            method=method,
            data=json.dumps(body).encode() if body else None,
            headers={
                "Content-Type": "application/json",
                **({"Authorization": f"Bearer {token}"} if token else {}),
            },
        )
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status, json.loads(r.read() or b"null")

    _, session = call("POST", "/api/setup", {"username": "host", "password": "a long password"})
    return call("POST", "/api/admin/host/stop", token=session["access_token"])[0]


@pytest.mark.parametrize("tray", [False, True], ids=["serve", "tray"])
def test_stop_clipset_from_the_web_app_on_this_computer(tmp_path, tray, request):
    # Where the tray icon has no menu (plain X11 trays), this is how the host owner quits.
    args = ["--no-browser"] if tray else ["serve"]
    env = {"DISPLAY": request.getfixturevalue("x_display")} if tray else {}
    proc = launch(tmp_path, *args, "--host", "127.0.0.1", "--port", "0", env=env)
    try:
        url = wait_healthy(proc, tmp_path)
        if tray:
            wait_for_log(tmp_path, "no system tray")
        assert stop_from_the_web_app(url) == 202
        proc.communicate(timeout=60)  # a loaded machine takes its time to stop jobs and the tray
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0
    log = (tmp_path / "logs" / "clipset.log").read_text()
    assert "asked from the web app" in log and "Clipset stopped" in log
    assert not (tmp_path / "clipset.lock").exists()
    if tray:
        assert "Tray icons on this desktop have no menu" in log


def test_second_launch_hands_over_to_the_running_instance(tmp_path):
    first = launch(tmp_path, "serve", "--host", "127.0.0.1", "--port", "0")
    try:
        url = wait_healthy(first, tmp_path)
        second = subprocess.run(
            [sys.executable, "-m", "clipset", "serve", "--data-dir", str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 1
        assert f"already running (pid {first.pid}) at {url}" in second.stderr
        third = subprocess.run(
            [sys.executable, "-m", "clipset", "--no-browser", "--data-dir", str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert third.returncode == 0
        assert f"already running (pid {first.pid}) at {url}" in third.stderr
    finally:
        assert stop(first) == 0


def test_busy_port_gets_a_clear_message_and_a_suggestion(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        proc = launch(tmp_path, "serve", "--host", "127.0.0.1", "--port", str(port))
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert f"cannot listen on port {port}" in err and "Another program is using it" in err
    assert "clipset --port " in err
    assert not (tmp_path / "clipset.lock").exists()


def test_first_launch_without_a_display_runs_headless_and_opens_the_first_run_page(tmp_path):
    record = tmp_path / "opened.txt"
    browser = tmp_path / "browser.py"
    browser.write_text(f"import sys\nopen({str(record)!r}, 'a').write(sys.argv[1] + '\\n')\n")
    data = tmp_path / "data"
    proc = launch(
        data,
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        env={"BROWSER": f"{sys.executable} {browser} %s"},
    )
    try:
        url = wait_healthy(proc, data)
        deadline = time.monotonic() + 20
        while not record.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        assert stop(proc) == 0
    assert record.read_text().split() == [url + FIRST_RUN_PATH]
    assert "No display found: running headless" in (data / "logs" / "clipset.log").read_text()


def test_starting_the_server_leaves_pyav_for_the_first_video(tmp_path):
    # PyAV is the heaviest import: loading it at start slows every launch.
    code = (
        "import sys\nfrom clipset.app import create_app\nfrom clipset.serve.server import Server\n"
        f"app = create_app({{'data_dir': {str(tmp_path)!r}, 'testing': True}})\n"
        "Server(app, host='127.0.0.1', port=0).start().stop()\n"
        "print(sorted(m for m in sys.modules if m == 'av' or m.startswith('av.')))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


@pytest.fixture
def x_display(tmp_path):
    """A real X server (Xvfb, installed by `make test`) with no system tray on it."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("Xvfb is not installed (make test installs it)")
    server = subprocess.Popen(
        [xvfb, "-displayfd", "1", "-screen", "0", "640x480x24", "-nolisten", "tcp"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        yield ":" + server.stdout.readline().strip()
    finally:
        server.terminate()
        server.wait(10)


def test_tray_on_a_desktop_without_a_tray_serves_and_quits_on_ctrl_c_twice(tmp_path, x_display):
    proc = launch(
        tmp_path, "--no-browser", "--host", "127.0.0.1", "--port", "0", env={"DISPLAY": x_display}
    )
    try:
        wait_healthy(proc, tmp_path)
        # The server answers before the icon tries to dock, so the notice may come later.
        log = wait_for_log(tmp_path, "no system tray")
        assert "Failed to dock" not in log
        proc.send_signal(signal.SIGINT)
        time.sleep(0.05)
        proc.send_signal(signal.SIGINT)  # impatient: a second Ctrl+C must not hang it
        proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert "Clipset stopped" in (tmp_path / "logs" / "clipset.log").read_text()
    assert not (tmp_path / "clipset.lock").exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_answers(proc, port, timeout=30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as r:
                assert json.load(r)["status"] == "ok"
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing answers on port {port}")


def test_instances_on_one_data_dir_each_write_their_own_log(tmp_path, postgres_url, capsys):
    """Beside the first instance (PostgreSQL), another `serve` runs on its own port and
    logs to its own file, so neither rotates the other's; the doctor names both files."""
    env = {"CLIPSET_DATABASE_URL": postgres_url}
    ports = [free_port(), free_port()]
    first = launch(tmp_path, "serve", "--host", "127.0.0.1", "--port", str(ports[0]), env=env)
    procs = [first]
    try:
        wait_healthy(first, tmp_path)
        second = launch(tmp_path, "serve", "--host", "127.0.0.1", "--port", str(ports[1]), env=env)
        procs.append(second)
        wait_answers(second, ports[1])
        logs = tmp_path / "logs"
        others = list(logs.glob("clipset-*.log"))
        assert [p.name for p in others] == [
            f"clipset-{socket.gethostname().split('.')[0]}-{ports[1]}.log"
        ]
        main_log = (logs / "clipset.log").read_text()
        other_log = others[0].read_text()
        assert f"serving on http://127.0.0.1:{ports[0]}" in main_log
        assert f"serving on http://127.0.0.1:{ports[1]}" in other_log
        assert str(ports[1]) not in main_log and f":{ports[0]}" not in other_log
        assert "serving beside it" in other_log
        # The first one keeps the lock: a launch hands over to it, not to the second.
        assert json.loads((tmp_path / "clipset.lock").read_text())["port"] == ports[0]

        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("CLIPSET_DATABASE_URL", postgres_url)
            assert main(["doctor", "--data-dir", str(tmp_path), "--port", "0"]) == 0
        report = capsys.readouterr().out
        assert f"Log file: {logs / 'clipset.log'}" in report
        assert f"Log file of another instance: {others[0]}" in report
    finally:
        for proc in procs:
            if proc.poll() is None:
                assert stop(proc) == 0


def test_without_postgresql_a_second_serve_still_hands_over(tmp_path):
    # SQLite is one process's database: no instance beside it, and no second log file.
    first = launch(tmp_path, "serve", "--host", "127.0.0.1", "--port", "0")
    try:
        wait_healthy(first, tmp_path)
        second = subprocess.run(
            [
                sys.executable,
                "-m",
                "clipset",
                "serve",
                "--port",
                str(free_port()),
                "--data-dir",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 1 and "already running" in second.stderr
        assert not list((tmp_path / "logs").glob("clipset-*.log"))
    finally:
        assert stop(first) == 0
