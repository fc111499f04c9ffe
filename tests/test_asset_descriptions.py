"""Every node of the asset graph explains itself: analysts read these in the Dagster UI."""

from dagster_project.definitions import defs


def test_every_asset_spec_has_a_description():
    undescribed = [
        spec.key.to_user_string()
        for spec in defs.resolve_all_asset_specs()
        if not (spec.description or "").strip()
    ]
    assert undescribed == []


def test_the_report_is_downstream_of_publication_in_its_own_monthly_job():
    graph = defs.resolve_asset_graph()
    report = graph.get(
        next(k for k in graph.get_all_asset_keys() if k.path == ["performance_report"])
    )
    assert [k.to_user_string() for k in report.parent_keys] == ["published_marts"]
    assert report.group_name == "reporting"
    nightly = defs.resolve_job_def("nightly_warehouse")
    assert "performance_report" not in {
        k.to_user_string() for k in nightly.asset_layer.executable_asset_keys
    }
    assert defs.resolve_schedule_def("monthly_report_schedule").job_name == "monthly_report"
