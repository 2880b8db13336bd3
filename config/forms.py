from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Django's form templates, with each field in a block of its own (label, help, errors,
    widget), so that fields stack one under another and carry an error class."""

    field_template_name = "forms/field.html"
