"""``/api/v1/groups``: groups, members, invitations, followers, discussions, posts, resources.

Thin adapters: each resolves the group and the acting profile (``identity``, else the account's
default profile), calls one service, and shapes the answer. Every rule is in the services.
"""

from __future__ import annotations

from typing import Any

from pyramid.request import Request

from mobilizon.api import Page, operation, paginate
from mobilizon.api.operations import page_body
from mobilizon.errors import NotFound
from mobilizon.groups import discussions, posts, resources, services
from mobilizon.groups.models import Discussion, GroupComment, Member, Post, Resource
from mobilizon.groups.schemas import (
    ActorRef,
    Address,
    CommentCreate,
    CommentOut,
    CommentPatch,
    DiscussionCreate,
    DiscussionDetail,
    DiscussionOut,
    DiscussionPatch,
    FollowBody,
    FollowerOut,
    GroupCreate,
    GroupOut,
    GroupPatch,
    IdentityBody,
    IdentityQuery,
    InvitationCreate,
    JoinBody,
    MemberOut,
    MemberPatch,
    PostCreate,
    PostOut,
    PostPatch,
    ResourceCreate,
    ResourceOut,
    ResourcePatch,
    ResourceQuery,
)
from mobilizon.i18n import _
from mobilizon.identities.models import Actor
from mobilizon.identities.webfinger import local_host

TAGS = ("groups",)


# --- helpers ----------------------------------------------------------------------------------


def _domain(request: Request) -> str:
    return local_host(request.registry.settings["mobilizon.base_url"])


def _ref(request: Request, actor: Actor | None) -> ActorRef | None:
    return ActorRef.of(actor, _domain(request)) if actor is not None else None


def _profile(request: Request, identity: str | None, required: bool = True) -> Actor | None:
    """The acting profile; for reads without a token, nobody (the public's view)."""
    if request.user is None and not required:
        return None
    return services.acting_profile(request.dbsession, request.user, identity, request.current_profile)


def _group(request: Request) -> Actor:
    return services.get_group(request.dbsession, request.matchdict["username"])


def _slice(request: Request, rows: list[Any]) -> tuple[list[Any], int, int, int]:
    page, per_page, offset = paginate(request, len(rows))
    return rows[offset : offset + per_page], len(rows), page, per_page


def group_out(request: Request, group: Actor, profile: Actor | None) -> GroupOut:
    dbsession = request.dbsession
    role = services.role_of(dbsession, group, profile) if profile is not None else None
    settings = services.group_settings(dbsession, group)
    address = None
    if settings.has_address or settings.lat is not None:
        address = Address(
            description=settings.address_description,
            street=settings.street,
            locality=settings.locality,
            postal_code=settings.postal_code,
            region=settings.region,
            country=settings.country,
            lat=settings.lat,
            lon=settings.lon,
        )
    shown = services.shows_member_count(dbsession, group, role or services.OUTSIDER)
    return GroupOut(
        preferred_username=group.preferred_username,
        name=group.name,
        summary=group.summary,
        url=group.url,
        handle=group.handle(_domain(request)),
        avatar=group.avatar_url,
        banner=group.banner_url,
        visibility=group.visibility,  # type: ignore[arg-type]
        openness=group.openness or "moderated",  # type: ignore[arg-type]
        show_member_count=settings.show_member_count,
        member_count=services.member_count(dbsession, group) if shown else None,
        address=address,
        role=role,
        following=services.following(dbsession, group, profile) is not None,
    )


def member_out(request: Request, member: Member) -> MemberOut:
    return MemberOut(
        id=member.id,
        role=member.role,
        actor=_ref(request, member.actor),
        group=member.group.preferred_username,
        invited_by=_ref(request, member.invited_by),
        message=member.message,
        created_at=member.created_at,
        updated_at=member.updated_at,
    )


def comment_out(request: Request, comment: GroupComment) -> CommentOut:
    return CommentOut(
        uuid=comment.uuid,
        url=comment.url,
        text=comment.text,
        actor=_ref(request, comment.actor),
        in_reply_to=comment.in_reply_to.uuid if comment.in_reply_to else None,
        deleted=comment.deleted,
        created_at=comment.created_at,
        edited_at=comment.edited_at,
    )


