"""The admin looks things up and manages reference data: nothing a station records is deletable there."""

from django.contrib import admin
from django.test import RequestFactory


def test_no_model_in_the_admin_can_be_deleted(db, make_user):
    boss = make_user("boss", "administrator", None, is_superuser=True, is_staff=True)
    request = RequestFactory().get("/admin/")
    request.user = boss
    deletable = [model.__name__ for model, model_admin in admin.site._registry.items()
                 if model_admin.has_delete_permission(request)]
    assert deletable == []
    assert {m.__name__ for m in admin.site._registry} >= {"Notification", "Group", "User", "Person", "AuditEvent"}


def test_bulk_deletion_is_not_offered(db, make_user):
    boss = make_user("boss", "administrator", None, is_superuser=True, is_staff=True)
    request = RequestFactory().get("/admin/")
    request.user = boss
    offered = [model.__name__ for model, model_admin in admin.site._registry.items()
               if "delete_selected" in model_admin.get_actions(request)]
    assert offered == []
