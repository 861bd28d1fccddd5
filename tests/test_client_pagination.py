"""``client.on_page.links_pages(...)``: every link of a crawl, page after page, sync and async.

The server plays a crawl of ten links in pages; each test checks the items that come out and
the exact request bodies that went in: by token, every request repeats the first one's
parameters and adds the previous page's ``search_after_token`` (as the docs require); by
offset, only the offset moves. The spec side is tested too: what the ``pagination`` block of
spec/on_page/links.yaml becomes, and the errors a wrong block gets.
"""

from __future__ import annotations

import asyncio
import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from aisa_dataforseo import (
    AsyncClient,
    Client,
    OnPageLinksItem,
    PaginationError,
    RequestValidationError,
    Response,
    SyncPager,
)
from loopback import API_KEY, LoopbackServer

from generator.errors import SpecErrors
from generator.pipeline import build_ir

RESPONSES = Path(__file__).parent / "responses"
SPEC_DIR = Path(__file__).parent.parent / "spec"
TASK_ID = "07131248-1535-0216-1000-17384017ad04"
FILTERS = [["direction", "=", "external"], "or", ["dofollow", "=", True]]


def page(links: list[str], *, token: str | None, total: int | None = 10) -> dict[str, Any]:
    """A links response holding one item per name in ``links`` (its ``link_to``)."""
    body: dict[str, Any] = json.loads(
        (RESPONSES / "on_page_links.json").read_text(encoding="utf-8")
    )
    result = body["tasks"][0]["result"][0]
    template = result["items"][0]
    result.update(
        search_after_token=token,
        total_items_count=total,
        items_count=len(links),
        items=[{**copy.deepcopy(template), "link_to": link} for link in links],
    )
    return body


LINKS = [f"https://example.com/{n}" for n in range(10)]


def walk(
    flavour: str, server: LoopbackServer, *, pages: bool = False, **arguments: Any
) -> list[Any]:
    """Everything ``links_pages`` yields (items, or whole responses with ``pages``)."""
    arguments = {"id": TASK_ID, **arguments}
    if flavour == "sync":
        with Client(API_KEY, base_url=server.base_url, timeout=5.0) as client:
            pager = client.on_page.links_pages(**arguments)
            assert isinstance(pager, SyncPager)
            return list(pager.pages() if pages else pager)

    async def main() -> list[Any]:
        async with AsyncClient(API_KEY, base_url=server.base_url, timeout=5.0) as client:
            pager = client.on_page.links_pages(**arguments)
            source = pager.pages() if pages else pager
            return [item async for item in source]

    return asyncio.run(main())


def bodies(server: LoopbackServer) -> list[dict[str, Any]]:
    return [request.json() for request in server.requests]


def test_by_token_every_request_repeats_the_first_with_the_previous_token(
    flavour: str, server: LoopbackServer
) -> None:
    server.reply_json(page(LINKS[:4], token="t1")).reply_json(page(LINKS[4:8], token="t2"))
    server.reply_json(page(LINKS[8:], token=None))
    items = walk(flavour, server, limit=4, filters=FILTERS, tag="crawl")
    assert all(isinstance(item, OnPageLinksItem) for item in items)
    assert [item.link_to for item in items] == LINKS
    first = {"id": TASK_ID, "limit": 4, "filters": FILTERS, "tag": "crawl"}
    assert bodies(server) == [
        first,
        {**first, "search_after_token": "t1"},
        {**first, "search_after_token": "t2"},
    ]
    assert all(request.path.endswith("/dataforseo/on_page/links") for request in server.requests)


def test_by_token_stops_once_the_total_is_reached(flavour: str, server: LoopbackServer) -> None:
    # The last page still carries a token; the total says there is nothing behind it.
    server.reply_json(page(LINKS[:6], token="t1")).reply_json(page(LINKS[6:], token="t2"))
    assert [item.link_to for item in walk(flavour, server)] == LINKS
    assert len(server.requests) == 2 and server.unused_replies == 0


def test_by_token_resumes_from_a_given_token(flavour: str, server: LoopbackServer) -> None:
    server.reply_json(page(LINKS[6:], token="t9", total=4))
    assert len(walk(flavour, server, search_after_token="t5")) == 4
    assert bodies(server) == [{"id": TASK_ID, "search_after_token": "t5"}]


def test_a_token_that_comes_back_is_an_error_not_a_loop(
    flavour: str, server: LoopbackServer
) -> None:
    server.reply_json(page(LINKS[:2], token="same", total=None))
    server.reply_json(page(LINKS[2:4], token="same", total=None))
    with pytest.raises(PaginationError, match="'same'"):
        walk(flavour, server)
    assert len(server.requests) == 2


