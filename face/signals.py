"""Signals of the face app.

portrait_encoded(sender=Portrait, portrait=...): sent by face.tasks.encode_portrait after a portrait's
encoding was stored (a new portrait, a changed image, or a failed portrait overridden by a supervisor).
Family search (issue 5) listens to it to look the new face up.
"""

from django.dispatch import Signal

portrait_encoded = Signal()
