# Billing signals (issue 15): Stripe cancellations and failed payments.
due-billing-cancelled = {$client} cancelled in Stripe on {$date}: record why?
due-billing-cancelled-ends = {$client} cancelled in Stripe on {$date} (ends {$ends}): record why?
due-billing-cancelled-ended = {$client} cancelled in Stripe on {$date} (ended {$ends}): record why?
due-payment-failed = Payment failed for {$client} on {$date}: invoice {$invoice}, {$amount}
due-billing-dismiss = Dismiss
signal-unpaid-invoices-payment-failed = {$count ->
    [one] 1 unpaid invoice
   *[other] {$count} unpaid invoices
} ({$amount}), payment failed on {$date}
