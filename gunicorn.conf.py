"""gunicorn reads this file by itself when started from this folder (docker-compose, the Dockerfile,
scripts/production-smoke.sh). Settings given on the command line override the ones here.

gunicorn writes `Server: gunicorn` on every response and has no setting to stop it; the header tells
a scanner what to try, and nothing to anyone else, so it is dropped here.
"""

from gunicorn.http import wsgi

_default_headers = wsgi.Response.default_headers


def _without_server_banner(self):
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _without_server_banner

# Errors go to the container's log; the access log is turned on where it is wanted (--access-logfile -).
errorlog = "-"