def discussion_out(request: Request, discussion: Discussion, detail: bool = False) -> DiscussionOut:
    values = {
        "uuid": discussion.uuid,
        "url": discussion.url,
        "title": discussion.title,
        "creator": _ref(request, discussion.creator),
        "comment_count": discussions.comment_count(request.dbsession, discussion),
        "created_at": discussion.created_at,
        "last_comment_at": discussion.last_comment_at,
    }
    if detail:
        return DiscussionDetail(**values, comments=[comment_out(request, c) for c in discussion.comments])
    return DiscussionOut(**values)


def post_out(request: Request, post: Post, insider: bool) -> PostOut:
    return PostOut(
        uuid=post.uuid,
        url=post.url,
        title=post.title,
        body=post.body,
        picture=post.picture_url,
        draft=post.draft,
        visibility=post.visibility,  # type: ignore[arg-type]
        published_at=post.published_at,
        created_at=post.created_at,
        updated_at=post.updated_at,
        group=_ref(request, post.group),
        author=_ref(request, post.author) if insider else None,
    )


def resource_out(request: Request, resource: Resource) -> ResourceOut:
    rtype = resources.resource_types(request.registry).get(resource.type)
    page = (
        f"{request.application_url}{rtype.route_prefix}/{resource.uuid}"
        if rtype and rtype.route_prefix
        else None
    )
    return ResourceOut(
        uuid=resource.uuid,
        url=resource.url,
        type=resource.type,
        title=resource.title,
        summary=resource.summary,
        resource_url=resource.resource_url,
        page=page,
        preview=dict(resource.preview or {}),
        parent=resource.parent.uuid if resource.parent else None,
        creator=_ref(request, resource.creator),
        created_at=resource.created_at,
        updated_at=resource.updated_at,
    )


# --- groups -----------------------------------------------------------------------------------


@operation(
    route_name="api_groups",
    request_method="GET",
    summary="List the public groups",
    query=IdentityQuery,
    response=Page[GroupOut],
    auth="optional",
    tags=TAGS,
)
def list_groups(request: Request, query: IdentityQuery) -> dict[str, Any]:
    """Public local groups, newest first; unlisted groups are reachable by their link only."""
    profile = _profile(request, query.identity, required=False)
    page, per_page, offset = paginate(request, 0)
    rows, total = services.list_public_groups(request.dbsession, offset, per_page)
    return page_body(request, [group_out(request, g, profile) for g in rows], total, page, per_page)


@operation(
    route_name="api_groups",
    request_method="POST",
    summary="Create a group",
    body=GroupCreate,
    response=GroupOut,
    status=201,
    errors=(403, 409),
    tags=TAGS,
)
def create_group(request: Request, body: GroupCreate) -> GroupOut:
    """The acting profile becomes the group's administrator. The username follows the same
    rules as profiles' (unique whatever its case; reserved and retired ones are refused: 409).
    """
    group = services.create_group(request, request.user, body.values(), request.current_profile)
    return group_out(request, group, _profile(request, body.identity))


@operation(
    route_name="api_group",
    request_method="GET",
    summary="Read a group",
    query=IdentityQuery,
    response=GroupOut,
    auth="optional",
    errors=(404,),
    tags=TAGS,
)
def get_group(request: Request, query: IdentityQuery) -> GroupOut:
    return group_out(request, _group(request), _profile(request, query.identity, required=False))


@operation(
    route_name="api_group",
    request_method="PATCH",
    summary="Edit a group (administrators)",
    body=GroupPatch,
    response=GroupOut,
    errors=(403, 404),
    tags=TAGS,
)
def edit_group(request: Request, body: GroupPatch) -> GroupOut:
    group = services.update_group(
        request,
        request.user,
        request.matchdict["username"],
        {"identity": body.identity, **body.values()},
        request.current_profile,
    )
    return group_out(request, group, _profile(request, body.identity))


@operation(
    route_name="api_group",
    request_method="DELETE",
    summary="Delete a group (administrators)",
    body=IdentityBody,
    status=204,
    errors=(403, 404),
    tags=TAGS,
)
def delete_group(request: Request, body: IdentityBody) -> None:
    """The group and everything in it are removed; its username is never handed out again."""
    services.delete_group(
        request,
        request.user,
        request.matchdict["username"],
        request.media_store,
        request.current_profile,
        body.identity,
    )


# --- members ----------------------------------------------------------------------------------


