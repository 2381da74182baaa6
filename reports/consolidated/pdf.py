"""The consolidated report as a PDF in the layout of Decree 30/2020/NĐ-CP."""

from django.template.loader import render_to_string

from reports.pdf import issuer_lines, render_pdf
from targets.charts import sparkline


def consolidated_context(data) -> dict:
    report, plan, tasks = data.report, data.plan, data.tasks
    entries = {}
    for row in tasks.to_dict("records"):
        entries.setdefault(row["section_id"], []).append(row)
    line1, line2 = issuer_lines(plan.issuing_body)
    targets = data.targets.to_dict("records")
    for row in targets:
        row["value"] = None if row["value"] is None or row["value"] != row["value"] else row["value"]
        row["chart"] = sparkline(data.series.get(row["target_id"], {}), width=70, height=18)
    included = data.reports[data.reports["included"]]
    leads = tasks[tasks["role"] == "lead"]
    return {
        "plan": plan,
        "year": data.year,
        "issuer_line1": line1,
        "issuer_line2": line2,
        "number": report.number,
        "place": plan.place,
        "date": report.report_date,
        "addressee": report.addressee,
        "subject": f"Kết quả thực hiện năm {data.year} Kế hoạch {plan.title[0].lower()}{plan.title[1:]}",
        "outline": data.outline,
        "entries": entries,
        "targets": targets,
        "shortcomings": leads[leads["shortcomings"].str.strip() != ""].to_dict("records"),
        "next_steps": leads[leads["next_steps"].str.strip() != ""].to_dict("records"),
        "difficulties": data.difficulties.to_dict("records"),
        "proposals": data.proposals.to_dict("records"),
        "agency_rows": data.reports.to_dict("records"),
        "expected_count": len(data.reports),
        "included_count": len(included),
        "approved_count": int(included["approved"].sum()),
        "unapproved_count": int((~included["approved"]).sum()),
        "recipients": report.recipient_list(),
        "signer_authority": report.signer_authority,
        "signer_position": report.signer_position,
        "signer_name": report.signer_name,
    }


def consolidated_html(data) -> str:
    return render_to_string("reports/pdf/consolidated.html", consolidated_context(data))


def consolidated_pdf(data) -> bytes:
    return render_pdf(consolidated_html(data))
