"""Views of the station register, one module per screen. Thin: they check the form and call a service
(shelter.services), the only way they change rows; every read or change of a file is written to the audit
log. Re-exported here: what config names (the site's home page); the rest is
reached by its module (shelter/urls.py), whose names (people, transfers, notifications) they would hide."""

from .people import home

__all__ = ["home"]
