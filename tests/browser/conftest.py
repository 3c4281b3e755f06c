"""Browser tests share the live server and browser of tests/live.py (registered in tests/conftest.py)."""

from tests.live import _free_port, assert_accessible, log_in  # noqa: F401  (imported by the tests here)
