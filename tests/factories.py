import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from tracker.models import Article, Claim, Claimant, ClaimSource, Outlet


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "a-long-test-password")
        if create:
            self.save()

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))


class ClaimantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claimant
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Claimant {n}")
    short_name = factory.Sequence(lambda n: f"C{n}")
    country = "South Korea"
    kind = Claimant.Kind.MILITARY
    reliability = "B"


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet
        django_get_or_create = ("domain",)

    name = factory.Sequence(lambda n: f"Outlet {n}")
    domain = factory.Sequence(lambda n: f"outlet{n}.example.org")
    reliability = "B"


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    url = factory.Sequence(lambda n: f"https://outlet.example.org/news/{n}")
    outlet = factory.SubFactory(OutletFactory)
    title = factory.Sequence(lambda n: f"Report number {n} on troop movements")
    published_at = factory.LazyFunction(lambda: dt.datetime(2024, 12, 23, 9, 0, tzinfo=dt.UTC))
    text = "Officials said about 1,100 soldiers were killed or wounded. Other news followed."
    status = Article.Status.PROCESSED


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    category = "casualties"
    subtype = "killed_or_wounded"
    best = 1100
    qualifier = "approximately"
    unit = "troops"
    measure = "cumulative"
    claim_date = dt.date(2024, 12, 23)
    claimant = factory.SubFactory(ClaimantFactory)
    reliability = "B"
    credibility = 2
    status = Claim.Status.APPROVED


class ClaimSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClaimSource

    claim = factory.SubFactory(ClaimFactory)
    article = factory.SubFactory(ArticleFactory)
    quote = "about 1,100 soldiers were killed or wounded"
    quote_start = 15
    quote_end = 58
