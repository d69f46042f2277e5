"""Static files as WhiteNoise serves them, less the collectstatic manifest."""

from typing import Any

from django.contrib.staticfiles.storage import ManifestFilesMixin
from whitenoise.middleware import WhiteNoiseMiddleware  # type: ignore[import-untyped]


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise serves everything under STATIC_ROOT, which includes staticfiles.json: a list
    of every file the site has, which no page asks for. That one answers 404."""

    def _is_manifest(self, url: str) -> bool:
        return bool(url == f"{self.static_prefix}{ManifestFilesMixin.manifest_name}")

    def add_file_to_dictionary(self, url: str, path: str, stat_cache: Any = None) -> None:
        if not self._is_manifest(url):
            super().add_file_to_dictionary(url, path, stat_cache=stat_cache)

    def find_file(self, url: str) -> Any:
        return None if self._is_manifest(url) else super().find_file(url)
