"""The discipline tests' tree; each file builds its world once (``fenji.testing.shared_world``)."""


def discipline_tree(code: str):
    """中牟县纪委监委 with two town commissions: ``(county, town, other)``."""
    from fenji.core.access import policy
    from fenji.core.org.services import unit_create
    from fenji.modules.discipline import kinds

    county = unit_create(actor=policy.SYSTEM, parent=None, name="中牟县纪委监委", kind=kinds.COMMISSION, code=code)
    town = unit_create(actor=policy.SYSTEM, parent=county, name="白沙镇纪委", kind=kinds.TOWN, code=f"{code}-T1")
    other = unit_create(actor=policy.SYSTEM, parent=county, name="姚家镇纪委", kind=kinds.TOWN, code=f"{code}-T2")
    return county, town, other
