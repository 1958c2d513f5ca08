"""The signed-in account of a request, with its person, its unit, its live grants and the live business roles
they name, in ONE query (the session's row is the request's only other identity query; ADR 0019).

Nothing is cached between requests: every request reads the account's status, password hash and security
stamp (Django compares the session's hash with them), its live grants (not revoked, ``valid_from`` passed,
``valid_until`` not reached: compared with the time of this request) and the current definition of each
business role, exactly as the four separate queries did before. A change made by any process — a revoked or
expired grant, a disabled account, a changed password, an archived or edited role — holds on the next request.

The SQL is written once per process and database vendor from the models' metadata; each value goes through
the same converters the ORM applies (decryption of the mobile number, SQLite's dates, JSON), and the rows
become model instances through ``Model.from_db`` as a queryset's would. The person's ID number, which no
request needs, is left deferred: reading it loads it on demand.
"""

from django.db import connections
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.models import Grant
from fenji.core.access.models import Role as RoleRow
from fenji.core.org.models import Unit

from .models import Account, Person

# The person's ID number is read on demand (one SM4 decryption fewer per request). No blind-index column is
# ever deferred: a save of a deferred instance writes only its loaded columns, and a hash must always be
# written with its source (``BlindIndexField.pre_save`` reads a deferred source on demand).
DEFERRED = {Account: set(), Person: {"id_number"}, Unit: set()}
GRANT_COLUMNS = ("id", "role", "unit_path", "reach", "subsystem", "valid_until")
ROLE_COLUMNS = ("label", "actions", "subsystem")

_compiled: dict[str, tuple] = {}


def _fields(model):
    return [f for f in model._meta.concrete_fields if f.attname not in DEFERRED[model]]


def _converters(connection, fields, alias):
    converters = []
    for field in fields:
        col = field.get_col(alias)
        found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        converters.append((found, col))
    return converters


def _compile(connection) -> tuple:
    qn = connection.ops.quote_name
    account, person, unit = _fields(Account), _fields(Person), _fields(Unit)
    grant = [Grant._meta.get_field(name) for name in GRANT_COLUMNS]
    role = [RoleRow._meta.get_field(name) for name in ROLE_COLUMNS]
    aliases = (("a", account), ("p", person), ("u", unit), ("g", grant), ("r", role))
    columns = ", ".join(f"{alias}.{qn(f.column)}" for alias, fields in aliases for f in fields)
    g = {name: qn(Grant._meta.get_field(name).column) for name in ("account", "revoked_at", "valid_from",
                                                                  "valid_until", "role")}
    sql = (
        f"SELECT {columns} FROM {qn(Account._meta.db_table)} a "
        f"INNER JOIN {qn(Person._meta.db_table)} p ON p.{qn('id')} = a.{qn(Account._meta.get_field('person').column)} "
        f"INNER JOIN {qn(Unit._meta.db_table)} u ON u.{qn('id')} = a.{qn(Account._meta.get_field('unit').column)} "
        f"LEFT OUTER JOIN {qn(Grant._meta.db_table)} g ON g.{g['account']} = a.{qn('id')} "
        f"AND g.{g['revoked_at']} IS NULL "
        f"AND (g.{g['valid_until']} IS NULL OR g.{g['valid_until']} > %s) "
        f"AND (g.{g['valid_from']} IS NULL OR g.{g['valid_from']} <= %s) "
        f"LEFT OUTER JOIN {qn(RoleRow._meta.db_table)} r ON r.{qn('code')} = g.{g['role']} "
        f"AND r.{qn(RoleRow._meta.get_field('archived_at').column)} IS NULL "
        f"WHERE a.{qn('id')} = %s"
    )
    converters = []
    for alias, fields in aliases:
        converters += _converters(connection, fields, alias)
    spans = []
    start = 0
    for _, fields in aliases:
        spans.append((start, start + len(fields)))
        start += len(fields)
    names = {model: [f.attname for f in fields] for model, fields in ((Account, account), (Person, person),
                                                                      (Unit, unit))}
    return sql, converters, spans, names


def _convert(row, converters, connection):
    values = list(row)
    for i, (found, col) in enumerate(converters):
        for converter in found:
            values[i] = converter(values[i], col, connection)
    return values


def signed_in_account(user_id, using: str = "default") -> Account | None:
    """The account ``user_id`` with its person and unit attached and its live grants preloaded for
    ``access.policy.actor_for``; None when there is no such account."""
    try:
        user_id = Account._meta.pk.to_python(user_id)
    except Exception:  # noqa: BLE001 - a session naming no valid key is a session naming nobody
        return None
    connection = connections[using]
    compiled = _compiled.get(connection.vendor)
    if compiled is None:
        compiled = _compiled[connection.vendor] = _compile(connection)
    sql, converters, spans, names = compiled
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, now, user_id])
        rows = [_convert(row, converters, connection) for row in cursor.fetchall()]
    if not rows:
        return None
    first = rows[0]
    (a0, a1), (p0, p1), (u0, u1), (g0, g1), (r0, r1) = spans
    account = Account.from_db(using, names[Account], first[a0:a1])
    Account.person.field.set_cached_value(account, Person.from_db(using, names[Person], first[p0:p1]))
    Account.unit.field.set_cached_value(account, Unit.from_db(using, names[Unit], first[u0:u1]))
    grants, custom = [], {}
    for row in rows:
        if row[g0] is None:  # the account holds no live grant: one row, the grant's columns empty
            continue
        grants.append(tuple(row[g0:g1]))
        code = row[g0 + 1]
        if row[r0] is not None:  # a live business role of that code (the join left it empty otherwise)
            label, actions, subsystem = row[r0:r1]
            custom[code] = policy.role_from_row(code, label, actions, subsystem)
    policy.preload_grants(account, grants, custom)
    return account
