"""What the register keeps worked out for others to read fast, one function for each rule. The services
that change the fields a rule follows from call it (an arrival, a transfer accepted, a correction of
the file, a merge, a step on the stay); so do the demo and the test fixtures that write rows themselves.
No save() does it: a plain save writes the row and nothing else.

- an arrival's counts for the monthly figures (age on the day, repeat arrival): keep_arrival_counts; a
  whole file's repeats after a merge: keep_repeats;
- the file's last arrival (the people list's order): keep_last_arrival;
- the next long-stay review: Stay.plan_review (the stay's own rule), after anything that moves it;
- the search keys of the file's names (the description search): keep_name_keys;
- the stays' ages when the file's ages or date of birth are corrected: keep_stay_ages.
"""

from ..models import Person, PersonNameKey, Stay


def keep_arrival_counts(stay):
    """What the monthly figures (oversight.figures) count about an arrival, on a stay just saved: the
    person's age on the day of arrival (Person.age_at) and whether the file had an earlier stay; an
    earlier stay entered late makes the later ones repeats."""
    stay.age_at_arrival = stay.person.age_at(stay.arrived_at)
    stay.repeat_arrival = Stay.objects.filter(person=stay.person_id, arrived_at__lt=stay.arrived_at).exists()
    Stay.objects.filter(pk=stay.pk).update(age_at_arrival=stay.age_at_arrival, repeat_arrival=stay.repeat_arrival)
    Stay.objects.filter(person=stay.person_id, arrived_at__gt=stay.arrived_at, repeat_arrival=False).update(
        repeat_arrival=True)


def keep_repeats(person):
    """Which of the file's stays are repeat arrivals, all counted again (two files merged)."""
    Stay.objects.filter(person=person).mark_repeats()


def keep_last_arrival(*people):
    """The files' last arrival (Person.last_arrived_at) from their stays."""
    Person.objects.filter(pk__in=[getattr(p, "pk", p) for p in people]).refresh_last_arrival()


def keep_name_keys(person):
    """The file's search keys are those of its name and aliases now (PersonNameKey)."""
    PersonNameKey.objects.store(person)


def keep_stay_ages(person):
    """A correction of the file's ages or date of birth reaches its stays' kept age at arrival."""
    for stay in Stay.objects.filter(person=person).only("pk", "arrived_at", "age_at_arrival"):
        age = person.age_at(stay.arrived_at)
        if age != stay.age_at_arrival:
            Stay.objects.filter(pk=stay.pk).update(age_at_arrival=age)


def stay_arrived(stay):
    """A stay just saved for an arrival (at the desk, or a transfer accepted): its counts, the file's last
    arrival and the first review planned."""
    keep_arrival_counts(stay)
    keep_last_arrival(stay.person_id)
    stay.plan_review()
