"""Money as people read it, and as machines read it, declared once for the whole site.

Everything is Decimal and never goes through float. Pages show whole pounds without
pence (£12,400) and other amounts to the penny (£3.10, never £3.1); the JSON API and the
downloads write pounds as a decimal string with two places ("12400.00").
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

PENNY = Decimal("0.01")


def pence(amount) -> Decimal:
    """An amount rounded half up to the penny."""
    return Decimal(amount).quantize(PENNY, rounding=ROUND_HALF_UP)


def as_decimal(value) -> Decimal | None:
    """A Decimal from a Decimal, int or numeric text, or None for anything else."""
    if value is None or value == "" or isinstance(value, float | bool):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None
    return amount if amount.is_finite() else None


def format_money(amount, places: int | None = None) -> str:
    """£12,400 for whole pounds, £0.03 or £1,234.50 otherwise; places fixes the places."""
    amount = Decimal(amount)
    if places is None:
        amount = pence(amount)
        places = 0 if amount == amount.to_integral_value() else 2
    amount = amount.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
    return f"£{amount:,.{int(places)}f}"


def format_price(amount) -> str:
    """A unit price as people say it: 3p under a pound, otherwise as money."""
    amount = pence(amount)
    if Decimal("0") < amount < Decimal("1"):
        pennies = (amount * 100).normalize()
        return f"{pennies:f}p"
    return format_money(amount)


def rounded(amount) -> Decimal:
    """The display rule for ranges and totals: to the nearest £100 from £1,000 up, to the
    nearest pound below (half up)."""
    amount = Decimal(amount)
    step = Decimal(100) if abs(amount) >= 1000 else Decimal(1)
    return (amount / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def format_rounded(amount) -> str:
    """A range end or total for reading: £87,300, £540 (see rounded)."""
    return f"£{rounded(amount):,.0f}"


def format_range(low, high=None, formatter=format_money) -> str:
    """£1,000 to £5,000, or one figure when there is no high or both ends read the same."""
    if high is None or formatter(low) == formatter(high):
        return formatter(low)
    return f"{formatter(low)} to {formatter(high)}"


def money_text(value) -> str | None:
    """Pounds as a decimal string with two places, for JSON and files, or None."""
    return None if value is None else f"{pence(value):.2f}"
