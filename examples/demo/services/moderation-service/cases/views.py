from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_POST

from .models import Member
from .queue import take_down


@require_POST
def take_down_view(request: HttpRequest, case_id: int) -> JsonResponse:
    moderator = Member.objects.get(pk=request.headers["X-Member-Id"])
    take_down(case_id, moderator, note=request.POST.get("note", ""))
    return JsonResponse({"case": case_id, "status": "actioned"})
