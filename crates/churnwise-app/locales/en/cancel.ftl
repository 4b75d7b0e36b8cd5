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

## Settings → Cancel page
cancel-settings-title = Cancel page
cancel-settings-intro = Your customers cancel on a page of yours: they tell you why, may accept an offer, and either ending is recorded as a departure case.
cancel-settings-open = Set up the cancel page
cancel-settings-link = Link and secret
cancel-settings-public-id = Public id of this workspace:
cancel-settings-link-format = Your app sends each customer to a link signed with the cancel secret:
cancel-settings-link-hint = A link works for one hour. The customer id is the client's external id (its Stripe customer id or your own id).
cancel-settings-secret-title = Your new cancel secret
cancel-settings-secret-once = Copy it now: it is shown only this once. Keep it on your server, never in a web page.
cancel-settings-secret-set = A cancel secret is set (it is never shown again).
cancel-settings-secret-none = No cancel secret yet: make one to start signing links.
cancel-settings-secret-warning = Making a new secret stops every link signed with the old one at once.
cancel-settings-secret-make = Make a new secret
cancel-settings-secret-owners = Only owners can make a new secret.
cancel-settings-look = How the page looks
cancel-settings-display-name = Name shown to customers
cancel-settings-display-name-hint = At most 200 characters. Leave it blank to show the workspace's name.
cancel-settings-save = Save
cancel-settings-logo = Logo
cancel-settings-logo-hint = A PNG or JPEG image of at most { $kib } KiB.
cancel-settings-logo-current = Current logo
cancel-settings-logo-upload = Upload the logo
cancel-settings-logo-remove = Remove the logo
cancel-settings-offers = Offers per reason
cancel-settings-offers-intro = For each reason a customer may give, choose what to offer before they cancel. A variant B is shown to about half the customers, so you can compare.
cancel-settings-offers-suggested = These are suggestions from your reasons; they apply once you save them.
cancel-settings-offers-hint = Pause: 1 to 3 months. Discount: 1 to 100 % for 1 to 12 months. Cheaper plan: the plan and its price in words, and its Stripe price id if you have one.
cancel-settings-save-offers = Save the offers
cancel-settings-variant-a = Offer
cancel-settings-variant-b = Variant B (optional)
cancel-settings-field-kind = Offer
cancel-settings-field-months = Months
cancel-settings-field-percent = Percent off
cancel-settings-field-plan = Plan and price
cancel-settings-field-price-id = Stripe price id
cancel-settings-kind-none = No offer
cancel-settings-kind-pause = Pause
cancel-settings-kind-discount = Discount
cancel-settings-kind-cheaper-plan = Cheaper plan
cancel-settings-kind-talk-to-us = Talk to us
cancel-settings-saved-offers = The offers were saved.
cancel-settings-saved-name = The name was saved.
cancel-settings-saved-logo = The logo was saved.
cancel-settings-removed-logo = The logo was removed.
cancel-settings-refused = Nothing was saved: please fix the fields marked below.
cancel-settings-error-kind = Check the offer.
cancel-settings-error-months = Check the months.
cancel-settings-error-percent = Check the percent.
cancel-settings-error-plan = Check the plan.
cancel-settings-error-price-id = Check the Stripe price id.
cancel-settings-error-display-name = Check the name.
cancel-settings-error-logo = Check the logo file.
cancel-settings-error-other = Check the offers.

## Dashboard → Cancel page
cancel-report-title = Cancel page
cancel-report-description = Links opened on your cancel page, the customers kept by an offer and the MRR they pay, by month.
cancel-report-sessions = Sessions
cancel-report-cancelled = Cancelled
cancel-report-saves = Saves
cancel-report-saved-mrr = Saved MRR
cancel-report-offers-title = Cancel page: offers and reasons
cancel-report-variant = Variant
cancel-report-shown = Shown
cancel-report-accepted = Accepted
cancel-report-accept-rate = Accept rate
cancel-report-no-offers = No offer was shown in these months.
cancel-report-reasons = Reasons given
cancel-report-reason = Reason
cancel-report-count = Customers
cancel-report-no-sessions = No customer finished the cancel page in these months.