@operation(
    route_name="api_group_members",
    request_method="GET",
    summary="List the members",
    query=IdentityQuery,
    response=Page[MemberOut],
    errors=(403, 404),
    tags=TAGS,
)
def list_members(request: Request, query: IdentityQuery) -> dict[str, Any]:
    """Members see administrators, moderators and members; moderators also see invitations,
    join requests (``not_approved``) and rejections. ``?role=`` filters (repeatable).
    """
    group = _group(request)
    roles = request.GET.getall("role") or None
    rows = services.list_members(request.dbsession, group, _profile(request, query.identity), roles)
    items, total, page, per_page = _slice(request, rows)
    return page_body(request, [member_out(request, m) for m in items], total, page, per_page)


@operation(
    route_name="api_group_member",
    request_method="GET",
    summary="Read one membership",
    query=IdentityQuery,
    response=MemberOut,
    errors=(403, 404),
    tags=TAGS,
)
def get_member(request: Request, query: IdentityQuery) -> MemberOut:
    """Members see each other; anyone sees the membership of their own profiles (an invitation's id)."""
    member = services.get_member(
        request,
        request.user,
        request.matchdict["username"],
        request.matchdict["handle"],
        query.identity,
        request.current_profile,
    )
    return member_out(request, member)


@operation(
    route_name="api_group_member",
    request_method="PATCH",
    summary="Change a member's role",
    body=MemberPatch,
    response=MemberOut,
    errors=(403, 404, 409),
    tags=TAGS,
)
def patch_member(request: Request, body: MemberPatch) -> MemberOut:
    """Administrators promote and demote (the last administrator cannot be demoted: 409);
    moderators approve (``member``) or reject (``rejected``) join requests.
    """
    member = services.set_role(
        request,
        request.user,
        request.matchdict["username"],
        request.matchdict["handle"],
        body.role,
        body.identity,
        request.current_profile,
    )
    return member_out(request, member)


@operation(
    route_name="api_group_member",
    request_method="DELETE",
    summary="Leave, or exclude a member",
    body=IdentityBody,
    status=204,
    errors=(403, 404, 409),
    tags=TAGS,
)
def delete_member(request: Request, body: IdentityBody) -> None:
    """One of your own profiles: it leaves (or withdraws its request, or declines its
    invitation); the last administrator cannot leave (409). Someone else: administrators
    exclude members, moderators cancel invitations and refuse requests.
    """
    services.remove_member(
        request,
        request.user,
        request.matchdict["username"],
        request.matchdict["handle"],
        body.identity,
        request.current_profile,
    )


@operation(
    route_name="api_group_join",
    request_method="POST",
    summary="Join, or ask to join",
    body=JoinBody,
    response=MemberOut,
    status=201,
    errors=(403, 404, 409),
    tags=TAGS,
)
def join_group(request: Request, body: JoinBody) -> MemberOut:
    """Open groups: you are a member at once. Moderated ones: your request waits for a
    moderator (``not_approved``). Invite-only ones refuse (403): ask an administrator.
    """
    member = services.join(
        request,
        request.user,
        request.matchdict["username"],
        body.identity,
        body.message,
        request.current_profile,
    )
    return member_out(request, member)


# --- invitations ------------------------------------------------------------------------------


@operation(
    route_name="api_group_invitations",
    request_method="GET",
    summary="Pending invitations (moderators)",
    query=IdentityQuery,
    response=Page[MemberOut],
    errors=(403, 404),
    tags=TAGS,
)
def list_invitations(request: Request, query: IdentityQuery) -> dict[str, Any]:
    group = _group(request)
    profile = _profile(request, query.identity)
    services.require(request.dbsession, group, profile, "member.invite")
    rows = services.list_members(request.dbsession, group, profile, ["invited"])
    items, total, page, per_page = _slice(request, rows)
    return page_body(request, [member_out(request, m) for m in items], total, page, per_page)


@operation(
    route_name="api_group_invitations",
    request_method="POST",
    summary="Invite a profile",
    body=InvitationCreate,
    response=MemberOut,
    status=201,
    errors=(403, 404, 409),
    tags=TAGS,
)
def create_invitation(request: Request, body: InvitationCreate) -> MemberOut:
    """Moderators and administrators invite a local profile by its username (422 when there is
    no such profile; 409 when it is already in or invited). Someone who asked to join is
    approved by being invited.
    """
    member = services.invite(
        request,
        request.user,
        request.matchdict["username"],
        body.handle,
        body.identity,
        request.current_profile,
    )
    return member_out(request, member)


