from datetime import datetime, timezone

import pytest

from factcheck.text.dates import PartialDate, dates_in, find_dates, parse_date


@pytest.mark.parametrize("text, iso, precision", [
    ("2017", "2017", "year"),
    ("2017-09", "2017-09", "month"),
    ("2017-09-20", "2017-09-20", "day"),
    ("2017-09-20T10:00:00Z", "2017-09-20T10:00:00+00:00", "time"),
    ("2017-09-20T10:00:00+02:00", "2017-09-20T08:00:00+00:00", "time"),
    ("Wed, 20 Sep 2017 15:52:00 -0700", "2017-09-20T22:52:00+00:00", "time"),
    ("20 novembre 2015", "2015-11-20", "day"),
    ("le 20 novembre 2015", "2015-11-20", "day"),
    ("Sep 13, 2017 3:52 PM", "2017-09-13T15:52:00+00:00", "time"),
    ("March 2023", "2023-03", "month"),
    ("Novembre 2015", "2015-11", "month"),
    ("fin 2018", "2018", "year"),
    ("early 2017", "2017", "year"),
    ("le 3 mars 2021 à 14h30", "2021-03-03T14:30:00+00:00", "time"),
])
def test_dates_parse_keeps_precision(text, iso, precision):
    date = parse_date(text)
    assert (date.iso, date.precision) == (iso, precision)


@pytest.mark.parametrize("value", ["", "soon", "2017-02-30", "yesterday-ish", None, [2017]])
def test_dates_parse_rejects_non_dates(value):
    with pytest.raises(ValueError):
        parse_date(value)


def test_dates_yaml_values():
    from datetime import date
    assert parse_date(2017).iso == "2017"
    assert parse_date(date(2017, 9, 20)).iso == "2017-09-20"
    naive = parse_date(datetime(2017, 9, 20, 10, 0))
    assert naive.start == datetime(2017, 9, 20, 10, 0, tzinfo=timezone.utc)


def test_dates_spans_compare_by_precision():
    year, day, later = PartialDate.of(2017), PartialDate.of(2017, 9, 20), PartialDate.of(2022, 10)
    assert year.overlaps(day) and day.overlaps(year)
    assert not year.overlaps(later)
    assert year.before(later) and later.after(year)
    assert PartialDate.of(2016, 2).end == datetime(2016, 3, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize("text, iso, relation", [
    ("He left in March 2023.", "2023-03", "in"),
    ("It must be done by March 2022.", "2022-03", "by"),
    ("Il est parti en janvier 2018.", "2018-01", "in"),
    ("Depuis 2019, la société gagne de l'argent.", "2019", "since"),
    ("before 20 September 2017", "2017-09-20", "before"),
    ("Le 14 novembre 2024, il a porté plainte.", "2024-11-14", "in"),
    ("the 2019-03-04 meeting", "2019-03-04", None),
    ("Les tarifs changent à compter du 1er janvier 2024.", "2024-01-01", "since"),
    ("à partir du 3 mai 2024", "2024-05-03", "since"),
])
def test_dates_found_in_sentences_with_their_relation(text, iso, relation):
    mentions = find_dates(text)
    assert [m.date.iso for m in mentions] == [iso]
    assert mentions[0].relation == relation
    assert text[mentions[0].start:mentions[0].end] == mentions[0].text


def test_dates_numbers_are_not_years():
    assert find_dates("It costs 2017 dollars, 2,019 units or 2018.5 tons.") == []


@pytest.mark.parametrize("text", [
    "In March 2017 the board met; by 2019-05-02 it had sold, before 2020.",
    "Le 3 février 2021, puis en mars 2022 et depuis 2023.",
    "No date here, only 40 cars.",
])
def test_dates_in_gives_find_dates_values_without_their_prepositions(text):
    assert dates_in(text) == [m.date for m in find_dates(text)]
