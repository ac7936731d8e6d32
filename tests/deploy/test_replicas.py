"""deploy/replicas.py without servers: the HAProxy config it writes, and its refusals."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from deploy.replicas import proxy_config, replicas


def test_every_replica_gets_a_health_checked_server_line_with_its_own_cookie():
    config = proxy_config("127.0.0.1:8501", ["127.0.0.1:9001", "127.0.0.1:9002"])
    assert "bind 127.0.0.1:8501" in config
    servers = [line.split() for line in config.splitlines() if line.strip().startswith("server ")]
    assert servers == [
        ["server", "r1", "127.0.0.1:9001", "check", "cookie", "r1"],
        ["server", "r2", "127.0.0.1:9002", "check", "cookie", "r2"],
    ]
    # Sticky by cookie (a session lives in one process), websockets kept open for a lesson.
    assert "cookie replica insert" in config
    assert "timeout tunnel" in config
    assert "{" not in config  # every placeholder was filled


@pytest.mark.skipif(
    shutil.which("haproxy") is None and not os.access("/usr/sbin/haproxy", os.X_OK),
    reason="haproxy is not installed",
)
def test_haproxy_accepts_the_config(tmp_path):
    path = tmp_path / "haproxy.cfg"
    path.write_text(proxy_config("127.0.0.1:8501", ["127.0.0.1:9001", "127.0.0.1:9002"]))
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    check = subprocess.run([haproxy, "-c", "-f", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


@pytest.mark.parametrize("count", [0, -1, 65])
def test_a_count_out_of_range_is_refused_before_anything_starts(count):
    with pytest.raises(ValueError, match="1 to 64"), replicas(count):
        pass
