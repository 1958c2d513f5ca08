"""``DutyHold`` names the duty held, not the role: 三员 and 账户/权限/操作员 are rules over duties
(``access.rules.ExclusiveDuties``), so an account administrator holds the system duty and a permission
administrator the security duty.

The rows are rebuilt from the grants not revoked, under the profile active when the migration runs
(``FENJI_PROFILE``). An account whose grants already break a rule (possible before this change, e.g.
an account administrator who was also made auditor) keeps its grants and gets no row for that rule:
the migration prints it, and system check ``fenji.W020`` lists it until a grant is revoked. While in
that state, no further grant carrying a duty of that rule is accepted for the account.
"""

from collections import defaultdict

from django.db import migrations, models


def rebuild_duty_holds(apps, schema_editor):
    from fenji.core.access import rules
    from fenji.core.access.registry import Duty
    from fenji.core.access.roles import BUILTIN_ROLES, Role

    Grant = apps.get_model("access", "Grant")
    RoleRow = apps.get_model("access", "Role")
    DutyHold = apps.get_model("access", "DutyHold")
    custom = {row.code: Role(row.code, row.label, Duty.BUSINESS, frozenset(row.actions), builtin=False)
              for row in RoleRow.objects.all()}
    roles_by_account = defaultdict(list)
    for account_id, code in (Grant.objects.filter(revoked_at__isnull=True)
                             .values_list("account_id", "role").distinct().order_by("account_id", "role")):
        role = BUILTIN_ROLES.get(code) or custom.get(code)
        if role is not None:
            roles_by_account[account_id].append(role)
    holds, conflicts = rules.duty_holds_for(roles_by_account)
    DutyHold.objects.all().delete()
    DutyHold.objects.bulk_create([DutyHold(account_id=account, rule=rule, duty=duty) for account, rule, duty in holds],
                                 batch_size=1000)
    for account, rule, held in conflicts:
        duties = "; ".join(f"{code}: {', '.join(role.code for role in roles)}" for code, roles in held.items())
        print(f"\n  access: account {account} already breaks duty rule {rule.name} ({duties}); "
              "grants kept, see system check fenji.W020")


def restore_role_holds(apps, schema_editor):
    """Back to one row per (account, rule) naming a role: the first role of the set the account holds."""
    from fenji.core.access import rules
    from fenji.core.access.roles import BUILTIN_ROLES

    Grant = apps.get_model("access", "Grant")
    DutyHold = apps.get_model("access", "DutyHold")
    DutyHold.objects.all().delete()
    old_sets = {"sanyuan": ("system_admin", "security_admin", "auditor"),
                "account_permission_operator": ("account_admin", "permission_admin", "operator")}
    rows = []
    for rule in rules.active_profile().exclusive:
        codes = old_sets.get(rule.name, ())
        seen = set()
        for account_id, code in (Grant.objects.filter(revoked_at__isnull=True, role__in=codes)
                                 .values_list("account_id", "role").order_by("account_id", "pk")):
            if account_id not in seen and code in BUILTIN_ROLES:
                seen.add(account_id)
                rows.append(DutyHold(account_id=account_id, rule=rule.name, duty=code))
    DutyHold.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("access", "0003_grant_review"),
    ]

    operations = [
        migrations.RenameField(model_name="dutyhold", old_name="role", new_name="duty"),
        migrations.RunPython(migrations.RunPython.noop, restore_role_holds),
        migrations.AlterField(model_name="dutyhold", name="duty", field=models.CharField(max_length=20)),
        migrations.RunPython(rebuild_duty_holds, migrations.RunPython.noop),
    ]
