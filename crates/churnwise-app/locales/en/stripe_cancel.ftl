# The cancel page's decision applied in Stripe (issue 17), on the case page.
case-stripe-failed-title = Not applied in Stripe
case-stripe-failed-lead = The customer's decision on the self-service cancel page is recorded on this case, but Stripe did not take it. Apply it in Stripe by hand.
case-stripe-decision-cancelled = Cancel at the end of the period
case-stripe-decision-accepted_offer = The accepted offer
