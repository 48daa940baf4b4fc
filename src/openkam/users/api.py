from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from openkam.api.pagination import PageParams, paginate
from openkam.users.models import Role, User
from openkam.users.selectors import user_list

router = Router(tags=["users"])


class UserOut(Schema):
    id: int
    username: str
    name: str
    role: Role
    job_title: str
    is_active: bool

    @staticmethod
    def resolve_name(obj: User) -> str:
        return str(obj)


class UserPage(Schema):
    items: list[UserOut]
    total: int
    limit: int
    offset: int


class MeOut(UserOut):
    email: str
    language: str


@router.get("/me", response=MeOut, summary="The user the request is authenticated as")
def me(request: HttpRequest) -> Any:
    return request.user


@router.get("/users", response=UserPage, summary="Colleagues (to choose owners and teams)")
def users(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    return paginate(user_list().filter(is_active=True), params)
