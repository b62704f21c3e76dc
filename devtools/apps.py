from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Demo data, benchmarks and the load test: development only, which a production image leaves out."""

    name = "devtools"
    verbose_name = "Development tools"
