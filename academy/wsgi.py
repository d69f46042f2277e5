import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings")

application = get_wsgi_application()
# Everything loaded so far lives as long as the process: keep it out of the collector's full
# passes, which otherwise took 60-130 ms in the middle of a request (bench/scale.py).
gc.freeze()
