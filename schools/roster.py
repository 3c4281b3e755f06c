"""Class lists in: a CSV or XLSX file with 학년/반/번호 (grade, class, number) and an optional nickname.

No real name is stored. A column whose header names a person (이름, 성명, name …) or whose values look like
Korean names (2–4 Hangul syllables starting with a common surname) is dropped before anything is shown or
kept, with a message saying so. Unknown columns are never read further.

Reading a file only parses it: nothing is created until the preview's forms are confirmed (import_rows).
Importing is idempotent on (school, grade, class, number): a seat that already has an account links it.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django import forms
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from classrooms.models import Enrollment
from users.forms import suggest_username

from .models import RosterEntry

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS_PER_CLASS = 60

HEADERS = {
    "grade": {"학년", "grade", "year"},
    "section": {"반", "class", "section"},
    "number": {"번호", "number", "no", "no.", "#"},
    "nickname": {"별명", "nickname", "닉네임"},
}
NAME_HEADERS = {"이름", "성명", "성함", "학생명", "학생이름", "학생 이름", "name", "full name", "student name", "실명"}
# The most common Korean surnames (over 80% of people): a value starting with one and 2–4 syllables long
# is taken for a real name.
SURNAMES = set(
    "김이박최정강조윤장임한오서신권황안송전홍유고문양손배백허남심노하곽성차주우구나라진엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육맹제모탁국"
)
HANGUL_NAME = re.compile(r"^[가-힣]{2,4}$")


# The ten most common surnames (about 64% of people): a nickname typed on a row is refused only when it is three
# syllables starting with one of them (김민준), so everyday words used as nicknames (구름, 하늘, 장미) pass.
COMMON_SURNAMES = set("김이박최정강조윤장임")


def looks_like_a_name(value):
    """2–4 Hangul syllables starting with a common surname."""
    value = (value or "").strip()
    return bool(HANGUL_NAME.match(value)) and value[0] in SURNAMES


def column_of_names(values):
    """A column is taken for real names when most values look like names and most are three syllables long."""
    values = [value.strip() for value in values if value and value.strip()]
    if not values:
        return False
    named = sum(map(looks_like_a_name, values))
    three = sum(1 for value in values if len(value) == 3 and HANGUL_NAME.match(value))
    return named * 2 >= len(values) and three * 2 >= len(values)


def nickname_is_a_name(value):
    value = (value or "").strip()
    return len(value) == 3 and bool(HANGUL_NAME.match(value)) and value[0] in COMMON_SURNAMES


def TOO_LARGE():  # noqa: N802 - a message, translated when raised
    return _("The file is larger than 2 MB. A class list is much smaller: check it is the right file.")


class RosterRefused(Exception):
    """The whole file is refused: nothing is read from it, nothing created."""


@dataclass
class ParsedRoster:
    rows: list  # dicts with grade, section, number, nickname (strings as read)
    notices: list = field(default_factory=list)  # columns dropped, and why


def _normalise_header(text):
    return re.sub(r"\s+", " ", str(text or "").strip().lower())


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _read_table(upload):
    name = (upload.name or "").lower()
    if upload.size is not None and upload.size > MAX_BYTES:
        raise RosterRefused(TOO_LARGE())
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise RosterRefused(TOO_LARGE())
    if name.endswith(".xlsx"):
        return _read_xlsx(data)
    if name.endswith(".csv"):
        return _read_csv(data)
    raise RosterRefused(_("Upload a CSV (.csv) or Excel (.xlsx) file."))


def _read_csv(data):
    for encoding in ("utf-8-sig", "cp949"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterRefused(_("This file cannot be read as CSV. Save it from your spreadsheet as CSV UTF-8 or .xlsx."))
    if "\x00" in text:
        raise RosterRefused(_("Upload a CSV (.csv) or Excel (.xlsx) file."))
    return [[_cell_text(cell) for cell in row] for row in csv.reader(io.StringIO(text))]


def _read_xlsx(data):
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError):
        raise RosterRefused(_("This file is not a readable Excel workbook. Save it again as .xlsx or CSV.")) from None
    sheet = workbook.worksheets[0]
    rows = []
    for row in sheet.iter_rows(values_only=True):
        rows.append([_cell_text(cell) for cell in row])
        if len(rows) > 5000:
            break
    workbook.close()
    return rows


def parse(upload):
    """ParsedRoster from an uploaded file, or RosterRefused saying why the whole file cannot be used."""
    table = [row for row in _read_table(upload) if any(row)]
    if not table:
        raise RosterRefused(_("The file is empty."))
    header = [_normalise_header(cell) for cell in table[0]]
    columns = {}
    notices = []
    for position, title in enumerate(header):
        for key, names in HEADERS.items():
            if title in names and key not in columns:
                columns[key] = position
    required = (("grade", "학년"), ("section", "반"), ("number", "번호"))
    missing = [label for key, label in required if key not in columns]
    if missing:
        raise RosterRefused(
            _("Missing columns: %(columns)s. The first row must name the columns 학년, 반 and 번호 (별명 optional).")
            % {"columns": ", ".join(missing)}
        )
    body = table[1:]
    for position, title in enumerate(header):
        if position in columns.values():
            continue
        values = [row[position] for row in body if position < len(row) and row[position]]
        named = title in NAME_HEADERS or column_of_names(values)
        if named:
            notices.append(
                _('The column "%(column)s" looks like real names. It was dropped: nothing of it is shown or kept.')
                % {"column": table[0][position]}
            )
    if "nickname" in columns:
        at = columns["nickname"]
        values = [row[at] for row in body if at < len(row) and row[at]]
        if column_of_names(values):
            notices.append(
                _(
                    'The column "%(column)s" looks like real names, not nicknames. It was dropped: '
                    "nothing of it is shown or kept."
                )
                % {"column": table[0][columns["nickname"]]}
            )
            del columns["nickname"]

    def get(row, key):
        position = columns.get(key)
        return row[position] if position is not None and position < len(row) else ""

    rows = [{key: get(row, key) for key in ("grade", "section", "number", "nickname")} for row in body]
    per_class = {}
    for row in rows:
        per_class[(row["grade"], row["section"])] = per_class.get((row["grade"], row["section"]), 0) + 1
    if any(count > MAX_ROWS_PER_CLASS for count in per_class.values()):
        raise RosterRefused(
            _("More than %(max)s rows for one class. Check the file: a class list has at most %(max)s students.")
            % {"max": MAX_ROWS_PER_CLASS}
        )
    return ParsedRoster(rows=rows, notices=notices)


class RosterRowForm(forms.Form):
    """One row of the preview: corrected in place before anything is created."""

    grade = forms.IntegerField(label=gettext_lazy("Grade"), min_value=1, max_value=12)
    section = forms.IntegerField(label=gettext_lazy("Class"), min_value=1, max_value=99)
    number = forms.IntegerField(label=gettext_lazy("Number"), min_value=1, max_value=99)
    nickname = forms.CharField(label=gettext_lazy("Nickname (optional)"), max_length=60, required=False)

    def clean_nickname(self):
        nickname = self.cleaned_data["nickname"].strip()
        if nickname_is_a_name(nickname):
            raise forms.ValidationError(
                _("This looks like a real name. Use a nickname, or leave it empty: real names are not stored.")
            )
        return nickname


class BaseRosterFormSet(forms.BaseFormSet):
    """The rows together: one class (the class imported into), each number once, at most 60 rows."""

    def __init__(self, *args, classroom=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.classroom = classroom

    def clean(self):
        if any(self.errors):
            return
        kept = [form for form in self.forms if form.cleaned_data and not self._should_delete_form(form)]
        if not kept:
            raise forms.ValidationError(_("There are no rows to import."))
        if len(kept) > MAX_ROWS_PER_CLASS:
            raise forms.ValidationError(_("A class list has at most %(max)s students.") % {"max": MAX_ROWS_PER_CLASS})
        classes = {(form.cleaned_data["grade"], form.cleaned_data["section"]) for form in kept}
        expected = (self.classroom.grade, self.classroom.section) if self.classroom.grade else None
        if expected is None and len(classes) > 1:
            raise forms.ValidationError(_("The rows are for several classes. Import one class at a time."))
        seen = {}
        failed = False
        for form in kept:
            key = (form.cleaned_data["grade"], form.cleaned_data["section"])
            if expected and key != expected:
                form.add_error(
                    "section",
                    _("This row is for grade %(grade)s class %(section)s; this class is grade %(g)s class %(s)s.")
                    % {"grade": key[0], "section": key[1], "g": expected[0], "s": expected[1]},
                )
                failed = True
            number = form.cleaned_data["number"]
            if number in seen:
                for each in (form, seen[number]):
                    each.add_error("number", _("Number %(number)s appears twice.") % {"number": number})
                failed = True
            seen[number] = form
        if failed:
            raise forms.ValidationError(_("Fix the rows marked below, or remove them, then import again."))


RosterFormSet = forms.formset_factory(
    RosterRowForm, formset=BaseRosterFormSet, extra=0, can_delete=True, max_num=200, absolute_max=200
)


@dataclass
class ImportResult:
    created: list = field(default_factory=list)
    linked: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)


def import_rows(classroom, rows):
    """Create or link an account per row and enrol it; the same rows again change nothing."""
    User = get_user_model()
    result = ImportResult()
    with transaction.atomic():
        if classroom.grade is None and rows:
            classroom.grade, classroom.section = rows[0]["grade"], rows[0]["section"]
            classroom.save(update_fields=["grade", "section"])
        for row in sorted(rows, key=lambda each: each["number"]):
            entry = (
                RosterEntry.objects.select_for_update()
                .select_related("student")
                .filter(school=classroom.school, grade=row["grade"], section=row["section"], number=row["number"])
                .first()
            )
            if entry is None:
                student = User(username=suggest_username(), display_name=row["nickname"], account_type="student")
                student.set_unusable_password()
                student.save()
                RosterEntry.objects.create(
                    school=classroom.school,
                    grade=row["grade"],
                    section=row["section"],
                    number=row["number"],
                    student=student,
                )
                Enrollment.objects.create(classroom=classroom, student=student)
                result.created.append(student)
                continue
            _enrollment, enrolled = Enrollment.objects.get_or_create(classroom=classroom, student=entry.student)
            (result.linked if enrolled else result.unchanged).append(entry.student)
    return result
