"""Orders per customer id, day and currency: the documents whose lines on that day add up to
a positive amount. Credit notes and cancellations stay documents but are no orders, so that
order counts and frequencies are not inflated by returns. Existing rows are filled from the
stored lines, as `kam revenue rebuild` computes them."""

from django.db import migrations, models

# Set-based: the orders of every key counted in one pass over the lines, then each rollup row
# finds its count by an indexed look-up (a subquery per row would scan the lines each time).
FILL = [
    """
    CREATE TEMPORARY TABLE kam_orders_fill AS
    SELECT COALESCE(customer_id, 0) AS customer_key, date, currency,
           SUM(CASE WHEN ROUND(net, 4) > 0 THEN 1 ELSE 0 END) AS orders
    FROM (SELECT customer_id, date, currency, document, SUM(amount) AS net
          FROM revenue_revenueline GROUP BY customer_id, date, currency, document) AS per_document
    GROUP BY customer_id, date, currency
    """,
    "CREATE INDEX kam_orders_fill_key ON kam_orders_fill (customer_key, date, currency)",
    """
    UPDATE revenue_dailyrevenue SET orders = COALESCE((
        SELECT f.orders FROM kam_orders_fill f
        WHERE f.customer_key = revenue_dailyrevenue.customer_key
          AND f.date = revenue_dailyrevenue.date
          AND f.currency = revenue_dailyrevenue.currency
    ), 0)
    """,
    "DROP TABLE kam_orders_fill",
]


class Migration(migrations.Migration):
    dependencies = [
        ("revenue", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="dailyrevenue",
            name="orders",
            field=models.PositiveIntegerField(db_default=0, default=0, verbose_name="orders"),
        ),
        migrations.RunSQL(FILL, reverse_sql=migrations.RunSQL.noop),
    ]
