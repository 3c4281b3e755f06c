"""The demo schema check (issue 14): types, cited law keys, scenario names, answer-key statistics.

The first test runs the whole check on the committed demo/, so `make test` enforces it; the rest
prove each rule on small inline examples. These tests need no database.
"""

import copy

import pytest
import yaml

from tests.conftest import ROOT
from website.demo import answer_keys
from website.demo.citations import mentioned_keys
from website.demo.people import check_people
from website.demo.schema import (
    LAW_KEYS,
    ContentError,
    check_all,
    check_channels,
    check_citations,
    check_law_references,
    check_lesson,
    check_module,
    check_pair,
    check_tree,
    law_keys,
    main,
)


def test_the_committed_demo_passes_every_check():
    problems = check_all(ROOT / "demo")
    assert problems == [], "\n".join(problems)


def test_law_keys_are_the_keys_the_law_files_define():
    defined = {item["key"] for item in yaml.safe_load((ROOT / "demo" / "law" / "references.ko.yaml").read_text())}
    assert LAW_KEYS == defined == law_keys(ROOT / "demo")


def test_a_tree_checks_citations_against_its_own_law_files(tmp_path):
    law = tmp_path / "law"
    law.mkdir()
    reference = yaml.safe_load((ROOT / "demo" / "law" / "references.ko.yaml").read_text())[0]
    (law / "references.ko.yaml").write_text(yaml.safe_dump([reference, {**reference, "key": "new-act-1"}]))
    (law / "references.en.yaml").write_text(yaml.safe_dump([reference]))
    assert law_keys(tmp_path) == {reference["key"], "new-act-1"}
    problems = check_tree(tmp_path)
    assert any("references.en.yaml: no reference for law key(s) new-act-1" in p for p in problems), problems


# -- a small valid lesson to break in each test ----------------------------------------------


def choice(cid, text, correct=False):
    return {"id": cid, "text": text, "correct": correct, "feedback": "Because."}


def single(qid, keyed=0, texts=("one", "two", "three", "four"), law=None, prompt="Which?"):
    question = {
        "id": qid,
        "type": "single_choice",
        "prompt": prompt,
        "choices": [choice("abcd"[i], text, i == keyed) for i, text in enumerate(texts)],
        "explanation": "Explained.",
    }
    if law:
        question["law"] = law
    return question


def true_false(qid, answer):
    return {
        "id": qid,
        "type": "true_false",
        "prompt": "True?",
        "choices": [choice("true", "True", answer), choice("false", "False", not answer)],
        "explanation": "Explained.",
    }


def lesson(**changes):
    data = {
        "slug": "a-lesson",
        "order": 1,
        "title": "A lesson",
        "audience": "middle_school",
        "duration_minutes": 45,
        "summary": "Summary.",
        "objectives": ["Learn."],
        "content_note": "Note.",
        "alternative_activity": "Read.",
        "key_takeaways": ["Takeaway."],
        "teacher_notes": "Swap any name that belongs to someone in the room.",
        "laws": ["sca-14"],
        "body": [
            {"heading": "Start"},
            {"paragraph": "Text."},
            {"steps": {"title": "Do", "items": ["First.", "Second."]}},
            {"help_card": {"title": "Help"}},
        ],
        "quiz": {"title": "Check", "kind": "check", "questions": [single("q1")]},
    }
    data.update(changes)
    return data


def test_a_valid_lesson_passes():
    check_lesson(lesson(), "x")


# -- point 10: types ----------------------------------------------------------------------------


