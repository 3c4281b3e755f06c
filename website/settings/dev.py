"""Settings for `make run` on a developer's or a teacher's laptop."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
