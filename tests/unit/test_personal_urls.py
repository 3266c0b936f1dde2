"""validators.personal_urls: which web addresses identify a person (and so count toward a
column's `pii` verdict), and which are pages of a site. Addresses are assembled from
pieces, so no file here holds a whole one."""

from __future__ import annotations

import pytest

from policyctl.validators.personal_urls import url_names_person

SITE = "https://" + "shop.acme-widgets.co.uk"


@pytest.mark.parametrize(
    "url",
    [
        SITE + "/users/18422",
        SITE + "/profile/jdoe",
        SITE + "/people/ann-lee/posts",
        SITE + "/~jdoe/index.html",
        SITE + "/@jdoe",
        SITE + "/unsubscribe/ann.lee%40" + "mail-box.net",
        SITE + "/reset?token=7&email=ann.lee%40" + "mail-box.net",
        SITE + "/report?patient_id=88123",
        "ftp://jdoe" + "@files.acme-widgets.co.uk/pub/",
        "https://" + "twitter.com/jdoe",
        "https://www." + "linkedin.com/in/ann-lee-4711",
        "https://" + "github.com/jdoe",
        SITE + "/team/maria-garcia",
        "https://" + "maria-garcia.net/blog",
    ],
)
def test_an_address_that_points_at_a_person_is_personal(url: str) -> None:
    assert url_names_person(url)


@pytest.mark.parametrize(
    "url",
    [
        SITE + "/products/1042",
        SITE + "/docs/install.html",
        SITE + "/search?q=shoes&page=2",
        SITE + "/users/sign_in",
        SITE + "/account/settings",
        SITE + "/products/rose-gold-dress",
        "https://" + "github.com/acme/widgets",
        "https://" + "twitter.com/explore",
        "www." + "acme-widgets.co.uk",
    ],
)
def test_a_page_of_a_site_is_not_personal(url: str) -> None:
    assert not url_names_person(url)
