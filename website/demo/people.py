"""Name rules for the characters in demo scenarios (issue 14 point 12).

One name must never play both a victim and a perpetrator (a student who shares the name hears it
as an accusation), and no name is the victim in more than two lessons (the same girl harmed in
nine stories teaches that it is always her). Each scenario block lists its characters in
`people:`; a Korean story that names a known character without listing them fails too, so the
rules cannot be dodged by leaving the list out.
"""

import re

ROLES = {"victim", "perpetrator", "bystander", "friend", "adult"}
MAX_VICTIM_LESSONS = 2

# The writers' name pools (docs/content-format.md) and the names the demo used before them.
POOL_NAMES = {
    "유나", "채원", "민재", "소율", "태윤", "예린", "건우", "다인", "시우", "라온", "세아", "주원",
    "윤서", "하준", "수아", "도하", "은채", "현우", "나은", "준서", "가온", "로운", "이안", "서윤",
}  # fmt: skip
EARLIER_NAMES = {"서연", "지호", "민준", "도윤", "하은", "지민", "수빈", "하린", "태민", "도현", "하람", "지은"}
# A Korean given name stands alone or before a particle; "새로운" or "주원인" are not names.
PARTICLES = (
    "이|은|는|가|을|를|의|에게|에게서|와|과|도|만|한테|이가|이는|이의|이를|이에게|이도|이와|이랑|랑|씨|님|아|야"
)


def _name_re(name):
    return re.compile(rf"(?<![가-힣]){re.escape(name)}(?:{PARTICLES})?(?![가-힣])")


def named_in(story, names):
    """The names from `names` that a Korean story uses as names."""
    return {name for name in names if _name_re(name).search(str(story))}


def scenarios(lesson):
    """(position, scenario mapping) for every scenario block of a lesson."""
    for position, item in enumerate(lesson.get("body") or []):
        if isinstance(item, dict) and isinstance(item.get("scenario"), dict):
            yield position, item["scenario"]


def check_people(lessons, language):
    """Problems with the characters across lessons: {where: lesson data} in one language."""
    problems = []
    roles = {}  # name → {role: {where, …}}
    declared = set()
    for lesson in lessons.values():
        for _, scenario in scenarios(lesson):
            for person in scenario.get("people") or []:
                if isinstance(person, dict) and isinstance(person.get("name"), str):
                    declared.add(person["name"])
    for where, lesson in lessons.items():
        for position, scenario in scenarios(lesson):
            swhere = f"{where} body item {position}"
            listed = set()
            for person in scenario.get("people") or []:
                name, role = person.get("name"), person.get("role")
                if role not in ROLES:
                    problems.append(f"{swhere}: role of {name!r} must be one of {sorted(ROLES)}")
                    continue
                listed.add(name)
                roles.setdefault(name, {}).setdefault(role, set()).add(where)
            if language == "ko":
                unlisted = named_in(scenario.get("story"), POOL_NAMES | EARLIER_NAMES | declared) - listed
                if unlisted:
                    problems.append(f"{swhere}: the story names {', '.join(sorted(unlisted))}; list them in people:")
        if any(scenario.get("people") for _, scenario in scenarios(lesson)):
            notes = str(lesson.get("teacher_notes") or "")
            if ("이름" if language == "ko" else "name") not in notes.lower():
                problems.append(f"{where}: teacher_notes must say to swap a name that belongs to someone in the room")
    for name, by_role in sorted(roles.items()):
        if "victim" in by_role and "perpetrator" in by_role:
            places = sorted(by_role["victim"] | by_role["perpetrator"])
            problems.append(f"name {name!r} is both a victim and a perpetrator ({', '.join(places)})")
        if len(by_role.get("victim", ())) > MAX_VICTIM_LESSONS:
            places = sorted(by_role["victim"])
            problems.append(
                f"name {name!r} is the victim in {len(places)} lessons (at most {MAX_VICTIM_LESSONS}): "
                + ", ".join(places)
            )
    return problems
