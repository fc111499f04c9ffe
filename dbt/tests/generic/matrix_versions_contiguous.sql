{#- Matrix versions must not overlap or leave gaps, every version must list every code,
    and only the newest version may be open-ended. -#}
{% test matrix_versions_contiguous(model) %}
with versions as (
    select distinct matrix_version, valid_from, valid_to from {{ model }}
),

ordered as (
    select
        *,
        lead(valid_from) over (order by valid_from) as next_valid_from
    from versions
),

gaps_or_overlaps as (
    select matrix_version, 'gap or overlap with the next version' as problem
    from ordered
    where next_valid_from is not null and valid_to is distinct from next_valid_from
    union all
    select matrix_version, 'open-ended version that is not the newest'
    from ordered
    where next_valid_from is not null and valid_to is null
),

codes_per_version as (
    select matrix_version, count(distinct offence_code) as n_codes
    from {{ model }}
    group by matrix_version
),

incomplete as (
    select matrix_version, 'version does not list every code' as problem
    from codes_per_version
    where n_codes < (select count(distinct offence_code) from {{ model }})
)

select * from gaps_or_overlaps
union all
select * from incomplete
{% endtest %}