@operation(
    route_name="api_invitations",
    request_method="GET",
    summary="Your profiles' pending invitations",
    response=Page[MemberOut],
    tags=TAGS,
)
def my_invitations(request: Request) -> dict[str, Any]:
    from mobilizon.identities.services import list_profiles

    rows = services.pending_invitations(request.dbsession, list_profiles(request.dbsession, request.user))
    items, total, page, per_page = _slice(request, rows)
    return page_body(request, [member_out(request, m) for m in items], total, page, per_page)


def _answer(request: Request, accept: bool) -> MemberOut | None:
    try:
        invitation_id = int(request.matchdict["id"])
    except ValueError:
        raise NotFound(_("There is no pending invitation with this number.")) from None
    if "username" in request.matchdict:
        member = services.get_invitation(request.dbsession, request.user, invitation_id)
        if member.group.preferred_username.lower() != request.matchdict["username"].lower():
            raise NotFound(_("There is no pending invitation with this number."))
    member = services.respond_to_invitation(request, request.user, invitation_id, accept)
    return member_out(request, member) if member is not None else None


@operation(
    route_name=("api_group_invitation_accept", "api_invitation_accept"),
    request_method="POST",
    summary="Accept an invitation",
    response=MemberOut,
    errors=(403, 404),
    tags=TAGS,
)
def accept_invitation(request: Request) -> MemberOut | None:
    """Only the account of the invited profile can accept (403 otherwise); reachable under its
    group or by the invitation's id alone."""
    return _answer(request, True)


@operation(
    route_name=("api_group_invitation_reject", "api_invitation_reject"),
    request_method="POST",
    summary="Decline an invitation",
    status=204,
    errors=(403, 404),
    tags=TAGS,
)
def reject_invitation(request: Request) -> None:
    _answer(request, False)


# --- followers --------------------------------------------------------------------------------


@operation(
    route_name="api_group_followers",
    request_method="GET",
    summary="List followers (moderators)",
    query=IdentityQuery,
    response=Page[FollowerOut],
    errors=(403, 404),
    tags=TAGS,
)
def list_followers(request: Request, query: IdentityQuery) -> dict[str, Any]:
    rows = services.list_followers(request.dbsession, _group(request), _profile(request, query.identity))
    items, total, page, per_page = _slice(request, rows)
    out = [
        FollowerOut(
            id=f.id,
            actor=_ref(request, f.actor),
            approved=f.approved,
            notify=f.notify,
            created_at=f.created_at,
        )
        for f in items
    ]
    return page_body(request, out, total, page, per_page)


@operation(
    route_name="api_group_followers",
    request_method="POST",
    summary="Follow a group",
    body=FollowBody,
    response=FollowerOut,
    status=201,
    errors=(404,),
    tags=TAGS,
)
def follow_group(request: Request, body: FollowBody) -> FollowerOut:
    """Hear of the group's new public events and posts without joining it."""
    follower = services.follow(
        request,
        request.user,
        request.matchdict["username"],
        body.identity,
        request.current_profile,
        body.notify,
    )
    return FollowerOut(
        id=follower.id,
        actor=_ref(request, follower.actor),
        approved=follower.approved,
        notify=follower.notify,
        created_at=follower.created_at,
    )


@operation(
    route_name="api_group_followers",
    request_method="DELETE",
    summary="Stop following a group",
    body=IdentityBody,
    status=204,
    errors=(404,),
    tags=TAGS,
)
def unfollow_group(request: Request, body: IdentityBody) -> None:
    services.unfollow(
        request, request.user, request.matchdict["username"], body.identity, request.current_profile
    )


# --- discussions ------------------------------------------------------------------------------


@operation(
    route_name="api_group_discussions",
    request_method="GET",
    summary="List discussions (members)",
    query=IdentityQuery,
    response=Page[DiscussionOut],
    errors=(403, 404),
    tags=TAGS,
)
def list_discussions(request: Request, query: IdentityQuery) -> dict[str, Any]:
    rows = discussions.list_discussions(request.dbsession, _group(request), _profile(request, query.identity))
    items, total, page, per_page = _slice(request, rows)
    return page_body(request, [discussion_out(request, d) for d in items], total, page, per_page)


