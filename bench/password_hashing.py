"""Sign-ins per second that password hashing alone allows: `check_password` timed for each hasher.

    DJANGO_SETTINGS_MODULE=website.settings.dev .venv/bin/python bench/password_hashing.py

One process, one core: a 2-core server does about twice this (issue 16: sign-in ≥ 30/s). The
figures and the chosen parameters are in docs/benchmarks.md and the README ("Security").
"""

import os
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "website.settings.dev")
django.setup()

from django.contrib.auth.hashers import check_password, get_hasher, make_password  # noqa: E402

PASSWORD = "correct-horse-battery"
ROUNDS = int(os.environ.get("ROUNDS", "20"))


def timed(algorithm):
    """Median wall-clock and CPU seconds of one check. CPU time is what a loaded machine cannot inflate."""
    encoded = make_password(PASSWORD, hasher=algorithm)
    check_password(PASSWORD, encoded)  # warm up
    wall, cpu = [], []
    for _ in range(ROUNDS):
        start, start_cpu = time.perf_counter(), time.process_time()
        assert check_password(PASSWORD, encoded, setter=None, preferred=algorithm)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main():
    for algorithm in ("pbkdf2_sha256", "argon2"):  # argon2: users.hashers.Argon2idPasswordHasher
        hasher = get_hasher(algorithm)
        wall, cpu = timed(algorithm)
        if algorithm == "pbkdf2_sha256":
            detail = f"iterations={hasher.iterations}"
        else:
            detail = f"m={hasher.memory_cost} KiB, t={hasher.time_cost}, p={hasher.parallelism}"
        print(
            f"{algorithm:14} {detail:28} {wall * 1000:6.1f} ms wall {cpu * 1000:6.1f} ms CPU"
            f"  {1 / cpu:6.1f} checks/s per core (CPU)"
        )


if __name__ == "__main__":
    main()
