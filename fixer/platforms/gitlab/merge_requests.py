"""Merge requests through the Merge requests API: finding one, its auto-merge, its labels, and the one open
fix merge request per branch that `branch` mode keeps.

- `find`: `GET /projects/:id/merge_requests/:iid`, or `GET /projects/:id/merge_requests?source_branch=…&
  state=opened` — only merge requests from this project's own branch: a fork's branch may have the same name.
- auto-merge: GitLab shows it as `merge_when_pipeline_succeeds` (also for the newer "auto-merge" wording;
  an `auto_merge` field is read too, should GitLab add one). `POST …/cancel_merge_when_pipeline_succeeds`
  answers 201 `{"status": "success"}` (not the merge request its documentation promises), 201 with
  `"status": "error"` when the service refuses, and 405 when auto-merge was not on.
- labels: `PUT /projects/:id/merge_requests/:iid` with `add_labels` / `remove_labels` (comma-separated), so
  labels a human set are left alone.
- `open_or_update`: `POST /projects/:id/merge_requests`, or a `PUT` of the title and description of the open
  one; GitLab answers 409 when another open merge request has the same source branch (a race: it is found
  and updated instead).
"""

from __future__ import annotations

from collections.abc import Iterable

import gitlab
from gitlab.v4.objects import Project, ProjectMergeRequest

from .client import GitLabAPIError, ProjectRef, calling, project_of


def _own(mr: ProjectMergeRequest) -> bool:
    source, target = mr.attributes.get("source_project_id"), mr.attributes.get("target_project_id")
    return source is None or source == target


def find(
    gl: gitlab.Gitlab, project: ProjectRef, iid: int | None = None, source_branch: str | None = None
) -> ProjectMergeRequest | None:
    """The merge request `iid`, or the newest open one from this project's `source_branch`; None if none."""
    proj = project_of(gl, project)
    if iid is not None:
        try:
            with calling(gl, f"reading merge request !{iid}", write=False):
                return proj.mergerequests.get(iid)
        except GitLabAPIError as exc:
            if exc.status == 404:
                return None
            raise
    if not source_branch:
        raise ValueError("find a merge request by iid or by source branch")
    with calling(gl, f"looking for the open merge request of {source_branch}", write=False):
        found = proj.mergerequests.list(
            source_branch=source_branch, state="opened", order_by="created_at", sort="desc", iterator=True
        )
        return next((mr for mr in found if _own(mr)), None)


def auto_merge_on(mr: ProjectMergeRequest) -> bool:
    """Will GitLab merge it by itself when its pipeline succeeds?"""
    return bool(mr.attributes.get("merge_when_pipeline_succeeds") or mr.attributes.get("auto_merge"))


def cancel_auto_merge(gl: gitlab.Gitlab, project: ProjectRef, iid: int) -> bool:
    """Turns auto-merge off; True if it was on, False if it was already off."""
    doing = f"turning auto-merge off on !{iid}"
    mr = project_of(gl, project).mergerequests.get(iid, lazy=True)
    try:
        with calling(gl, doing, write=True):
            answer = mr.cancel_merge_when_pipeline_succeeds()
    except GitLabAPIError as exc:
        if exc.status == 405:  # GitLab: "405 Method Not Allowed" when auto-merge is not enabled
            return False
        raise
    if answer.get("status") != "success":
        raise GitLabAPIError(201, str(answer.get("message") or answer), doing)
    return True


def _names(labels: Iterable[str]) -> str:
    names = [label.strip() for label in labels if label.strip()]
    if any("," in name for name in names):
        raise ValueError(f"a GitLab label cannot contain a comma: {names}")
    return ",".join(names)


def set_labels(
    gl: gitlab.Gitlab,
    project: ProjectRef,
    iid: int,
    add: Iterable[str] = (),
    remove: Iterable[str] = (),
) -> list[str]:
    """Adds and removes labels, leaving the others alone; returns the labels after (none asked: [])."""
    change = {
        key: value for key, value in (("add_labels", _names(add)), ("remove_labels", _names(remove))) if value
    }
    if not change:
        return []
    with calling(gl, f"labelling !{iid}", write=True):
        data = project_of(gl, project).mergerequests.update(iid, change)
    labels = data.get("labels") if isinstance(data, dict) else None
    return [str(label) for label in labels] if isinstance(labels, list) else []


def _update(
    gl: gitlab.Gitlab, proj: Project, mr: ProjectMergeRequest, target: str, title: str, text: str
) -> str:
    change = {"title": title, "description": text}
    if mr.attributes.get("target_branch") != target:
        change["target_branch"] = target
    with calling(gl, f"updating merge request !{mr.get_id()}", write=True):
        data = proj.mergerequests.update(mr.get_id(), change)
    return str(data.get("web_url") or mr.attributes.get("web_url") or "")


def open_or_update(
    gl: gitlab.Gitlab,
    project: ProjectRef,
    source_branch: str,
    target_branch: str,
    title: str,
    description: str,
) -> str:
    """The one open merge request from `source_branch` into `target_branch`, created or brought up to date;
    returns its web URL."""
    proj = project_of(gl, project)
    existing = find(gl, proj, source_branch=source_branch)
    if existing is not None:
        return _update(gl, proj, existing, target_branch, title, description)
    fields = {"source_branch": source_branch, "target_branch": target_branch, "title": title}
    try:
        with calling(gl, f"opening a merge request from {source_branch}", write=True):
            made = proj.mergerequests.create({**fields, "description": description})
    except GitLabAPIError as exc:
        raced = find(gl, proj, source_branch=source_branch) if exc.status == 409 else None
        if raced is None:
            raise
        return _update(gl, proj, raced, target_branch, title, description)
    return str(made.attributes.get("web_url") or "")


def close_superseded(
    gl: gitlab.Gitlab, project: ProjectRef, prefix: str, target_branch: str, keep: str
) -> list[int]:
    """Closes open merge requests from branches starting with `prefix` into `target_branch`, but `keep`'s:
    earlier fix proposals for the same branch, so one stays open per branch. Returns the closed iids."""
    proj = project_of(gl, project)
    with calling(gl, "listing earlier fix proposals", write=False):
        found = proj.mergerequests.list(state="opened", target_branch=target_branch, iterator=True)
    closed = []
    for mr in found:
        source = str(mr.attributes.get("source_branch") or "")
        if source.startswith(prefix) and source != keep and _own(mr):
            with calling(gl, f"closing the earlier proposal !{mr.iid}", write=True):
                proj.mergerequests.update(mr.iid, {"state_event": "close"})
            closed.append(int(mr.iid))
    return closed
