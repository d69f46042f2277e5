"""Print the public half of the credential signing key, e.g. to add it to the retired-keys file
before rotating to a new key."""

from typing import Any

from django.core.management.base import BaseCommand

from courses.lib import credentials
from courses.services import certificates


class Command(BaseCommand):
    help = "Print the current credential signing key's public half (PEM) and its key id."

    def handle(self, *args: Any, **options: Any) -> None:
        public = certificates.signing_key().public_key()
        self.stdout.write(f"# key id {credentials.key_id(public)}")
        self.stdout.write(credentials.public_key_pem(public), ending="")
