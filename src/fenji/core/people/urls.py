from django.urls import path

from . import batch_views, change_views, import_views, recovery_views, verify_views, views

app_name = "people"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/verify/", verify_views.verify, name="verify"),
    path("logout/", views.logout_view, name="logout"),
    path("password/forgot/", recovery_views.password_forgot, name="password_forgot"),
    path("activate/", recovery_views.activate, name="activate"),
    path("password/", views.password_change, name="password"),
    path("profile/", views.profile, name="profile"),
    path("people/accounts/", views.account_list, name="accounts"),
    path("people/accounts/stale/", views.stale_accounts, name="stale"),
    path("people/accounts/batch/", batch_views.account_batch, name="batch"),
    path("people/accounts/import/", import_views.member_import, name="member_import"),
    path("people/accounts/import/template.xlsx", import_views.member_import_template, name="member_import_template"),
    path("people/accounts/import/<int:pk>/", import_views.member_import_job, name="member_import_job"),
    path("people/accounts/import/<int:pk>/activate/", import_views.member_import_activate,
         name="member_import_activate"),
    path("people/accounts/import/<int:pk>/errors.xlsx", import_views.member_import_errors,
         name="member_import_errors"),
    path("people/accounts/<int:pk>/", views.account_detail, name="account"),
    path("people/accounts/<int:pk>/duty/", views.account_duty, name="duty"),
    path("people/accounts/<int:pk>/disable/", views.account_status, {"active": False}, name="disable"),
    path("people/accounts/<int:pk>/enable/", views.account_status, {"active": True}, name="enable"),
    path("people/accounts/<int:pk>/mobile/", views.account_mobile, name="mobile"),
    path("people/accounts/<int:pk>/correct/", change_views.person_correct, name="correct"),
    path("people/accounts/<int:pk>/move/", change_views.account_move, name="move"),
    path("people/accounts/<int:pk>/password-reset/", recovery_views.account_password_reset, name="password_reset"),
    path("people/accounts/<int:pk>/activation/", recovery_views.account_activation_invite, name="activation_invite"),
    path("people/accounts/<int:pk>/unmasked/", views.account_unmasked, name="unmask"),
    path("org/units/<int:unit_pk>/accounts/new/", views.account_open, name="open"),
    path("m/", views.mobile_home, name="mobile_home"),
    path("m/login/", views.mobile_login, name="mobile_login"),
    path("m/login/verify/", verify_views.mobile_verify, name="mobile_verify"),
    path("m/password/", views.mobile_password, name="mobile_password"),
    path("m/password/forgot/", recovery_views.mobile_password_forgot, name="mobile_password_forgot"),
    path("m/activate/", recovery_views.mobile_activate, name="mobile_activate"),
    path("m/signup/", recovery_views.mobile_signup, name="mobile_signup"),
    path("m/logout/", views.logout_view, name="mobile_logout"),
]
