"""The precision every figure is computed with.

.NET's largest decimal, 79228162514264337593543950335, has 29 digits, and a client may send it as any
amount. Python's default context keeps 28, so rounding such an amount to the cent (31 digits) would be
an InvalidOperation, a 9999 for a valid call. Every call's transaction computes in `FIGURES` instead:
60 digits hold sums of many of them, rounded to the cent, exactly.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Context, DivisionByZero, InvalidOperation, Overflow

FIGURES = Context(prec=60, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow])
