from django.utils.functional import SimpleLazyObject

from .policy import actor_for


class ActorMiddleware:
    """``request.actor``: the signed-in account with its grants, loaded at most once per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.actor = SimpleLazyObject(lambda: actor_for(getattr(request, "user", None)))
        return self.get_response(request)