def test_a_step_that_yaml_read_as_a_mapping_is_caught():
    # deepfakes-and-the-law.en.yaml:126: "- Record information instead: the platform, ..."
    broken = yaml.safe_load("items:\n  - Keep it.\n  - Record information instead: the platform, the link\n")
    assert isinstance(broken["items"][1], dict)
    data = lesson()
    data["body"][2] = {"steps": {"title": "Do", "items": broken["items"]}}
    with pytest.raises(ContentError, match=r"items item 1 must be text, found dict"):
        check_lesson(data, "x")


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ({"paragraph": {"Text": "oops"}}, "paragraph must be text"),
        ({"heading": ["a"]}, "heading must be text"),
        ({"callout": {"kind": "fact", "text": {"a": "b"}}}, "text must be text"),
        ({"callout": {"kind": "fact", "text": "t", "colour": "red"}}, "unknown field"),
        ({"scenario": {"title": "t", "story": "s", "questions": "one question"}}, "questions must be a list"),
        ({"glossary": {"term": 3, "definition": "d"}}, "term must be text"),
    ],
)
def test_blocks_of_the_wrong_type_are_caught(block, message):
    data = lesson()
    data["body"].insert(0, block)
    with pytest.raises(ContentError, match=message):
        check_lesson(data, "x")


def test_a_choice_text_that_is_a_mapping_is_caught():
    data = lesson()
    data["quiz"]["questions"][0]["choices"][1]["text"] = {"Yes": "it is"}
    with pytest.raises(ContentError, match="text must be text"):
        check_lesson(data, "x")


def test_lesson_fields_have_types():
    with pytest.raises(ContentError, match="duration_minutes must be a whole number"):
        check_lesson(lesson(duration_minutes="45"), "x")
    with pytest.raises(ContentError, match="objectives item 0 must be text"):
        check_lesson(lesson(objectives=[{"Learn": "this"}]), "x")


def test_scenario_people_have_names_and_known_roles():
    data = lesson()
    data["body"].insert(0, {"scenario": {"title": "t", "story": "s", "questions": ["q"], "people": [{"name": "A"}]}})
    with pytest.raises(ContentError, match="missing role"):
        check_lesson(data, "x")
    data["body"][0]["scenario"]["people"] = [{"name": "A", "role": "villain"}]
    with pytest.raises(ContentError, match="role of 'A'"):
        check_lesson(data, "x")


def test_a_guardian_letter_needs_a_body():
    module = {
        "slug": "m",
        "order": 1,
        "title": "M",
        "summary": "S",
        "audience_bands": ["middle_school"],
        "objectives": ["O"],
        "guardian_letter": {"title": "Dear"},
        "pre_test": {"title": "Pre", "kind": "pre_test", "questions": [single("q1")]},
        "post_test": {"title": "Post", "kind": "post_test", "questions": [single("q1")]},
    }
    with pytest.raises(ContentError, match="guardian_letter: missing body"):
        check_module(module, "x")
    module["guardian_letter"]["body"] = "Dear parents,\n\nWe are teaching..."
    check_module(module, "x")


def test_a_letter_in_one_language_only_is_caught():
    ko = {
        "slug": "m",
        "guardian_letter": {"body": "안녕하세요"},
        "pre_test": {"questions": []},
        "post_test": {"questions": []},
    }
    en = {"slug": "m", "pre_test": {"questions": []}, "post_test": {"questions": []}}
    assert any("guardian_letter" in problem for problem in check_pair(ko, en, "m", is_module=True))


# -- point 6: a lesson that states a law cites it ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("아청법 제11조 제5항은 1년 이상의 유기징역이에요.", {"acpa-11"}),
        ("성폭력처벌법 제14조의2제4항에 따른 범죄예요. 같은 법 제14조의3도 있어요.", {"sca-14-2", "sca-14-3"}),
        ("제14조의2 제4항은 3년 이하, 아청법 제11조 제5항은 1년 이상", {"sca-14-2", "acpa-11"}),
        ("형법 제305조와 소년법 제4조", {"criminal-act-305", "juvenile-act-4"}),
        ("Article 14-3(1) of the Sexual Crimes Act", {"sca-14-3"}),
        ("Articles 11 and 11-2 of the Child and Youth Protection Act", {"acpa-11", "acpa-11-2"}),
        ("(Sexual Crimes Act, Article 14(1) and (2))", {"sca-14"}),
        ("Article 9 of the Criminal Act and Article 4 of the Juvenile Act", {"criminal-act-9", "juvenile-act-4"}),
        ("새로운 법이 생겼어요. 19세 미만이에요.", set()),
        ("성폭력처벌법 제15조는 미수범을 처벌해요.", set()),  # no reference card for Art. 15: not enforced
    ],
)
def test_statute_mentions_are_read_in_both_languages(text, keys):
    assert mentioned_keys(text, LAW_KEYS) == keys


