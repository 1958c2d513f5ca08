"""我的待办: everything awaiting the signed-in person, on the console and on the phone."""

from django.shortcuts import render

from . import nav
from .routes import signed_in


@signed_in
def todo_list(request):
    return render(request, "web/todo_list.html", {"todos": nav.todos_for(request.actor)})


@signed_in(channel="mobile")
def mobile_todo_list(request):
    return render(request, "web/mobile_todo_list.html", {"todos": nav.todos_for(request.actor)})
