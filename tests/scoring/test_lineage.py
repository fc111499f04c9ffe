"""The Python scoring assets sit between dbt stages in one lineage graph."""

import json

from dagster import AssetKey

from dagster_project.definitions import defs
from dagster_project.transform.assets import dbt_model_assets
from dagster_project.transform.project import dbt_project


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
    # dagster-dbt keys the dbt source scoring.rrs_scores as scoring/rrs_scores: the same asset,
    # read by its staging model only
    assert key("scoring/rrs_scores") in graph.get(key("staging/stg_rrs_scores")).parent_keys
    assert (
        key("staging/stg_rrs_scores") in graph.get(key("intermediate/int_spell_scores")).parent_keys
    )
    assert (
        key("intermediate/int_spell_scores") in graph.get(key("marts/nominal_scores")).parent_keys
    )
    statistics = graph.get(key("scoring/scorecard_statistics"))
    assert key("marts/nominal_scores") in statistics.parent_keys
    assert (
        key("scoring/scorecard_statistics")
        in graph.get(key("staging/stg_scorecard_statistics")).parent_keys
    )


def test_each_dbt_stage_is_wholly_upstream_or_downstream_of_the_scoring_assets() -> None:
    upstream, scored, scorecard = ({k.to_user_string() for k in s.keys} for s in dbt_model_assets)
    assert "intermediate/int_scoring_points" in upstream
    assert "marts/nominal_scores" in scored
    assert "marts/scorecard" in scorecard
    assert {"staging/stg_rrs_scores", "intermediate/int_spell_scores"} <= scored
    assert "staging/stg_scorecard_statistics" in scorecard
    assert not (upstream & scored) and not (scored & scorecard) and not (upstream & scorecard)


def test_no_intermediate_model_or_mart_reads_a_source_or_an_intermediate_reads_a_mart() -> None:
    manifest = json.loads(dbt_project.manifest_path.read_text())
    models = {k: n for k, n in manifest["nodes"].items() if n["resource_type"] == "model"}
    for node in models.values():
        parents = node["depends_on"]["nodes"]
        layer = node["fqn"][1]
        if layer != "staging":
            assert not [p for p in parents if p.startswith("source.")], node["name"]
        if layer == "intermediate":
            assert not [p for p in parents if p in models and models[p]["fqn"][1] == "marts"], node[
                "name"
            ]
