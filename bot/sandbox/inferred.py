"""Where the sandbox does what Commerce Layer does not document: every such rule, in one list.

The rest of the sandbox follows Commerce Layer's documentation and field metadata (resources.json):
status codes, error shapes, which attributes are creatable, updatable and filterable, DELETE
answering 204, include, sparse fieldsets, pagination, sort. Where the documentation is silent, the
sandbox still has to answer something; it answers as listed here, and the code that applies a rule
names it (`# Inferred.NAME`), so that a rule learnt from the real Commerce Layer is changed here and
at the places that name it. tests/sandbox/test_inferred.py checks that both lists agree.
"""

from __future__ import annotations

from enum import Enum


class Inferred(Enum):
    # ---- rate limits
    WRITES_SHARE_UNCACHEABLE_LIMITS = (
        "Writes (POST, PATCH, DELETE) are limited like uncacheable reads; only the read figures are published."
    )
    SERVED_READS_UNCACHEABLE = (
        "Every resource the sandbox serves (orders, customers, payment methods and gateways, Stripe and PayPal "
        "payments, customer payment sources) is read under the uncacheable limits: none is in the cacheable list."
    )
    BURST_PER_ROUTE = (
        "The burst window counts per endpoint, an endpoint being the method and the path with the resource id "
        "replaced (GET /api/orders/:id, GET /api/orders and PATCH /api/orders/:id are three); the average window "
        "counts every read, or every write, together."
    )
    REFUSED_NOT_COUNTED = "A request refused with 429 is counted in no window."
    RATE_HEADERS_DESCRIBE_THE_AVERAGE = (
        "X-Ratelimit-Limit, -Interval and -Remaining describe the class's average window on every answer, a 429 "
        "that the burst window refused included; Remaining is what is left after this request."
    )
    TOKEN_ENDPOINT_HEADERS = "The token endpoint's answers carry its own window's headers: 30 per 60 seconds."
    TOO_MANY_REQUESTS_BODY = (
        "A 429's body is one error: code TOO_MANY_REQUESTS, title Too many requests, a detail naming the limit "
        "and its interval, status 429; no Retry-After header."
    )

    # ---- Stripe payments
    CANCELLED_ORDER_TAKES_NO_PAYMENT = (
        "Creating a Stripe payment for a cancelled order is refused: 422 VALIDATION_ERROR on /data/relationships/order."
    )
    CARD_DETAILS_AT_CREATION = (
        "A Stripe payment has its payment_instrument (card_type, card_last_digits, card_expiry_month/_year) as "
        "soon as it is created, as if Stripe had confirmed the card at once; Commerce Layer fills it later, from "
        "Stripe. Brand, last digits and expiry come from Stripe's test card ids, or from a hash of any other pm_ id."
    )
    WEBHOOK_NEVER_ARRIVES = "A Stripe payment's `payment_method` (set by Stripe's webhook) stays null."
    METADATA_IS_REPLACED = (
        "A PATCH of `metadata` replaces the whole object with the one sent; nothing says whether Commerce Layer "
        "merges keys, so a client that adds a key sends the object it read, with the key added."
    )

    # ---- orders
    METHOD_CHANGE_DROPS_SOURCE = "A new payment method leaves the order without a payment source."
    SOURCE_DETAILS_FROM_SOURCE = (
        "An order's payment_source_details describe its Stripe payment's card: type stripe_payment, "
        "payment_method_id, payment_method_type card, payment_method_details with brand, last4, exp_month, exp_year."
    )

    # ---- saving to a wallet
    WALLET_SAVE_RULES = (
        "_save_payment_source_to_customer_wallet is refused with 422 VALIDATION_ERROR on the attribute for a "
        "cancelled order, a guest order, an order without payment source, a source that is not a Stripe payment, "
        "and a Stripe payment created without setup_future_usage off_session and a pm_ id."
    )
    WALLET_SAVE_ONCE = "Saving the same payment source again returns the wallet entry already saved."
    WALLET_ENTRY_DERIVED = (
        "A wallet entry's name is XXXX-XXXX-XXXX-<last 4> and its customer_token a cus_ id derived from the customer."
    )

    # ---- reusing a saved card: _customer_payment_source_id
    USE_ON_DRAFT_OR_PENDING_ONLY = (
        "_customer_payment_source_id is refused with 422 VALIDATION_ERROR on the attribute unless the order is draft "
        "or pending (the permission table's rule for sales channels, applied to every token)."
    )
    USE_NOT_ON_PAID_ORDER = (
        "_customer_payment_source_id is refused with 422 on an order whose payment is already authorized or paid."
    )
    USE_NEEDS_A_CUSTOMER = "_customer_payment_source_id is refused with 422 on a guest order."
    USE_UNKNOWN_CARD = "An unknown customer payment source id answers 404 RECORD_NOT_FOUND on the attribute."
    USE_CARD_OF_ANOTHER_CUSTOMER = "A customer payment source of another customer is refused with 422 on the attribute."
    USE_NEEDS_MATCHING_METHOD = (
        "The order's payment method must be of the saved card's gateway (Stripe for a Stripe card), as the official "
        "checkout sets it first; otherwise 422 on /data/relationships/payment_method."
    )
    USE_CREATES_A_PAYMENT = (
        "Reusing a saved card creates a new Stripe payment for the order, with options customer and payment_method "
        "from the wallet entry's tokens and the card details of the payment it was saved from, and makes it the "
        "order's payment source; the order's earlier payment source is left as it was, detached."
    )

    # ---- removing a saved card
    DELETE_KEEPS_THE_PAYMENT = (
        "Deleting a wallet entry leaves the Stripe payment it was saved from, and the card stays stored in Stripe."
    )

    # ---- filters
    JCONT_IS_JSON_CONTAINMENT = (
        "filter[q][<field>_jcont] takes a JSON object and matches as PostgreSQL's jsonb @> does: every key of the "
        "object has a contained value (an array contains an array whose every element it contains); a value that "
        "is not JSON is refused with 400 INVALID_FILTER_VALUE."
    )

    # ---- errors of the sandbox's own making
    ROUTER_ERRORS = (
        "An unknown path or method, and injected faults, answer Commerce Layer's error shape with the usual code "
        "for the status (404 NOT_FOUND, 405 METHOD_NOT_ALLOWED, 500 INTERNAL_SERVER_ERROR, ...)."
    )

    @property
    def rule(self) -> str:
        return str(self.value)
