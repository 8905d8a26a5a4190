"""The act page shows the same chain as the API: figures, generations, a page of the
referred customers; another team's act is 404; the count does not grow with the chain."""

from customers.services import customer_create
from tests.queries import page_queries, signed_in


def test_the_act_page_shows_its_chain(chain_world, staff):
    w = chain_world
    page = signed_in(staff).get(f"/acts/{w.a1.pk}/").content.decode()
    assert "What it returned" in page
    assert "<dt>Referred customers</dt><dd>2</dd>" in page
    assert "$150.00" in page
    assert "$18.00" in page
    assert "8.33×" in page  # 150 ÷ 18
    assert "Generation 1: 1 · Generation 2: 1" in page
    assert "Rose" in page
    assert "Ray" in page
    assert "Rick" not in page  # brought by a story still waiting for review


def test_an_act_with_no_chain_says_so(chain_world, staff2):
    page = signed_in(staff2).get(f"/acts/{chain_world.a2.pk}/").content.decode()
    assert "Nobody referred through this act yet" in page
    assert "(nothing spent)" in page


def test_another_teams_act_page_is_404(chain_world, staff):
    assert signed_in(staff).get(f"/acts/{chain_world.o1.pk}/").status_code == 404


def test_the_chain_is_paged_and_its_queries_do_not_grow(chain_world, staff):
    client = signed_in(staff)
    url = f"/acts/{chain_world.a1.pk}/"
    before = page_queries(client, url)
    for n in range(25):
        customer_create(user=staff, name=f"Guest {n:02}", referred_by=chain_world.r1)
    assert page_queries(client, url) == before
    first = client.get(url).content.decode()
    assert "Page 1 of 2" in first
    assert "Guest 18" in first
    assert "Guest 19" not in first
    assert "Guest 24" in client.get(url + "?page=2").content.decode()
