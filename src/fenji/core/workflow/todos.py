"""The to-dos of the request engine: steps awaiting the person's decision."""

from fenji.core.kernel.modules import Todo

from .selectors import step_list_awaiting

LIMIT = 50


def step_todos(actor) -> list[Todo]:
    return [Todo("workflow.decide", "待我审批", f"{step.request.title}（{step.label}）", f"/requests/{step.request_id}/",
                 step.due_at, step.request.unit.name, "workflow:awaiting") for step in step_list_awaiting(actor=actor)[:LIMIT]]