def test_a_lesson_that_states_an_uncited_law_fails():
    data = lesson()
    data["body"].insert(1, {"paragraph": "아청법 제11조가 적용될 수 있어요."})
    assert check_citations(data, "x") == ["x: states acpa-11 without citing it (add to laws:)"]
    data["laws"].append("acpa-11")
    assert check_citations(data, "x") == []


def test_a_law_block_or_a_question_key_also_cites():
    data = lesson()
    data["body"].insert(1, {"paragraph": "Article 11 of the Child and Youth Protection Act applies."})
    data["body"].insert(2, {"law": "acpa-11"})
    assert check_citations(data, "x") == []


def test_a_scored_question_that_states_a_law_carries_a_law_key():
    data = lesson(laws=["sca-14-3"])
    data["quiz"]["questions"][0]["explanation"] = "제14조의3의 협박이 될 수 있어요."
    assert check_citations(data, "x") == ["x quiz q1: states sca-14-3 but its law: is missing"]
    data["quiz"]["questions"][0]["law"] = "sca-14-2"
    assert "its law: is sca-14-2" in check_citations(data, "x")[0]
    data["quiz"]["questions"][0]["law"] = "sca-14-3"
    assert check_citations(data, "x") == []


def test_module_questions_that_state_a_law_carry_a_law_key():
    module = {"pre_test": {"questions": [single("q1", prompt="What does Article 11-2 of the ACPA punish?")]}}
    assert check_citations(module, "m", is_module=True) == ["m pre_test q1: states acpa-11-2 but its law: is missing"]


# -- point 12: names ------------------------------------------------------------------------------


def scenario_lesson(story, *people, notes="수업에 같은 이름의 학생이 있으면 이름을 바꾸세요."):
    data = lesson(teacher_notes=notes)
    data["body"].insert(
        0,
        {
            "scenario": {
                "title": "t",
                "story": story,
                "questions": ["q"],
                "people": [{"name": name, "role": role} for name, role in people],
            }
        },
    )
    return data


def test_one_name_as_victim_and_perpetrator_fails():
    lessons = {
        "one": scenario_lesson("유나의 사진을 건우가 올렸어요.", ("유나", "victim"), ("건우", "perpetrator")),
        "two": scenario_lesson("건우의 사진을 시우가 퍼뜨렸어요.", ("건우", "victim"), ("시우", "perpetrator")),
    }
    assert check_people(lessons, "ko") == ["name '건우' is both a victim and a perpetrator (one, two)"]


def test_a_victim_in_three_lessons_fails_and_two_pass():
    lessons = {f"l{n}": scenario_lesson("유나에게 메시지가 왔어요.", ("유나", "victim")) for n in range(3)}
    assert check_people(lessons, "ko") == ["name '유나' is the victim in 3 lessons (at most 2): l0, l1, l2"]
    del lessons["l2"]
    assert check_people(lessons, "ko") == []


def test_a_story_that_names_someone_not_listed_fails():
    lessons = {"one": scenario_lesson("서연이 단톡방에서 지호의 메시지를 봤어요.", ("지호", "perpetrator"))}
    assert check_people(lessons, "ko") == ["one body item 0: the story names 서연; list them in people:"]


def test_common_words_are_not_read_as_names():
    # 로운 and 주원 are pool names; 새로운 and 주원인 are words.
    lessons = {"one": scenario_lesson("새로운 앱이 주원인이었어요.")}
    assert check_people(lessons, "ko") == []


