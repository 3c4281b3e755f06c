"""Find the statutes a demo text states, so the schema check can insist they are cited.

A lesson that says "아청법 제11조" or "Article 11-2 of the Child and Youth Protection Act" states
the law; the student should see the reference card behind it. This module turns such mentions
into law keys (`acpa-11`, `acpa-11-2`) in both languages.

How an article is tied to its Act: within one sentence, to the nearest Act named (Korean puts the
Act first, English usually after: "Article 14 of the Sexual Crimes Act"); with no Act in the
sentence, to the last Act named earlier in the same text; with none at all, only when the article
number belongs to a single Act among the known keys (제14조의3 can only be 성폭력처벌법).
"""

import re

# Act code (the first part of a law key) → the ways lessons name the Act. Longer names first
# so "성폭력방지 및 피해자보호 등에 관한 법률" is not read as something shorter.
ACT_NAMES = {
    "acpa": [
        "아동ㆍ청소년의 성보호에 관한 법률",
        "아동·청소년의 성보호에 관한 법률",
        "청소년성보호법",
        "아청법",
        "Act on the Protection of Children and Youth Against Sex Offenses",
        "Act on the Protection of Children and Juveniles from Sexual Abuse",
        "Child and Youth Sex Offenses Act",
        "Child and Youth Protection Act",
        "Child and Youth Act",
        "ACPA",
    ],
    "sca": [
        "성폭력범죄의 처벌 등에 관한 특례법",
        "성폭력처벌법",
        "성폭력특례법",
        "Act on Special Cases Concerning the Punishment of Sexual Crimes",
        "Sexual Crimes Punishment Act",
        "Sexual Crimes Act",
    ],
    "sva": [
        "성폭력방지 및 피해자보호 등에 관한 법률",
        "성폭력피해자보호법",
        "성폭력방지법",
        "Sexual Violence Prevention and Victims Protection Act",
        "Sexual Violence Prevention Act",
    ],
    "criminal-act": ["형법", "Criminal Act"],
    "juvenile-act": ["소년법", "Juvenile Act"],
    "pipa": ["개인정보 보호법", "개인정보보호법", "Personal Information Protection Act"],
    "telecom": ["전기통신사업법", "Telecommunications Business Act"],
    "network": ["정보통신망법", "Network Act", "Information and Communications Network Act"],
    "hea": ["고등교육법", "Higher Education Act"],
    "spva": [
        "학교폭력예방 및 대책에 관한 법률",
        "학교폭력예방법",
        "Act on the Prevention of and Countermeasures against Violence in Schools",
        "School Violence Prevention Act",
    ],
}

_ACT_ALTERNATIVES = sorted(
    ((name, code) for code, names in ACT_NAMES.items() for name in names), key=lambda pair: -len(pair[0])
)
_ACT_CODE = {name.lower(): code for name, code in _ACT_ALTERNATIVES}
# Korean Act names may be glued to particles ("아청법이", "형법상"), but must not be the tail of a
# longer word; English names are whole words.
ACT_RE = re.compile(
    "|".join(
        (rf"(?<![가-힣]){re.escape(name)}" if re.search(r"[가-힣]", name) else rf"\b{re.escape(name)}\b")
        for name, _ in _ACT_ALTERNATIVES
    ),
    re.IGNORECASE,
)
# 제14조의2, 14조, 제 11 조 ⑤ …
KO_ARTICLE_RE = re.compile(r"(?<![0-9])(?:제\s*)?([0-9]{1,3})\s*조(?:\s*의\s*([0-9]{1,2}))?")
# Article 14-2, Art. 11(5), Articles 14, 14-2 and 14-3
_EN_NUMBER = r"([0-9]{1,3})(?:-([0-9]{1,2}))?(?:\([0-9]{1,2}\)|[①-⑳])*"
EN_ARTICLE_RE = re.compile(r"\bArt(?:icles?|s?\.)?\s*" + _EN_NUMBER, re.IGNORECASE)
EN_MORE_RE = re.compile(
    r"\s*(?:,|and|or|&)\s*(?:Art(?:icles?|\.)?\s*)?" + _EN_NUMBER + r"(?!\s*(?:years?|months?|million|won|%|days?))"
)
SENTENCE_END_RE = re.compile(r"(?<!\bArt)(?<!\bArts)[.!?。]\s|\n")


def _articles(sentence):
    """(start, end, article, sub-article, english) for every article reference in one sentence."""
    found = []
    for match in KO_ARTICLE_RE.finditer(sentence):
        found.append((match.start(), match.end(), match.group(1), match.group(2), False))
    for match in EN_ARTICLE_RE.finditer(sentence):
        found.append((match.start(), match.end(), match.group(1), match.group(2), True))
        end = match.end()
        while more := EN_MORE_RE.match(sentence, end):
            found.append((more.start(), more.end(), more.group(1), more.group(2), True))
            end = more.end()
    return found


# What may stand between an English reference and its Act: "14(2) and 14-3 of the ".
OF_THE_RE = re.compile(r"[\s0-9(),①-⑳-]*(?:(?:and|or)[\s0-9(),①-⑳-]*)*of\s+(?:the\s+)?", re.IGNORECASE)


def _act_for(acts, start, end, english, sentence, context):
    """The Act an article reference belongs to (see the module docstring)."""
    if english:
        later = [(pos, code) for pos, code in acts if pos >= end]
        if later and OF_THE_RE.fullmatch(sentence[end : later[0][0]]):
            return later[0][1]
    before = [code for pos, code in acts if pos < start]
    if before:
        return before[-1]
    if context:
        return context
    later = [code for pos, code in acts if pos >= end]
    return later[0] if later and english else None


def _key(act, article, sub):
    return f"{act}-{article}" + (f"-{sub}" if sub else "")


def mentioned_keys(text, known_keys):
    """The known law keys a text states, e.g. {"acpa-11"} for "아청법 제11조⑤"."""
    by_article = {}
    for key in known_keys:
        act = max((code for code in ACT_NAMES if key.startswith(code + "-")), key=len, default=None)
        if act:
            by_article.setdefault(key[len(act) + 1 :], set()).add(act)
    keys = set()
    context = None
    for sentence in SENTENCE_END_RE.split(str(text)):
        acts = [(m.start(), _ACT_CODE[m.group(0).lower()]) for m in ACT_RE.finditer(sentence)]
        for start, end, article, sub, english in _articles(sentence):
            act = _act_for(acts, start, end, english, sentence, context)
            if act is None or _key(act, article, sub) not in known_keys:
                # No Act, or one that has no such article here: trust the number if only one Act has it.
                owners = by_article.get(f"{article}-{sub}" if sub else article, set())
                act = next(iter(owners)) if len(owners) == 1 else None
            if act and _key(act, article, sub) in known_keys:
                keys.add(_key(act, article, sub))
        if acts:
            context = acts[-1][1]
    return keys


def texts(value):
    """Every string inside a YAML value, in order."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from texts(item)
