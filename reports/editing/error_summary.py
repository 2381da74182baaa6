"""Every field in error on the report page, named so a person can find it: the list a failed save opens with."""


def error_summary(forms) -> list[dict]:
    """In page order, each error as {"label", "message", "target"}: `target` is the id of the field (or of the
    section) the error belongs to, for a link that takes the person there."""
    items = []
    for key, section in (("leads", "nhiem-vu"), ("coordinating", "phoi-hop"), ("targets", "chi-tieu")):
        for form in forms[key].forms:
            items += _form_errors(form, _entry_name(key, form), f"{section}-{_entry_code(key, form)}")
    items += _form_errors(forms["report"], "", "report-form")
    proposals = forms["proposals"]
    for error in proposals.non_form_errors():
        items.append({"label": "Kiến nghị, đề xuất", "message": error, "target": "kien-nghi"})
    for number, form in enumerate(proposals.forms, start=1):
        items += _form_errors(form, f"Kiến nghị {number}", "kien-nghi")
    return items


def _form_errors(form, name: str, section_id: str) -> list[dict]:
    if not form.is_bound or not form.errors:
        return []
    items = []
    for field, errors in form.errors.items():
        if field == "__all__" or field not in form.fields:
            label, target = name or "Báo cáo", section_id
        else:
            label = f"{name} – {form[field].label}" if name else str(form[field].label)
            target = form[field].auto_id
        items += [{"label": label, "message": message, "target": target} for message in errors]
    return items


def _entry_code(key: str, form) -> str:
    instance = form.instance
    return instance.target.code if key == "targets" else instance.section.code


def _entry_name(key: str, form) -> str:
    code = _entry_code(key, form)
    return {"leads": f"Nhiệm vụ {code}", "coordinating": f"Nhiệm vụ phối hợp {code}", "targets": f"Chỉ tiêu {code}"}[
        key
    ]