def test_lessons_with_people_tell_teachers_to_swap_names():
    lessons = {"one": scenario_lesson("Yuna got a message.", ("Yuna", "victim"), notes="Be kind.")}
    assert check_people(lessons, "en") == [
        "one: teacher_notes must say to swap a name that belongs to someone in the room"
    ]


def test_ko_and_en_people_must_match():
    ko = scenario_lesson("유나", ("유나", "victim"))
    en = copy.deepcopy(ko)
    en["body"][0]["scenario"]["people"] = [{"name": "Yuna", "role": "perpetrator"}]
    assert "people differ" in " ".join(check_pair(ko, en, "x", is_module=False))


# -- point 11: answer-key statistics --------------------------------------------------------------


def test_the_longest_keyed_limit():
    long = ("a much longer keyed answer", "no", "nope", "nah")
    questions = [single(f"q{n}", keyed=0, texts=long) for n in range(3)] + [single("q9", keyed=1)]
    figures = answer_keys.statistics({"ko": questions})
    assert figures["longest"]["ko"] == (3, 4)
    assert any("longest in 3/4" in problem for problem in answer_keys.problems(figures, "m"))


def test_keyed_positions_must_spread():
    questions = [single(f"q{n}", keyed=1) for n in range(8)]
    problems = answer_keys.problems(answer_keys.statistics({"ko": questions}), "m")
    assert any("option b is keyed in 8/8" in problem for problem in problems)
    assert any("option a is keyed in 0/8" in problem for problem in problems)
    spread = [single(f"q{n}", keyed=n % 4, texts=("aa", "bb", "cc", "dd")) for n in range(8)]
    assert answer_keys.problems(answer_keys.statistics({"ko": spread}), "m") == []


def test_true_false_keys_balance_with_whole_item_rounding():
    assert answer_keys.problems(answer_keys.statistics({"ko": [true_false(f"t{n}", False) for n in range(5)]}), "m")
    balanced = [true_false("t1", True), true_false("t2", False), true_false("t3", False)]
    assert answer_keys.problems(answer_keys.statistics({"ko": balanced}), "m") == []  # 1/3 rounds into 35-65 %


def test_report_prints_figures_per_module_and_in_all(tmp_path, capsys):
    module_dir = tmp_path / "curriculum" / "01-m"
    module_dir.mkdir(parents=True)
    questions = [single(f"q{n}", keyed=0, texts=("the longest keyed answer", "b", "c", "d")) for n in range(4)]
    module = {
        "slug": "m",
        "order": 1,
        "title": "M",
        "summary": "S",
        "audience_bands": ["middle_school"],
        "objectives": ["O"],
        "pre_test": {"title": "Pre", "kind": "pre_test", "questions": questions},
        "post_test": {"title": "Post", "kind": "post_test", "questions": [true_false("t1", False)]},
    }
    for language in ("ko", "en"):
        (module_dir / f"module.{language}.yaml").write_text(yaml.safe_dump(module, allow_unicode=True))
    assert main([str(tmp_path), "--report"]) == 1
    output = capsys.readouterr().out
    assert "longest is keyed: ko 4/4 (100 %)" in output
    assert "whole curriculum" in output
    assert "option a is keyed in 4/4" in output


# -- points 7 and 8: reference dates and unconfirmed channels -------------------------------------


def test_date_kind_is_in_force_or_last_amended():
    path = ROOT / "demo" / "law" / "references.en.yaml"
    items = yaml.safe_load(path.read_text())
    items[0]["date_kind"] = "guessed"
    with pytest.raises(ContentError, match="date_kind"):
        check_law_references(items, "refs")


def test_an_unconfirmed_channel_must_say_what_is_unknown():
    channel = {
        "key": "regulator-1377",
        "name": "1377",
        "kind": "regulator_report",
        "phone": "1377",
        "audience": "all",
        "description": "d",
        "country": "KR",
        "order": 1,
        "confirmed": False,
    }
    with pytest.raises(ContentError, match="status_note"):
        check_channels([channel], "channels")
    channel["status_note"] = "Not confirmed since the October 2025 rename."
    check_channels([channel], "channels")
