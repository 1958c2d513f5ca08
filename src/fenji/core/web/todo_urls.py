from django.urls import path

from . import todo_views

app_name = "todos"

urlpatterns = [
    path("todos/", todo_views.todo_list, name="list"),
    path("m/todos/", todo_views.mobile_todo_list, name="mobile"),
]
