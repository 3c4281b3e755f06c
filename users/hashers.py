"""Argon2id at OWASP's minimum for it (m = 19 MiB, t = 2, p = 1).

Django's own Argon2PasswordHasher defaults to 100 MiB and 8 lanes: a bell's worth of concurrent
sign-ins would need gigabytes, and 8 lanes buy nothing on a 2-core server. At 19 MiB, t = 2, one
check costs about a tenth of PBKDF2's CPU at 1,000,000 iterations and is far more costly on a
GPU (bench/password_hashing.py; figures in the README, "Security"). The algorithm name is still
"argon2": a hash with other parameters (and every PBKDF2 hash) is rehashed at the next sign-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
