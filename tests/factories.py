"""factory_boy factories for every model; each builds a valid row by default."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from quotes.models import (
    Affiliation,
    Appearance,
    Organization,
    Source,
    Speaker,
    Statement,
    Topic,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery staple")


class CuratorFactory(UserFactory):
    class Meta:
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"curator{n}")
    is_staff = True

    @factory.post_generation
    def curators_group(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.groups.add(Group.objects.get(name="Curators"))


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Ministry {n}")
    slug = factory.Sequence(lambda n: f"ministry-{n}")
    kind = Organization.Kind.AGENCY
    country = "United States"


class OutletFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"Daily Planet {n}")
    slug = factory.Sequence(lambda n: f"daily-planet-{n}")
    kind = Organization.Kind.NEWS_OUTLET


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Sequence(lambda n: f"Speaker {n}")
    slug = factory.Sequence(lambda n: f"speaker-{n}")
    description = "Spokesperson"


class AnonymousSpeakerFactory(SpeakerFactory):
    name = "U.S. official"
    slug = factory.Sequence(lambda n: f"us-official-{n}")
    description = "U.S. official who spoke on condition of anonymity"
    is_anonymous = True
    country = "United States"


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    speaker = factory.SubFactory(SpeakerFactory)
    organization = factory.SubFactory(OrganizationFactory)
    title = "Spokesperson"


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    outlet = factory.SubFactory(OutletFactory)
    title = factory.Sequence(lambda n: f"Report {n}")
    url = factory.Sequence(lambda n: f"https://news.example.com/report-{n}")
    published_on = datetime.date(2024, 11, 19)
    authors = factory.LazyFunction(lambda: ["A. Reporter"])
    text = "The minister said: “We will not back down.” Officials agreed."


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Statement

    text = "We will not back down."
    kind = Statement.Kind.DIRECT_QUOTE
    speaker = factory.SubFactory(SpeakerFactory)
    said_on = datetime.date(2024, 11, 19)
    said_on_precision = Statement.Precision.DAY


class VerifiedStatementFactory(StatementFactory):
    status = Statement.Status.VERIFIED
    verified_by = factory.SubFactory(CuratorFactory)
    verified_at = factory.LazyFunction(timezone.now)


class AppearanceFactory(factory.django.DjangoModelFactory):
    """By default the wording is found in the default source text at its offset."""

    class Meta:
        model = Appearance

    statement = factory.SubFactory(StatementFactory)
    source = factory.SubFactory(SourceFactory)
    quoted_text = "We will not back down."
    attribution = "the minister said"
    offset = factory.LazyAttribute(lambda a: a.source.text.index(a.quoted_text))
