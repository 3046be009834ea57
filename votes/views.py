"""The site's pages owned by the votes app: the dashboard, the drafts list and a draft (with its
what-if, live panel, share image and embeddable widget), the recorded votes, and a member's
record. Each view reads its page through one function of ``votes.selectors`` or
``votes.records`` and renders it; the editors' form calls the same service as the API."""

from __future__ import annotations

import csv
from typing import Any

from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseStopPolling, replace_url

from api.permissions import can_edit, signed_in
from votes import records, selectors
from votes.forms import PositionForm
from votes.projections import draft_state
from votes.services import member_from_code, position_record
from web.numbers import percent
from web.seats import legend_html
from web.share import share_card_svg, svg_to_png


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"page": selectors.dashboard_page(timezone.localdate())})


def draft_list(request: HttpRequest) -> HttpResponse:
    page = selectors.drafts_page(request.GET)
    if request.GET.get("format") == "csv":
        return _drafts_csv(page)
    return render(request, "drafts/list.html", {"page": page})


def _drafts_csv(page: selectors.DraftsList) -> HttpResponse:
    """The rows of the page as shown, with the same columns."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="drafts.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "symbol",
            "title",
            "status",
            "regime",
            "sponsors",
            "circulated_on",
            "vote_on",
            "projected_adoption",
            "p_adopted",
            "most_likely",
            "projection_stale",
            "url",
        ]
    )
    for draft in page.rows:
        # with_outcome's annotations and mark_stale's flag: the plugin cannot see them here.
        p = draft.projected_p_adopted  # type: ignore[attr-defined]  # plugin gap: with_outcome's annotation unseen
        writer.writerow(
            [
                draft.symbol or "",
                draft.title,
                draft.get_status_display(),
                draft.regime.name if draft.regime else "",
                " ".join(
                    s.member.code + (" (penholder)" if s.penholder else "")
                    for s in draft.sponsorships.all()
                ),
                draft.circulated_on or "",
                draft.vote_on or "",
                percent(p) if p is not None else "",
                "" if p is None else repr(p),
                draft.projected_most_likely or "",  # type: ignore[attr-defined]  # plugin gap: with_outcome's annotation unseen
                "yes" if draft.projection_is_stale else "no",  # type: ignore[attr-defined]  # wrong on purpose: mark_stale's flag, no field
                reverse("draft", kwargs={"key": draft.slug}),
            ]
        )
    return response


WHATIF_CHOICES = [
    ("yes", "Votes yes"),
    ("no", "Votes no"),
    ("abstain", "Abstains"),
    ("not_participating", "Does not take part"),
]


def _panel_context(draft: Any, panel: selectors.Panel) -> dict[str, Any]:
    return {
        "draft": draft,
        "panel": panel,
        "legend": legend_html(id_prefix="seat-legend"),
        "whatif_choices": WHATIF_CHOICES,
    }


def _draft_context(request: HttpRequest, page: selectors.DraftPage, **extra: Any) -> dict[str, Any]:
    draft = page.draft
    context: dict[str, Any] = {
        **_panel_context(draft, page.panel),
        "page": page,
        "share_png": request.build_absolute_uri(reverse("draft-share-png", args=[draft.slug])),
    }
    if can_edit(request.user) and "position_form" not in extra:
        context["position_form"] = _position_form(page.panel)
    context.update(extra)
    return context


def _position_form(panel: selectors.Panel, data: Any = None) -> PositionForm:
    members = [(m.code, f"{m.name} ({m.code})") for m in panel.composition.members]
    return PositionForm(data, members=members)


def draft_detail(request: HttpRequest, key: str) -> HttpResponse:
    draft = selectors.draft_or_404(key)
    page = selectors.draft_page(draft, request.GET)
    return render(request, "drafts/detail.html", _draft_context(request, page))


def draft_panel(request: HttpRequest, key: str) -> HttpResponse:
    """The draft's panel for htmx: the what-if (``?USA=abstain``) and the live poll (with
    ``since``, the state the page shows: 204 while nothing changed, 286 to stop polling once
    the draft is no longer open)."""
    draft = selectors.draft_or_404(key)
    since = request.GET.get("since")
    if since is not None:
        if not draft.is_open:
            return HttpResponseStopPolling()
        if since == draft_state(draft.pk, "tally").etag.strip('"'):
            return HttpResponse(status=204)
    overrides, errors = selectors.overrides_from(request.GET)
    panel = selectors.draft_panel(draft, overrides)
    if errors:
        panel.error = " ".join([*errors, panel.error]).strip()
    status = ""
    if since is not None:
        after = request.GET.get("after", "")
        change = selectors.live_changes(
            draft, int(after) if after.isdigit() else panel.last_position_id
        )
        status = change.sentence({s.code: s.name for s in panel.seats})
    elif panel.whatif and panel.analysis:
        p = percent(panel.analysis.projection.p_adopted)
        status = f"What-if ({panel.whatif_summary}): adoption {p}."
    elif panel.analysis:
        status = f"As recorded: adoption {percent(panel.analysis.projection.p_adopted)}."
    response = render(
        request,
        "drafts/detail.html#panel-response",
        {**_panel_context(draft, panel), "status": status, "oob": True},
    )
    if since is None:
        url = reverse("draft", kwargs={"key": draft.slug})
        replace_url(response, f"{url}?{panel.query}" if panel.query else url)
    return response


@require_POST
def draft_add_position(request: HttpRequest, key: str) -> HttpResponse:
    """An editor records a position through the service the API calls; its errors are shown
    next to the field they name."""
    if not can_edit(request.user):
        raise PermissionDenied("Recording positions needs the editor role.")
    draft = selectors.draft_or_404(key)
    page = selectors.draft_page(draft, request.GET)
    form = _position_form(page.panel, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            position_record(
                draft=draft,
                member=member_from_code(data["member"]),
                stance=data["stance"],
                confidence=data["confidence"],
                as_of=data["as_of"],
                source=data["source"],
                source_url=data["source_url"],
                entered_by=signed_in(request.user),
            )
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                form.add_error(name if name in form.fields else None, problems)
        else:
            messages.success(request, "The position was recorded.")
            return redirect(reverse("draft", kwargs={"key": draft.slug}) + "#positions")
    context = _draft_context(request, page, position_form=form)
    return render(request, "drafts/detail.html", context, status=400)


def _share_svg(draft_key: str) -> tuple[str, str]:
    draft = selectors.draft_or_404(draft_key)
    state = selectors.share_state(draft)
    key = f"share-svg:{draft.pk}:{state}"
    svg = cache.get(key)
    if svg is None:
        panel = selectors.draft_panel(draft)
        p = panel.analysis.projection.p_adopted if panel.analysis else None
        subtitle = (
            f"Probability of adoption: {percent(p)}"
            if p is not None
            else (panel.incomplete or "No projection yet")
        )
        svg = str(
            share_card_svg(
                panel.diagram,
                title=draft.symbol or "Unnumbered draft",
                subtitle=draft.title,
                footer=subtitle,
            )
        )
        cache.set(key, svg, timeout=3600)
    return svg, f"{draft.pk}:{state}"


def draft_share_svg(request: HttpRequest, key: str) -> HttpResponse:
    svg, _ = _share_svg(key)
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


def draft_share_png(request: HttpRequest, key: str) -> HttpResponse:
    svg, state = _share_svg(key)
    cache_key = f"share-png:{state}"
    png = cache.get(cache_key)
    if png is None:
        png = svg_to_png(svg)
        cache.set(cache_key, png, timeout=3600)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "public, max-age=300"
    return response


@xframe_options_exempt
# django-csp types its decorators for views that take the request alone, not a URL argument.
@csp_replace({"frame-ancestors": settings.EMBED_FRAME_ANCESTORS})  # type: ignore[arg-type]  # stub gap: django-csp types request-only views
def draft_embed(request: HttpRequest, key: str) -> HttpResponse:
    """The seat diagram and tally alone, for an ``<iframe>`` on another site."""
    draft = selectors.draft_or_404(key)
    panel = selectors.draft_panel(draft)
    tally = []
    if panel.analysis:
        counts = panel.analysis.tally.counts
        tally = [(stance.value, count) for stance, count in counts.items() if count]
    return render(request, "drafts/embed.html", {"draft": draft, "panel": panel, "tally": tally})


def vote_list(request: HttpRequest) -> HttpResponse:
    return render(request, "votes/list.html", {"page": records.votes_page(request.GET)})


def vote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "votes/detail.html", {"recorded": records.vote_or_404(pk)})


def member_detail(request: HttpRequest, code: str) -> HttpResponse:
    page = records.member_page(code, request.GET)
    if page.member.code != code:
        return redirect("member", code=page.member.code)
    sorts = [
        ("agreement", "Most agreement"),
        ("disagreement", "Least agreement"),
        ("votes", "Most votes together"),
        ("name", "Name"),
    ]
    return render(request, "members/detail.html", {"page": page, "agreement_sorts": sorts})


def member_compare(request: HttpRequest) -> HttpResponse:
    return render(request, "members/compare.html", {"page": records.compare_page(request.GET)})
