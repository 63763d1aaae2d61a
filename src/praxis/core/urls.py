from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.my_home, name="my_home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("login/verify/", views.mfa_verify, name="mfa_verify"),
    path("account/mfa/", views.mfa_enroll, name="mfa_enroll"),
    path("account/password/", views.password_change, name="password_change"),
    path("invitation/<str:uidb64>/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("settings/users/", views.user_list, name="user_list"),
    path("settings/users/invite/", views.user_invite, name="user_invite"),
    path("settings/users/<int:user_id>/", views.user_detail, name="user_detail"),
    path("settings/users/<int:user_id>/<slug:action>/", views.user_action, name="user_action"),
    path("settings/practice/", views.practice_settings, name="practice_settings"),
    path("settings/locations/", views.location_list, name="location_list"),
    path("settings/locations/new/", views.location_edit, name="location_new"),
    path("settings/locations/<int:location_id>/", views.location_edit, name="location_edit"),
    path("settings/locations/<int:location_id>/rooms/", views.room_add, name="room_add"),
    path("settings/rooms/<int:room_id>/toggle/", views.room_toggle, name="room_toggle"),
    path("account/tokens/", views.token_list, name="token_list"),
    path("account/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/export/", views.audit_export, name="audit_export"),
    path("healthz", views.healthz, name="healthz"),
]
