"""Models that move from one app to another keep their content types, and with them their permissions
(and so the groups that hold them) and every row that points at a content type (the transition log).
A migration of the receiving app runs `content_types_moved(...)` after the models moved in its state."""

from django.contrib.contenttypes.models import ContentType as LiveContentType
from django.db import migrations


def content_types_moved(old_app, new_app, models):
    """A RunPython operation relabelling the content types of `models` (lower-case model names) from
    old_app to new_app, and back when the migration is reversed."""

    def forwards(apps, schema_editor):
        relabel(apps, schema_editor.connection.alias, old_app, new_app, models)

    def backwards(apps, schema_editor):
        relabel(apps, schema_editor.connection.alias, new_app, old_app, models)

    return migrations.RunPython(forwards, backwards)


def relabel(apps, using, old_app, new_app, models):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in models:
        old = ContentType.objects.using(using).filter(app_label=old_app, model=model).first()
        if old is None:
            continue  # a new database: the content type is made for the new app after the migrations
        # One made for the new app before this ran (nothing can point at it yet) gives way to the old one.
        ContentType.objects.using(using).filter(app_label=new_app, model=model).delete()
        old.app_label = new_app
        old.save(update_fields=["app_label"])
    LiveContentType.objects.clear_cache()
