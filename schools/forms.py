from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from classrooms.models import School, normalise_join_code


class FindSchoolForm(forms.Form):
    q = forms.CharField(label=_("School name"), max_length=100, required=False)
    region = forms.CharField(label=_("Region"), max_length=100, required=False)


class JoinSchoolForm(forms.Form):
    school = forms.ModelChoiceField(queryset=School.objects.all(), widget=forms.HiddenInput)
    code = forms.CharField(
        label=_("School code"), max_length=20, help_text=_("Your school's coordinator gives you this code.")
    )

    def clean_code(self):
        return normalise_join_code(self.cleaned_data["code"])


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Teacher's email address"))


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Class list (CSV or Excel .xlsx)"),
        help_text=_("Columns 학년 (grade), 반 (class), 번호 (number), and optionally 별명 (nickname). At most 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class SignOffForm(forms.Form):
    name = forms.CharField(label=_("Coordinator's name"), max_length=100)
    title = forms.CharField(label=_("Title"), max_length=100, help_text=_("For example: head of student safety."))
    signed_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean_signed_on(self):
        value = self.cleaned_data["signed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value
