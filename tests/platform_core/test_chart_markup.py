"""The dashboards' markup written in Python: escaped like the template engine, numbers as they are."""

import datetime

from django.template import Context, Template
from django.utils import translation

from platform_core.charts import bar_chart, step_chart
from platform_core.templatetags.chart_markup import bar_chart_svg, day_label, step_chart_desc, table_rows


def test_a_bar_chart_escapes_its_labels_and_title_and_names_itself():
    svg = bar_chart_svg(bar_chart([("Gmina <b>&", 12), ("Zero", 0)]), "c1", 'a "title"')
    assert 'aria-labelledby="c1-title c1-desc"' in svg and '<title id="c1-title">a &quot;title&quot;</title>' in svg
    assert "Gmina &lt;b&gt;&amp;: 12; Zero: 0</desc>" in svg and "<b>" not in svg
    assert svg.count("<rect") == 1  # zero gets no bar


def test_table_rows_head_each_row_dash_none_and_escape_text():
    rows = table_rows([("Powiat <x>", 3, None, "50%"), (datetime.date(2026, 12, 5), 1, 7)])
    assert rows.startswith('<tr><th scope="row">Powiat &lt;x&gt;</th><td>3</td><td>—</td><td>50%</td></tr>')
    assert '<th scope="row"><time datetime="2026-12-05">' in rows and "<td>1</td><td>7</td></tr>" in rows


def test_a_days_label_is_the_date_filters_j_e_y_in_polish():
    day = datetime.date(2026, 12, 5)
    with translation.override("pl"):
        expected = Template('{{ day|date:"j E Y" }}').render(Context({"day": day}))
        assert day_label(day) == expected == "5 grudnia 2026"
        assert step_chart_desc(step_chart([(day, 4)])) == "5 grudnia 2026: 4"
