from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from oauth2_provider.views import AuthorizationView

from fenji.core.people.authentication import SESSION_LOGIN_AT
from fenji.core.web.routes import public

from .validators import ID_NUMBERS

# The provider's own accounts: user name → (password, account id). Filled by ``kit.Idp.user``.
USERS: dict[str, tuple[str, int]] = {}


class Authorize(AuthorizationView):
    login_url = "/idp/login/"


@public
def idp_login(request):
    """The provider's sign-in page (in real life: the QR code scanned with the card app)."""
    error = ""
    if request.method == "POST":
        password, account_id = USERS.get(request.POST.get("username", ""), ("", None))
        if account_id is not None and password == request.POST.get("password") and account_id in ID_NUMBERS:
            from fenji.core.people.models import Account

            account = Account.objects.unscoped(reason="the test provider's own user").get(pk=account_id)
            login(request, account, backend="fenji.core.people.backends.AccountBackend")
            request.session[SESSION_LOGIN_AT] = timezone.now().timestamp()
            target = request.POST.get("next", "")
            if url_has_allowed_host_and_scheme(target, {request.get_host()}) and target.startswith("/idp/"):
                return redirect(target)
            return redirect("/idp/login/")
        error = "用户名或密码错误"
    response = render(request, "idp/login.html", {"next": request.GET.get("next") or request.POST.get("next", ""),
                                                  "error": error})
    # The provider is another site with its own policy: its sign-in form ends, through the authorization
    # redirect, at fenji's callback on another host, which fenji's own form-action 'self' would block.
    response["Content-Security-Policy"] = "default-src 'self'; form-action 'self' http://localhost:*"
    return response


# Every provider page answers without a fenji session (the provider has its own sign-in).
authorize = public(Authorize.as_view())
