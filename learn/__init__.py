"""The practitioner's and the public's pages: a web app with no models, over courses' services."""
