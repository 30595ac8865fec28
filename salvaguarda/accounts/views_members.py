"""Running an organization: its members (coordinators), the network's organizations (network
administrators), and the page where an invited person chooses a password."""

import uuid
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salvaguarda.accounts import queries, services
from salvaguarda.accounts.forms import InviteForm, OrganizationForm, RoleForm, SetPasswordForm
from salvaguarda.accounts.models import Membership
from salvaguarda.core.access import Policy, active_organization, policy, signed_in_user

# --- Members (coordinators) --------------------------------------------------------------------


@dataclass
class MemberRow:
    membership: Membership
    role_form: forms.Form
    errors: list[str] = field(default_factory=list)


def _member_page(
    request: HttpRequest,
    *,
    failed: Membership | None = None,
    role_form: forms.Form | None = None,
    errors: list[str] | None = None,
) -> HttpResponse:
    """The member list; after a refused change, the refused row shows why."""
    rows = []
    for membership in queries.members_page_for(
        signed_in_user(request), active_organization(request)
    ):
        row = MemberRow(
            membership,
            RoleForm(initial={"role": membership.role}, auto_id=f"id_{membership.uuid}_%s"),
        )
        if failed is not None and membership.pk == failed.pk:
            row.role_form = role_form or row.role_form
            row.errors = errors or []
        rows.append(row)
    return render(request, "accounts/member_list.html", {"rows": rows})


@policy(Policy.COORDINATOR)
def member_list(request: HttpRequest) -> HttpResponse:
    return _member_page(request)


@policy(Policy.COORDINATOR)
def member_invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.member_invite(
                by=signed_in_user(request),
                organization=active_organization(request),
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Messages may travel in a cookie: they never carry a name or an address.
            if membership.user.has_usable_password():
                messages.success(
                    request, _("The person already had an account and is now a member.")
                )
            else:
                messages.success(request, _("The invitation was sent by e-mail."))
            return redirect("accounts:member_list")
    return render(request, "accounts/member_invite.html", {"form": form})


@policy(Policy.COORDINATOR)
@require_POST
def member_role(request: HttpRequest, membership_uuid: uuid.UUID) -> HttpResponse:
    membership = queries.membership_get_for(active_organization(request), membership_uuid)
    form = RoleForm(request.POST, auto_id=f"id_{membership.uuid}_%s")
    if form.is_valid():
        try:
            services.member_change_role(
                by=signed_in_user(request), membership=membership, role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The role was changed. The member must sign in again."))
            return redirect("accounts:member_list")
    return _member_page(request, failed=membership, role_form=form)


@policy(Policy.COORDINATOR)
@require_POST
def member_deactivate(request: HttpRequest, membership_uuid: uuid.UUID) -> HttpResponse:
    membership = queries.membership_get_for(active_organization(request), membership_uuid)
    try:
        services.member_deactivate(by=signed_in_user(request), membership=membership)
    except ValidationError as error:
        return _member_page(request, failed=membership, errors=error.messages)
    messages.success(request, _("The member was deactivated and signed out everywhere."))
    return redirect("accounts:member_list")


# --- Organizations (network administrators) ----------------------------------------------------


@policy(Policy.NETWORK_ADMIN)
def organization_list(request: HttpRequest) -> HttpResponse:
    organizations = queries.organizations_page_for(signed_in_user(request))
    return render(request, "accounts/organization_list.html", {"organizations": organizations})


@policy(Policy.NETWORK_ADMIN)
def organization_create(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_create(
                by=signed_in_user(request),
                data={name: form.cleaned_data[name] for name in OrganizationForm.Meta.fields},
                coordinator_email=form.cleaned_data["coordinator_email"],
                coordinator_name=form.cleaned_data["coordinator_name"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The organization was created and its first coordinator was invited.")
            )
            return redirect("accounts:organization_list")
    return render(request, "accounts/organization_form.html", {"form": form})


# --- Invitations (anyone with the link) --------------------------------------------------------


@policy(Policy.PUBLIC)
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_for(token)
    if invitation is None:  # unknown, expired, used, or its membership was deactivated
        raise Http404
    form = SetPasswordForm(request.POST or None, user=invitation.membership.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(
                invitation=invitation, password=form.cleaned_data["password1"]
            )
        except ValidationError as error:
            form.add_error("password1", error)
        else:
            messages.success(
                request, _("Your password is set. Sign in to set up your second factor.")
            )
            return redirect("accounts:login")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form, "membership": invitation.membership},
    )
