"""One Clipset per data dir: the lock file, stale locks, and port checks."""

import json
import os
import socket
import subprocess
import sys
import time

import pytest

from clipset.desktop.instance import InstanceLock, port_free, suggest_port


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_second_instance_finds_the_first(tmp_path):
    first = InstanceLock(tmp_path, pid=None)
    assert first.acquire() is None
    first.publish(8421, "http://127.0.0.1:8421")

    # Our own process stands in for "the other instance": it is certainly alive.
    second = InstanceLock(tmp_path, pid=first.pid + 1_000_000)
    running = second.acquire()
    assert running is not None
    assert (running.pid, running.port, running.url) == (first.pid, 8421, "http://127.0.0.1:8421")
    assert not second.held

    first.release()
    assert not (tmp_path / "clipset.lock").exists()
    assert second.acquire() is None


def test_stale_lock_of_a_dead_process_is_taken_over(tmp_path):
    lock_file = tmp_path / "clipset.lock"
    lock_file.write_text(json.dumps({"pid": dead_pid(), "port": 8420, "url": "http://x"}))
    lock = InstanceLock(tmp_path)
    assert lock.acquire() is None
    assert json.loads(lock_file.read_text())["pid"] == lock.pid


def test_garbled_lock_is_taken_over(tmp_path):
    (tmp_path / "clipset.lock").write_text("{not json")
    assert InstanceLock(tmp_path).acquire() is None


def test_release_leaves_a_lock_it_does_not_hold(tmp_path):
    first = InstanceLock(tmp_path)
    first.acquire()
    other = InstanceLock(tmp_path, pid=first.pid + 1_000_000)
    other.acquire()
    other.release()
    assert (tmp_path / "clipset.lock").exists()


def test_busy_port_is_seen_and_a_free_one_suggested():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert not port_free("127.0.0.1", port)
        suggestion = suggest_port("127.0.0.1", port)
        assert suggestion is not None and suggestion > port
        assert port_free("127.0.0.1", suggestion)


@pytest.mark.skipif(not socket.has_ipv6, reason="needs IPv6")
def test_ports_on_an_ipv6_host_are_checked_too():
    with socket.socket(socket.AF_INET6) as sock:
        sock.bind(("::1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert not port_free("::1", port)
        suggestion = suggest_port("::1", port)
        assert suggestion is not None and port_free("::1", suggestion)


def test_a_lock_whose_pid_now_belongs_to_a_newer_process_is_taken_over(tmp_path):
    # A live process that started after the lock was written got the pid by reuse.
    newer = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lock_file = tmp_path / "clipset.lock"
        lock_file.write_text(json.dumps({"pid": newer.pid, "port": 8420, "url": "http://x"}))
        an_hour_ago = time.time() - 3600
        os.utime(lock_file, (an_hour_ago, an_hour_ago))
        lock = InstanceLock(tmp_path)
        assert lock.acquire() is None
        assert json.loads(lock_file.read_text())["pid"] == lock.pid
    finally:
        newer.kill()
        newer.wait()


def test_a_lock_recording_an_earlier_start_than_its_process_is_stale(tmp_path):
    newer = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / "clipset.lock").write_text(
            json.dumps({"pid": newer.pid, "port": 8420, "url": "http://x", "started": 1_000_000.0})
        )
        assert InstanceLock(tmp_path).acquire() is None
    finally:
        newer.kill()
        newer.wait()


def _foreign_lock(tmp_path, url):
    lock = tmp_path / "clipset.lock"
    info = {"pid": os.getpid(), "port": 1, "url": url, "started": None, "host": "another-computer"}
    lock.write_text(json.dumps(info), "utf-8")
    return lock


def test_a_lock_from_another_computer_counts_while_its_instance_answers(tmp_path, live_server):
    _foreign_lock(tmp_path, live_server.url)
    running = InstanceLock(tmp_path, pid=os.getpid() + 1_000_000).acquire()
    assert running is not None and running.url == live_server.url


def test_a_lock_from_another_computer_that_no_longer_answers_is_taken_over(tmp_path):
    # The same computer under another name (laptops rename themselves between networks)
    # looks the same: its pid means nothing, only whether the URL answers does.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        gone = f"http://127.0.0.1:{s.getsockname()[1]}"
    _foreign_lock(tmp_path, gone)
    lock = InstanceLock(tmp_path)
    assert lock.acquire() is None and lock.held
    taken = json.loads((tmp_path / "clipset.lock").read_text("utf-8"))
    assert taken["host"] == socket.gethostname()


def test_a_lock_from_another_computer_still_starting_counts_for_a_while(tmp_path):
    lock = _foreign_lock(tmp_path, None)
    assert InstanceLock(tmp_path).acquire() is not None
    old = time.time() - 120
    os.utime(lock, (old, old))
    assert InstanceLock(tmp_path).acquire() is None
