"""The Python scoring assets sit between dbt stages in one lineage graph."""

from dagster import AssetKey

from dagster_project.definitions import defs
from dagster_project.transform.assets import dbt_model_assets


def key(path: str) -> AssetKey:
    return AssetKey(path.split("/"))


def test_scoring_assets_link_to_dbt_models_and_sources() -> None:
    graph = defs.resolve_asset_graph()
    rrs = graph.get(key("scoring/rrs_scores"))
    assert {
        key("intermediate/int_scoring_points"),
        key("staging/stg_convictions"),
        key("staging/stg_arrests"),
        key("reference/offence_weights"),
    } <= rrs.parent_keys
    # dagster-dbt keys the dbt source scoring.rrs_scores as scoring/rrs_scores: the same asset
    assert key("scoring/rrs_scores") in graph.get(key("marts/nominal_scores")).parent_keys
    statistics = graph.get(key("scoring/scorecard_statistics"))
    assert key("marts/nominal_scores") in statistics.parent_keys
    assert (
        key("scoring/scorecard_statistics")
        in graph.get(key("intermediate/int_scorecard_statistics")).parent_keys
    )


def test_each_dbt_stage_is_wholly_upstream_or_downstream_of_the_scoring_assets() -> None:
    upstream, scored, scorecard = ({k.to_user_string() for k in s.keys} for s in dbt_model_assets)
    assert "intermediate/int_scoring_points" in upstream
    assert "marts/nominal_scores" in scored
    assert "marts/scorecard" in scorecard
    assert not (upstream & scored) and not (scored & scorecard)