@operation(
    route_name="api_group_discussions",
    request_method="POST",
    summary="Start a discussion",
    body=DiscussionCreate,
    response=DiscussionDetail,
    status=201,
    errors=(403, 404),
    tags=TAGS,
)
def create_discussion(request: Request, body: DiscussionCreate) -> DiscussionOut:
    discussion = discussions.create_discussion(
        request, _group(request), _profile(request, body.identity), body.title, body.text
    )
    return discussion_out(request, discussion, detail=True)


@operation(
    route_name="api_group_discussion",
    request_method="GET",
    summary="Read a discussion and its comments",
    query=IdentityQuery,
    response=DiscussionDetail,
    errors=(403, 404),
    tags=TAGS,
)
def get_discussion(request: Request, query: IdentityQuery) -> DiscussionOut:
    discussion = discussions.get_discussion(
        request.dbsession, _group(request), _profile(request, query.identity), request.matchdict["uuid"]
    )
    return discussion_out(request, discussion, detail=True)


@operation(
    route_name="api_group_discussion",
    request_method="PATCH",
    summary="Rename a discussion (moderators)",
    body=DiscussionPatch,
    response=DiscussionDetail,
    errors=(403, 404),
    tags=TAGS,
)
def rename_discussion(request: Request, body: DiscussionPatch) -> DiscussionOut:
    discussion = discussions.rename_discussion(
        request, _group(request), _profile(request, body.identity), request.matchdict["uuid"], body.title
    )
    return discussion_out(request, discussion, detail=True)


@operation(
    route_name="api_group_discussion",
    request_method="DELETE",
    summary="Delete a discussion (moderators)",
    body=IdentityBody,
    status=204,
    errors=(403, 404),
    tags=TAGS,
)
def delete_discussion(request: Request, body: IdentityBody) -> None:
    discussions.delete_discussion(
        request, _group(request), _profile(request, body.identity), request.matchdict["uuid"]
    )


@operation(
    route_name="api_group_discussion_comments",
    request_method="POST",
    summary="Comment or reply",
    body=CommentCreate,
    response=CommentOut,
    status=201,
    errors=(403, 404),
    tags=TAGS,
)
def add_comment(request: Request, body: CommentCreate) -> CommentOut:
    comment = discussions.add_comment(
        request,
        _group(request),
        _profile(request, body.identity),
        request.matchdict["uuid"],
        body.text,
        body.in_reply_to,
    )
    return comment_out(request, comment)


@operation(
    route_name="api_group_discussion_comment",
    request_method="PATCH",
    summary="Edit your comment",
    body=CommentPatch,
    response=CommentOut,
    errors=(403, 404),
    tags=TAGS,
)
def edit_comment(request: Request, body: CommentPatch) -> CommentOut:
    comment = discussions.edit_comment(
        request,
        _group(request),
        _profile(request, body.identity),
        request.matchdict["uuid"],
        request.matchdict["comment"],
        body.text,
    )
    return comment_out(request, comment)


@operation(
    route_name="api_group_discussion_comment",
    request_method="DELETE",
    summary="Delete a comment (yours; moderators: any)",
    body=IdentityBody,
    status=204,
    errors=(403, 404),
    tags=TAGS,
)
def delete_comment(request: Request, body: IdentityBody) -> None:
    discussions.delete_comment(
        request,
        _group(request),
        _profile(request, body.identity),
        request.matchdict["uuid"],
        request.matchdict["comment"],
    )


# --- posts ------------------------------------------------------------------------------------


@operation(
    route_name="api_group_posts",
    request_method="GET",
    summary="List the group's posts",
    query=IdentityQuery,
    response=Page[PostOut],
    auth="optional",
    errors=(404,),
    tags=TAGS,
)
def list_posts(request: Request, query: IdentityQuery) -> dict[str, Any]:
    """Members see drafts and members-only posts too; everyone else the published public ones."""
    group = _group(request)
    profile = _profile(request, query.identity, required=False)
    insider = posts.can_read_private(request.dbsession, group, profile)
    page, per_page, offset = paginate(request, 0)
    rows, total = posts.list_posts(request.dbsession, group, profile, offset, per_page)
    return page_body(request, [post_out(request, p, insider) for p in rows], total, page, per_page)


