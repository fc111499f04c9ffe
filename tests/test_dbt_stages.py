"""dbt stages derived from the scoring sources: a new source lands in the right stage."""

from __future__ import annotations

import dagster as dg

from dagster_project.transform.assets import scoring_source_levels, stage_selections


def _model(name: str, schema: str = "intermediate") -> dict:
    return {
        "name": name,
        "resource_type": "model",
        "fqn": ["iom_warehouse", schema, name],
        "schema": schema,
        "alias": name,
        "config": {"schema": schema},
    }


def _source(name: str) -> dict:
    return {
        "name": name,
        "source_name": "scoring",
        "resource_type": "source",
        "fqn": ["iom_warehouse", "intermediate", "scoring", name],
    }


def _manifest() -> dict:
    """points -> [rrs] -> scores -> [stats] -> card; scores -> [monthly] -> monthly_mart."""
    nodes = {
        "model.p.points": _model("points"),
        "model.p.scores": _model("scores", "marts"),
        "model.p.card": _model("card", "marts"),
        "model.p.monthly_mart": _model("monthly_mart", "marts"),
    }
    sources = {f"source.p.scoring.{n}": _source(n) for n in ("rrs", "stats", "monthly", "other")}
    child_map = {
        "model.p.points": [],
        "source.p.scoring.rrs": ["model.p.scores"],
        "model.p.scores": [],
        "source.p.scoring.stats": ["model.p.card"],
        "source.p.scoring.monthly": ["model.p.monthly_mart"],
        "source.p.scoring.other": [],
    }
    return {"nodes": nodes, "sources": sources, "child_map": child_map}


def test_each_source_follows_the_latest_stage_its_python_asset_reads() -> None:
    key = dg.AssetKey
    levels = scoring_source_levels(
        _manifest(),
        {
            "rrs": {key(["intermediate", "points"])},  # a stage-0 model: 0 + 1
            "stats": {key(["marts", "scores"])},  # downstream of rrs (1): 1 + 1
            "monthly": {key(["scoring", "rrs"])},  # reads rrs itself: rrs's level, 1
            "other": set(),  # reads nothing from dbt: 1
        },
    )
    assert levels == {"rrs": 1, "stats": 2, "monthly": 1, "other": 1}
    assert stage_selections(levels) == [
        (
            "iom_dbt_models",
            "fqn:*",
            "source:scoring.monthly+ source:scoring.other+ "
            "source:scoring.rrs+ source:scoring.stats+",
        ),
        (
            "iom_dbt_monthly_other_rrs_models",
            "source:scoring.monthly+ source:scoring.other+ source:scoring.rrs+",
            "source:scoring.stats+",
        ),
        ("iom_dbt_stats_models", "source:scoring.stats+", None),
    ]