def test_by_offset_only_the_offset_moves(flavour: str, server: LoopbackServer) -> None:
    for start in (0, 4, 8):
        server.reply_json(page(LINKS[start : start + 4], token=None))
    items = walk(flavour, server, by="offset", limit=4, filters=FILTERS)
    assert [item.link_to for item in items] == LINKS
    first = {"id": TASK_ID, "limit": 4, "filters": FILTERS}
    assert bodies(server) == [first, {**first, "offset": 4}, {**first, "offset": 8}]


def test_by_offset_starts_where_asked_and_counts_the_total_from_there(
    flavour: str, server: LoopbackServer
) -> None:
    server.reply_json(page(LINKS[3:7], token=None)).reply_json(page(LINKS[7:], token=None))
    assert len(walk(flavour, server, by="offset", offset=3)) == 7
    assert [body.get("offset") for body in bodies(server)] == [3, 7]


def test_by_offset_a_short_page_is_the_last_without_a_total(
    flavour: str, server: LoopbackServer
) -> None:
    server.reply_json(page(LINKS[:5], token=None, total=None)).reply_json(
        page(LINKS[5:7], token=None, total=None)
    )
    assert len(walk(flavour, server, by="offset", limit=5)) == 7
    assert len(server.requests) == 2


def test_an_empty_first_page_ends_the_walk(flavour: str, server: LoopbackServer) -> None:
    server.reply_json(page([], token="t1", total=0))
    assert walk(flavour, server) == []
    assert len(server.requests) == 1


def test_pages_gives_each_whole_response(flavour: str, server: LoopbackServer) -> None:
    server.reply_json(page(LINKS[:5], token="t1")).reply_json(page(LINKS[5:], token=None))
    responses = walk(flavour, server, pages=True)
    assert all(isinstance(response, Response) for response in responses)
    assert [r.tasks[0].result[0].search_after_token for r in responses] == ["t1", None]


def test_bad_arguments_are_refused_before_any_request(flavour: str, server: LoopbackServer) -> None:
    with pytest.raises(RequestValidationError) as caught:
        walk(flavour, server, limit=5000)
    assert [issue.param for issue in caught.value.errors] == ["limit"]
    assert server.requests == []


def test_nothing_is_sent_until_the_iteration_starts(server: LoopbackServer) -> None:
    with Client(API_KEY, base_url=server.base_url) as client:
        client.on_page.links_pages(id=TASK_ID)
    assert server.requests == []


# -- the spec side ------------------------------------------------------------------------------


def test_the_pagination_block_resolves_to_params_and_fields(api: Any) -> None:
    [links] = [e for e in api.endpoints if e.pagination is not None]
    paging = links.pagination
    assert links.qualified_name == "on_page.links"
    assert (paging.items.path, paging.items.model) == ("tasks.result.items", "OnPageLinksItem")
    assert paging.total.key == "total_items_count"
    assert (paging.token_param.name, paging.token_field.key) == (
        "search_after_token",
        "search_after_token",
    )
    assert (paging.offset_param.name, paging.limit_param.name) == ("offset", "limit")


BROKEN = {
    "items: crawl_progress": "pagination.items: 'crawl_progress' is a string field, not an array one",
    "token: {param: search_after, field: search_after_token}": "pagination.token.param: names no parameter: 'search_after'",
    "offset: {param: tag, limit: limit}": "pagination.offset.param: 'tag' is a string param, not an integer one",
    "total: nowhere": "pagination.total: names no field below tasks.result: 'nowhere'",
}


@pytest.mark.parametrize("line", list(BROKEN))
def test_a_wrong_pagination_block_is_reported_on_its_line(tmp_path: Path, line: str) -> None:
    spec = tmp_path / "spec"
    shutil.copytree(SPEC_DIR, spec)
    links = spec / "on_page" / "links.yaml"
    key = line.split(":")[0]
    text = links.read_text(encoding="utf-8")
    lines = [f"  {line}" if row.startswith(f"  {key}:") else row for row in text.splitlines()]
    links.write_text("\n".join(lines) + "\n", encoding="utf-8")
    number = next(i for i, row in enumerate(lines, 1) if row == f"  {line}")
    with pytest.raises(SpecErrors) as caught:
        build_ir(spec)
    assert [str(error) for error in caught.value.errors] == [
        f"spec/on_page/links.yaml:{number}: {BROKEN[line]}"
    ]


def test_a_pagination_block_with_no_way_to_move_is_refused(tmp_path: Path) -> None:
    spec = tmp_path / "spec"
    shutil.copytree(SPEC_DIR, spec)
    links = spec / "on_page" / "links.yaml"
    text = links.read_text(encoding="utf-8")
    kept = [row for row in text.splitlines() if not row.startswith(("  token:", "  offset:"))]
    links.write_text("\n".join(kept) + "\n", encoding="utf-8")
    with pytest.raises(SpecErrors) as caught:
        build_ir(spec)
    [error] = caught.value.errors
    assert str(error).endswith(
        "pagination: needs a way to move from page to page: token, offset, or both"
    )
