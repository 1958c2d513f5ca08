from django.urls import path

from . import views

app_name = "dispatch"

urlpatterns = [
    path("dispatch/", views.dispatch_list, name="list"),
    path("dispatch/new/", views.dispatch_new, name="new"),
    path("dispatch/units/", views.unit_picker, name="picker"),
    path("dispatch/inbox/", views.inbox, name="inbox"),
    path("dispatch/bulletin/", views.bulletin, name="bulletin"),
    path("dispatch/bulletin/issue/", views.bulletin_issue, name="bulletin_issue"),
    path("dispatch/<int:pk>/", views.dispatch_detail, name="detail"),
    path("dispatch/deliveries/<int:pk>/", views.delivery_detail, name="delivery"),
    path("dispatch/deliveries/<int:pk>/attachments/<int:attachment_pk>/", views.delivery_attachment,
         name="delivery_attachment"),
    path("dispatch/<int:pk>/files/<int:file_pk>/", views.dispatch_file, name="file"),
    path("dispatch/deliveries/<int:pk>/files/<int:file_pk>/", views.delivery_file, name="delivery_file"),
    path("m/dispatch/", views.mobile_inbox, name="mobile_inbox"),
    path("m/dispatch/<int:pk>/", views.mobile_delivery, name="mobile_delivery"),
    path("m/dispatch/<int:pk>/files/<int:file_pk>/", views.mobile_delivery_file, name="mobile_delivery_file"),
]
