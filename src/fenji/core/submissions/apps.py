from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    """Reports up (C7.2): a unit's information, requests and reports, drafted by its staff, reviewed
    and sealed by its head with the unit's electronic seal, submitted to the parent unit, which signs
    for, handles or returns them. The seal is checked again every time a submission is shown."""

    name = "fenji.core.submissions"
    label = "submissions"
    verbose_name = "信息报送"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from fenji.core.access import policy
        from fenji.core.seals.permissions import SEAL_APPLY
        from fenji.core.web import nav

        from . import permissions as perms

        def takes_part(actor) -> bool:  # drafts, reviews and seals, or handles what comes up
            return any(policy.can(actor, code) for code in (perms.SUBMISSION_DRAFT, SEAL_APPLY,
                                                            perms.SUBMISSION_HANDLE))

        nav.register(_("信息报送"), "submissions:list", action=takes_part, order=30, group="submissions")
