"""Request types, declared in code by the app that owns the services they run.

A type names its form (the fields the requester fills in), its steps in order (who may decide each,
where, and within how many working days) and, on the steps that carry it out, the function that
runs the service. ``people`` declares the account and permission requests of seed 004's two forms; a
module lists its types in its declaration (``kernel.modules.Module.request_types``), filed only while live.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms

from fenji.core.kernel import modules

OWN = "own"        # the step is decided in the requesting unit
PARENT = "parent"  # in the unit above it (a county's request carried out by the prefecture)


@dataclass(frozen=True)
class StepSpec:
    code: str
    label: str
    action: str  # the action the decider must hold over the step's unit
    days: int  # working days from the moment the step opens
    at: str | Callable[[Any], Any] = OWN  # OWN, PARENT, or unit -> unit
    # Set on a step that carries the request out: run(actor=, request=, payload=) -> result text
    # (办理结果). It runs inside the decision's transaction, so a refusal undoes the decision too.
    run: Callable[..., str] | None = None

    @property
    def executes(self) -> bool:
        return self.run is not None


@dataclass(frozen=True)
class RequestType:
    code: str
    label: str
    form: type[forms.Form]  # constructed as form(data, actor=actor, unit=unit); cleaned_data → payload
    steps: tuple[StepSpec, ...]
    file_action: str
    group: str = ""  # heading on the "new request" page
    # payload -> one line for lists and the ledger (e.g. "新增操作员 张三")
    summary: Callable[[dict], str] = field(default=lambda payload: "")
    # payload -> pk of the account the request is about, if any (ledgers join on it)
    subject: Callable[[dict], int | None] = field(default=lambda payload: None)
    # May this type be filed from this unit? (unit -> error message or "")
    fileable_at: Callable[[Any], str] = field(default=lambda unit: "")


_types: dict[str, RequestType] = {}


def register(request_type: RequestType) -> RequestType:
    if request_type.code in _types and _types[request_type.code] is not request_type:
        raise ValueError(f"request type {request_type.code} declared twice")
    codes = [s.code for s in request_type.steps]
    if len(set(codes)) != len(codes) or not codes:
        raise ValueError(f"request type {request_type.code}: step codes must be present and distinct")
    _types[request_type.code] = request_type
    return request_type


def _declared(live_only: bool) -> list[RequestType]:
    return [t for m in (modules.live() if live_only else modules.all_modules()) for t in m.request_types
            if t.code not in _types]


def get(code: str) -> RequestType | None:
    """A request type by code, a dark module's too (its requests stay readable)."""
    return _types.get(code) or next((t for t in _declared(False) if t.code == code), None)


def all_types() -> list[RequestType]:
    """The types that may be filed: the registered ones and those of the live modules."""
    return [*_types.values(), *_declared(True)]


def step_actions() -> set[str]:
    return {s.action for t in [*_types.values(), *_declared(False)] for s in t.steps}