@operation(
    route_name="api_group_posts",
    request_method="POST",
    summary="Write a post (moderators)",
    body=PostCreate,
    response=PostOut,
    status=201,
    errors=(403, 404),
    tags=TAGS,
)
def create_post(request: Request, body: PostCreate) -> PostOut:
    post = posts.create_post(request, _group(request), _profile(request, body.identity), body.model_dump())
    return post_out(request, post, True)


@operation(
    route_name="api_group_post",
    request_method="GET",
    summary="Read a post",
    query=IdentityQuery,
    response=PostOut,
    auth="optional",
    errors=(403, 404),
    tags=TAGS,
)
def get_post(request: Request, query: IdentityQuery) -> PostOut:
    group = _group(request)
    profile = _profile(request, query.identity, required=False)
    post = posts.get_post(request.dbsession, group, profile, request.matchdict["uuid"])
    return post_out(request, post, posts.can_read_private(request.dbsession, group, profile))


@operation(
    route_name="api_group_post",
    request_method="PATCH",
    summary="Edit or publish a post (moderators)",
    body=PostPatch,
    response=PostOut,
    errors=(403, 404),
    tags=TAGS,
)
def edit_post(request: Request, body: PostPatch) -> PostOut:
    post = posts.update_post(
        request, _group(request), _profile(request, body.identity), request.matchdict["uuid"], body.values()
    )
    return post_out(request, post, True)


@operation(
    route_name="api_group_post",
    request_method="DELETE",
    summary="Delete a post (moderators)",
    body=IdentityBody,
    status=204,
    errors=(403, 404),
    tags=TAGS,
)
def delete_post(request: Request, body: IdentityBody) -> None:
    posts.delete_post(
        request,
        _group(request),
        _profile(request, body.identity),
        request.matchdict["uuid"],
        request.media_store,
    )


# --- resources --------------------------------------------------------------------------------


@operation(
    route_name="api_group_resources",
    request_method="GET",
    summary="List a folder's resources (members)",
    query=ResourceQuery,
    response=Page[ResourceOut],
    errors=(403, 404),
    tags=TAGS,
)
def list_resources(request: Request, query: ResourceQuery) -> dict[str, Any]:
    _folder, rows = resources.list_resources(
        request.dbsession, _group(request), _profile(request, query.identity), query.parent
    )
    items, total, page, per_page = _slice(request, rows)
    return page_body(request, [resource_out(request, r) for r in items], total, page, per_page)


@operation(
    route_name="api_group_resources",
    request_method="POST",
    summary="Add a resource (members)",
    body=ResourceCreate,
    response=ResourceOut,
    status=201,
    errors=(403, 404),
    tags=TAGS,
)
def create_resource(request: Request, body: ResourceCreate) -> ResourceOut:
    """``type``: folder, link (its title and description are fetched after creation), or a
    plugin's type (pad, poll, ...); ``parent``: a folder's uuid.
    """
    resource = resources.create_resource(
        request, _group(request), _profile(request, body.identity), body.values()
    )
    return resource_out(request, resource)


@operation(
    route_name="api_group_resource",
    request_method="GET",
    summary="Read a resource (members)",
    query=IdentityQuery,
    response=ResourceOut,
    errors=(403, 404),
    tags=TAGS,
)
def get_resource(request: Request, query: IdentityQuery) -> ResourceOut:
    resource = resources.get_resource(
        request.dbsession, _group(request), _profile(request, query.identity), request.matchdict["uuid"]
    )
    return resource_out(request, resource)


@operation(
    route_name="api_group_resource",
    request_method="PATCH",
    summary="Rename, edit or move a resource",
    body=ResourcePatch,
    response=ResourceOut,
    errors=(403, 404),
    tags=TAGS,
)
def edit_resource(request: Request, body: ResourcePatch) -> ResourceOut:
    """Members change their own resources; moderators anyone's. ``parent`` moves (null: the root)."""
    resource = resources.update_resource(
        request, _group(request), _profile(request, body.identity), request.matchdict["uuid"], body.values()
    )
    return resource_out(request, resource)


@operation(
    route_name="api_group_resource",
    request_method="DELETE",
    summary="Remove a resource",
    body=IdentityBody,
    status=204,
    errors=(403, 404),
    tags=TAGS,
)
def delete_resource(request: Request, body: IdentityBody) -> None:
    """A folder goes with everything in it."""
    resources.delete_resource(
        request, _group(request), _profile(request, body.identity), request.matchdict["uuid"]
    )
