"""The test runs' child processes (homeservers): stopped politely first, and never left behind. Standard library only."""

import signal
import subprocess


def stop_process(proc: subprocess.Popen, grace_s: float) -> None:
    """SIGTERM, then SIGKILL after grace_s; waits for the exit either way. Nothing to do once it has exited."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
