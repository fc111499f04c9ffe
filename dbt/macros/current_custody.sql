{#- The custody rule, defined once for the nominals (int_nominal_status) and the whole
    population (int_population_custody): a person is in custody at d when an episode started
    on or before d and has no release by d (a release on d is out); of overlapping episodes
    (e.g. remand then sentence) the latest-starting one is current.
    Returns a select of reference_dates.status_date, custody.nominal_key and the named custody
    columns, one row per (status_date, nominal_key) in custody. -#}
{% macro current_custody(reference_dates, custody, columns) -%}
    select
        status_date,
        nominal_key,
        {{ columns | join(',\n        ') }}
    from (
        select
            {{ reference_dates }}.status_date,
            {{ custody }}.nominal_key,
            {%- for column in columns %}
            {{ custody }}.{{ column }},
            {%- endfor %}
            row_number() over (
                partition by {{ reference_dates }}.status_date, {{ custody }}.nominal_key
                order by {{ custody }}.custody_start_date desc, {{ custody }}.custody_id desc
            ) as recency_rank
        from {{ reference_dates }}
        inner join {{ custody }}
            on {{ reference_dates }}.status_date >= {{ custody }}.custody_start_date
            and (
                {{ custody }}.actual_release_date is null
                or {{ reference_dates }}.status_date < {{ custody }}.actual_release_date
            )
    ) as ranked_custody
    where recency_rank = 1
{%- endmacro %}
