"""The one selfheal note of a merge request, through the Notes API: found again by its hidden marker and
edited in place on every later attempt, never posted twice.

Every note of the merge request is read (`GET /projects/:id/merge_requests/:iid/notes`, oldest first, page
by page): the note to edit is the first one that is not a system note, was written by the token's own user
(`GET /user`; GitLab lets only a note's author edit it, and a human quoting the bot would otherwise be
edited) and contains the exact marker. It is edited (`PUT …/notes/:note_id`); without one a note is created
(`POST …/notes`).
"""

from __future__ import annotations

import gitlab

from .client import GitLabAPIError, ProjectRef, calling, project_of


def _me(gl: gitlab.Gitlab) -> int:
    with calling(gl, "reading the token's user", write=True):  # for a write: say what a write needs
        if gl.user is None:
            gl.auth()
    user_id = gl.user.attributes.get("id") if gl.user is not None else None  # CurrentUser has no id attribute
    if not isinstance(user_id, int):
        raise GitLabAPIError(None, "the token's user has no id", "reading the token's user")
    return user_id


def upsert(gl: gitlab.Gitlab, project: ProjectRef, iid: int, marker: str, body: str) -> int:
    """Makes `body` (which holds `marker`) the merge request's selfheal note; returns the note's id."""
    if not marker or marker not in body:
        raise ValueError("the note's body must hold its marker, or the next attempt cannot find it")
    me = _me(gl)
    mr = project_of(gl, project).mergerequests.get(iid, lazy=True)
    with calling(gl, f"reading the notes of !{iid}", write=True):
        ours = next(
            (
                note
                for note in mr.notes.list(sort="asc", order_by="created_at", iterator=True)
                if not note.attributes.get("system")
                and (note.attributes.get("author") or {}).get("id") == me
                and marker in str(note.attributes.get("body") or "")
            ),
            None,
        )
    if ours is not None:
        with calling(gl, f"editing note {ours.get_id()} on !{iid}", write=True):
            mr.notes.update(ours.get_id(), {"body": body})
        note_id = ours.get_id()
    else:
        with calling(gl, f"writing a note on !{iid}", write=True):
            note_id = mr.notes.create({"body": body}).get_id()
    if not isinstance(note_id, int):
        raise GitLabAPIError(None, "the note has no id", f"writing a note on !{iid}")
    return note_id
