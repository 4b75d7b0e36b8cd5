## The self-service cancel page (issue 17)
channel-self_service = Self-service cancel page
cancel-title = Cancel your subscription
cancel-from = { $business }
cancel-intro = We are sorry to see you go. Tell us why, so we can do better.
cancel-reason-legend = Why are you cancelling?
cancel-words = Anything you would like to add? (optional)
cancel-continue = Continue
cancel-offer-title = Before you go
cancel-offer-lead = One thing that may help, for your reason:
cancel-accept = Accept this offer
cancel-cancel = Cancel my subscription
cancel-confirm-title = Confirm your cancellation
cancel-confirm-lead = Press the button below to cancel your subscription.
cancel-done-cancelled-title = Your subscription is cancelled
cancel-done-cancelled = Thank you for having been with us. Your cancellation is recorded.
cancel-done-accepted-title = Thank you for staying
cancel-done-accepted = Your choice is recorded. We will take it from here.
cancel-done-before-title = Already recorded
cancel-done-before = Your answer to this link was already recorded.
cancel-gone-title = Link no longer valid
cancel-gone = This link is no longer valid. Please go back and start again.
cancel-forbidden-title = Link not valid
cancel-forbidden = This link is not valid.
cancel-error-reason = Choose a reason.
cancel-error-words = Your words are too long (at most 2,000 characters).
cancel-error-other = Something in the form needs fixing.
cancel-offer-pause = Pause your subscription for { $months ->
    [one] one month
   *[other] { $months } months
} instead of cancelling.
cancel-offer-discount = { $percent } % off for { $months ->
    [one] one month
   *[other] { $months } months
}.
cancel-offer-cheaper_plan = Switch to a cheaper plan: { $plan }.
cancel-offer-talk_to_us = Talk to us first: someone from our team will get in touch.
cancel-reason-work_quality = The quality did not meet my expectations
cancel-reason-price_too_high = It costs too much for what I get
cancel-reason-cheaper_competitor = I found a cheaper alternative
cancel-reason-needs_changed = My needs changed / I no longer need it
cancel-reason-budget_cut = My budget was cut
cancel-reason-values_mismatch = It is not the right fit for me
cancel-reason-no_results = I did not get results / I did not use it enough
cancel-reason-other = Another reason
