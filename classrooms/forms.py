from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lessons.models import AudienceBand

from .models import Assignment, School, normalise_join_code


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Class code"), max_length=20, help_text=_("The code your teacher gave you, for example ABCD-2345.")
    )

    def clean_code(self):
        return normalise_join_code(self.cleaned_data["code"])


class CardCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code on your sign-in card"),
        max_length=20,
        help_text=_("Ten letters and digits, for example ABCDE-23456."),
    )


class ClassroomForm(forms.Form):
    name = forms.CharField(label=_("Class name"), max_length=120)
    audience_band = forms.ChoiceField(label=_("Audience band"), choices=AudienceBand.choices)
    has_under_14 = forms.BooleanField(
        label=_("Some students in this class are under 14"),
        required=False,
        help_text=_("Then the class code works only after you record that guardians' consent was collected."),
    )
    grade = forms.IntegerField(label=_("Grade (optional)"), min_value=1, max_value=12, required=False)
    section = forms.IntegerField(label=_("Class number (optional)"), min_value=1, max_value=99, required=False)
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none(), required=False, empty_label=_("— a new school —")
    )
    school_name = forms.CharField(label=_("New school's name"), max_length=200, required=False)
    school_level = forms.ChoiceField(label=_("New school's level"), choices=School.Level.choices, required=False)
    school_region = forms.CharField(label=_("New school's region"), max_length=100, required=False)

    def __init__(self, *args, schools=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools if schools is not None else School.objects.none()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("school") and not cleaned.get("school_name"):
            self.add_error("school_name", _("Choose your school or give the name of a new one."))
        return cleaned


class AssignmentForm(forms.Form):
    page = forms.TypedChoiceField(label=_("What to assign"), coerce=int)
    opens_at = forms.DateTimeField(label=_("Opens"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    due_at = forms.DateTimeField(label=_("Due"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def __init__(self, *args, choices=(), classroom=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.classroom = classroom
        self.fields["page"].choices = choices
        now = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["opens_at"].initial = now.strftime("%Y-%m-%dT%H:%M")
        self.fields["due_at"].initial = (now + timezone.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")

    def clean(self):
        cleaned = super().clean()
        opens, due = cleaned.get("opens_at"), cleaned.get("due_at")
        if opens and due and due <= opens:
            self.add_error("due_at", _("The due date must be after the date it opens."))
        page = cleaned.get("page")
        if page and self.classroom and Assignment.objects.filter(classroom=self.classroom, page_id=page).exists():
            self.add_error("page", _("This class already has that item assigned."))
        return cleaned


class GuardianConsentForm(forms.Form):
    collected_by = forms.CharField(label=_("Who collected the consent forms"), max_length=120)
    collected_on = forms.DateField(label=_("Date collected"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean_collected_on(self):
        value = self.cleaned_data["collected_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value
