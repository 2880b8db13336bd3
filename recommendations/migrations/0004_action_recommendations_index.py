"""The actions answering a facility's recommendations, found from the recommendations.

The plan of action filtered by one facility reads the actions linked to that facility's
recommendations. With only Django's index on ``recommendation_id`` the planner preferred to read
the whole table of links (150,000 rows on the benchmark, 30 ms); with the action beside the
recommendation in one index it reads the few links of the facility's recommendations from the
index alone (about 5 ms).

The links are the table Django creates for ``Action.recommendations``, which has no model whose
``Meta.indexes`` could declare the index; hence SQL, with nothing for the migration state.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0003_recommendation_list_order"),
    ]

    operations = [
        migrations.RunSQL(
            sql=(
                "CREATE INDEX action_rec_answering_idx "
                "ON recommendations_action_recommendations (recommendation_id, action_id)"
            ),
            reverse_sql="DROP INDEX action_rec_answering_idx",
        ),
    ]
