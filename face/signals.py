"""Signals of the face app.

portrait_encoded(sender=Portrait, portrait=..., origin=...): sent by face.tasks.encode_portrait after a portrait's
encoding was stored (a new portrait, a changed image, or a failed portrait overridden by a supervisor).
Tracing listens to it (tracing.receivers) to search the new face against the open family reports and the
other files.
"""

from django.dispatch import Signal

portrait_encoded = Signal()

# encoder_switched(sender=Portrait, encoder="name@version", using=alias): sent by face.reencoding.swap once
# every portrait's encoding is the new encoder's; the family app re-encodes its report photos with it.
encoder_switched = Signal()
