import time
from tests.factories import RecipePageFactory, ComponentFactory, OfferingFactory, AdoptionFactory
from catalogue.reference_data import reference_data_load, councils_load

def test_smoke(client, page_tree):
    c = ComponentFactory.create_batch(3)
    OfferingFactory(components=c[:2])
    r = RecipePageFactory(components=c)
    print(r.url, list(r.components_used.all()), r.first_published_at)
    a = AdoptionFactory(recipe=r)
    resp = client.get(r.url)
    print(resp.status_code, resp.content.decode()[:200])
    resp = client.get("/")
    print(resp.status_code)
    t=time.time(); print(reference_data_load()); print("ref", time.time()-t)
    t=time.time(); print(councils_load()); print("ref2", time.time()-t)
