from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark's own commands (`seed_scale`); installed only by bench/settings.py."""

    name = "bench"
    label = "bench"
