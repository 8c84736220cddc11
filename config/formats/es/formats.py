"""Spanish as our readers in US districts write it.

Dates follow Django's Spanish formats ("3 de junio de 2025"); amounts keep the
US separators ("$1,250.00"), as on the bills and pay stubs these readers know,
where Django's Spanish would print "1 250,00".
"""

from django.conf.locale.es.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
