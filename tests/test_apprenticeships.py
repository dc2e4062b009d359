"""Apprenticeship-standard links between unit groups, on standards written for the test."""

import pandas as pd

from assets.escalator.apprenticeships import pair_evidence, standards


def _profiles(*rows: tuple[str, str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["url_name", "apprenticeship_standards"])
    return frame.assign(title=frame.url_name.str.replace("-", " ").str.capitalize())


def test_standards_are_read_per_unit_group_and_unmapped_profiles_are_left_out():
    profiles = _profiles(
        ("care-worker", "Adult care worker (level 2, ST0005) | Lead adult care worker (level 3, ST0006)"),
        ("no-soc", "Retailer (level 2, ST0327)"),
        ("no-standards", ""),
    )
    std, unread = standards(profiles, {"care-worker": "6135", "no-standards": "9223"})
    assert unread == []
    assert list(zip(std.soc2020, std.name, std.level, std.ref, std.profiles)) == [
        ("6135", "Adult care worker", 2, "ST0005", "care worker"),
        ("6135", "Lead adult care worker", 3, "ST0006", "care worker"),
    ]


def test_a_shared_standard_and_a_rung_up_the_same_route_link_two_groups_one_way():
    std = pd.DataFrame(
        [
            ("A", "Adult care worker", 2, "ST1", "care worker"),
            ("B", "Lead adult care worker", 3, "ST2", "senior care worker"),
            ("C", "Adult care worker", 2, "ST1", "personal assistant (care)"),
            ("D", "Senior production chef", 3, "ST3", "cook"),
        ],
        columns=["soc2020", "name", "level", "ref", "profiles"],
    )
    ev = pair_evidence(std).set_index(["origin_soc2020", "destination_soc2020"])
    # a rung up: the same field words ("adult care"; role and level words left out), a higher level
    up = ev.loc[("A", "B")]
    assert (up.shared_standard, up.standard_ladder) == (0.0, 1.0)
    assert up.standard_route == (
        "Adult care worker (level 2; NCS: care worker) -> Lead adult care worker (level 3; NCS: senior care worker)"
    )
    assert ("B", "A") not in ev.index  # going down a level is no rung
    shared = ev.loc[("A", "C")]
    assert (shared.shared_standard, shared.standard_ladder) == (1.0, 0.0)
    assert (
        shared.standard_route
        == "Adult care worker (level 2), for both jobs (NCS: care worker; personal assistant (care))"
    )
    assert not any("D" in pair for pair in ev.index)  # no field word in common: no link


def test_the_route_a_step_names_does_not_depend_on_the_order_of_the_profiles():
    """Two equally strong links (two shared standards): the one named is the same whatever order the
    profiles come in, so two refreshes publish the same reason."""
    profiles = _profiles(
        ("a1", "Retailer (level 2, ST1)"),
        ("a2", "Customer service practitioner (level 2, ST2)"),
        ("b", "Customer service practitioner (level 2, ST2) | Retailer (level 2, ST1)"),
    )
    soc = {"a1": "7111", "a2": "7111", "b": "7219"}  # two profiles of one unit group
    forward = pair_evidence(standards(profiles, soc)[0])
    backward = pair_evidence(standards(profiles.iloc[::-1], soc)[0])
    pd.testing.assert_frame_equal(forward, backward)


def test_a_standard_that_cannot_be_read_goes_to_quarantine_naming_the_profile_and_field():
    """The source writes some references with a space before the bracket ("ST0599 )"): still a standard.
    One with no level is not: it is quarantined with the reason, never dropped."""
    profiles = _profiles(
        ("dietitian", "Dietitian (level 6, ST0599 )"),
        ("broken", "Adult care worker (ST0005) | Lead adult care worker (level 3, ST0006)"),
    )
    std, unread = standards(profiles, {"dietitian": "2223", "broken": "6135"})
    assert list(zip(std.soc2020, std.name, std.ref)) == [
        ("2223", "Dietitian", "ST0599"),
        ("6135", "Lead adult care worker", "ST0006"),
    ]
    assert [(q.record_id, q.field) for q in unread] == [("url_name=broken", "apprenticeship_standards")]
    assert "'Adult care worker (ST0005)'" in unread[0].reason
