from django.urls import path

from .views import audit, auth, health, home, locations, mfa, tokens, users

app_name = "core"

urlpatterns = [
    path("", home.home, name="home"),
    path("me/", home.my_home, name="my_home"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("login/verify/", mfa.mfa_verify, name="mfa_verify"),
    path("account/mfa/", mfa.mfa_enroll, name="mfa_enroll"),
    path("account/password/", auth.password_change, name="password_change"),
    path("invitation/<str:uidb64>/<str:token>/", auth.invitation_accept, name="invitation_accept"),
    path("password/forgot/", auth.password_forgot, name="password_forgot"),
    path("password/reset/<str:uidb64>/<str:token>/", auth.password_reset, name="password_reset"),
    path("settings/users/", users.user_list, name="user_list"),
    path("settings/users/invite/", users.user_invite, name="user_invite"),
    path("settings/users/<int:user_id>/", users.user_detail, name="user_detail"),
    path("settings/users/<int:user_id>/<slug:action>/", users.user_action, name="user_action"),
    path("settings/practice/", locations.practice_settings, name="practice_settings"),
    path("settings/locations/", locations.location_list, name="location_list"),
    path("settings/locations/new/", locations.location_edit, name="location_new"),
    path("settings/locations/<int:location_id>/", locations.location_edit, name="location_edit"),
    path("settings/locations/<int:location_id>/rooms/", locations.room_add, name="room_add"),
    path("settings/rooms/<int:room_id>/toggle/", locations.room_toggle, name="room_toggle"),
    path("account/tokens/", tokens.token_list, name="token_list"),
    path("account/tokens/<int:token_id>/revoke/", tokens.token_revoke, name="token_revoke"),
    path("audit/", audit.audit_list, name="audit_list"),
    path("audit/export/", audit.audit_export, name="audit_export"),
    path("healthz", health.healthz, name="healthz"),
]
