import pytest

from factcheck.text.quantities import find_quantities


@pytest.mark.parametrize("text, value, high, unit", [
    ("détenir 50 à 60 % d'OpenAI", 50, 60, "percent"),
    ("a 50-60% stake", 50, 60, "percent"),
    ("80 milliards de dollars", 80e9, 80e9, "usd"),
    ("$80 billion", 80e9, 80e9, "usd"),
    ("raise $80B now", 80e9, 80e9, "usd"),
    ("1,5 milliard d'euros", 1.5e9, 1.5e9, "eur"),
    ("38 percent of voters", 38, 38, "percent"),
    ("1,000 people", 1000, 1000, None),
])
def test_quantities_read_value_and_unit(text, value, high, unit):
    found = find_quantities(text)
    assert len(found) == 1
    q = found[0]
    assert (q.value, q.high, q.unit) == (value, high, unit)
    assert text[q.start:q.end] == q.text


def test_quantities_compare_like_with_like():
    a, b = find_quantities("38 %")[0], find_quantities("31 %")[0]
    money = find_quantities("$38 billion")[0]
    assert a.comparable(b) and not a.agrees(b)
    assert not a.comparable(money)
    euros = find_quantities("1 milliard d'euros")[0]
    assert euros.agrees(find_quantities("1 billion euros")[0])


def test_quantities_counted_nouns():
    only, all_ = find_quantities("only 12 of the 40 employees"), find_quantities("all 40 employees")
    assert [q.value for q in only] == [12, 40]
    assert only[1].comparable(all_[0]) and only[1].agrees(all_[0])


def test_quantities_skip_spans():
    assert find_quantities("in 2017 he said", skip=[(3, 7)]) == []


def test_bounds_and_approximations_are_ranges():
    more = find_quantities("They shipped more than a thousand containers.")[0]
    assert more.value == 1000 and more.agrees(find_quantities("1,140 containers")[0])
    assert not more.agrees(find_quantities("900 containers")[0])
    assert find_quantities("about $410,000 a month")[0].agrees(find_quantities("$400,000")[0])
    assert not find_quantities("less than 10%")[0].agrees(find_quantities("12%")[0])
    assert find_quantities("plus de 30 000 euros")[0].agrees(find_quantities("45 000 euros")[0])
    # An article is no number without a scale or a unit after it.
    assert find_quantities("a year ago, a stake") == []


@pytest.mark.parametrize("one, other, agree", [
    ("warmed above 8°C", "stayed below 8°C", False),  # they share no value
    ("more than 1,000 containers", "1,000 containers", True),  # a bound against a rounded figure
    ("more than 4.1 million people", "fewer than 4,100,000 people", False),
    ("at least 40 cars", "40 cars", True),  # an inclusive bound meets its own figure
    ("at most 40 cars", "at least 40 cars", True),
    ("up to 40 cars", "more than 40 cars", False),
    ("moins de 8 °C", "plus de 8 °C", False),
    ("au moins 40 voitures", "40 voitures", True),
    ("more than 40 cars", "at most 40 cars", False),
    ("more than 1,000 containers", "1,140 containers", True),
])
def test_strict_bounds_leave_their_figure_out(one, other, agree):
    a, b = find_quantities(one)[0], find_quantities(other)[0]
    assert a.agrees(b) is agree and b.agrees(a) is agree


def test_a_bounded_figure_is_quoted_with_its_bound():
    # A reason must not say "numbers differ: 8°C vs 8°C".
    assert find_quantities("The containers warmed above 8°C.")[0].written == "above 8°C"
    assert find_quantities("Il y avait Environ 400 emplois.")[0].written == "Environ 400 emplois"
    assert find_quantities("It cost €40.")[0].written == "€40"


@pytest.mark.parametrize("text, bound, written", [
    ("The county paid less than the 40,000 euros requested.", "below", "less than the 40,000 euros"),
    ("La région a versé moins que les 40 000 euros demandés.", "below", "moins que les 40 000 euros"),
    ("The county paid the 40,000 euros requested.", None, "40,000 euros"),
    # Only after a comparison: "over the 12 months" and "about the 280 jobs" bound nothing.
    ("Sales grew over the 12 months.", None, "12 months"),
    ("The union spoke about the 280 jobs.", None, "280 jobs"),
    # "ne ... plus que 120" is "only 120", no bound.
    ("L'usine n'emploie plus que 120 personnes.", None, "120 personnes"),
])
def test_a_determiner_may_stand_between_a_comparison_and_its_figure(text, bound, written):
    (quantity,) = find_quantities(text)
    assert quantity.bound == bound and quantity.written == written


def test_an_inclusive_bound_stays_inclusive_before_a_determiner():
    (quantity,) = find_quantities("no more than the 40 seats")
    assert quantity.bound == "below" and not quantity.strict


def test_bound_words_are_placed_in_decomposed_text():
    import unicodedata
    text = unicodedata.normalize("NFD", "Acme a créé au-delà de 40 emplois.")
    (quantity,) = find_quantities(text)
    assert quantity.bound == "above" and text[quantity.bound_start:quantity.start].strip() == \
        unicodedata.normalize("NFD", "au-delà de")
