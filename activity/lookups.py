"""``in`` on an integer column, refusing no value the column cannot hold.

Django already answers ``pk=99999999999999999999`` with "no such row" without asking the
database, but sends the same number in ``pk__in=[…]`` as it is; SQLite then fails with
``OverflowError`` ("Python int too large to convert to SQLite INTEGER"). Every multiple choice
of a form, a filter or the site administration checks the ids it receives with such a query,
so a hand-typed 20-digit id was a server error there. This lookup leaves out the numbers that
no row can have: the answer is the same on every database, and none of them sees the number.
"""

from typing import Any

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)
